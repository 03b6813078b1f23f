-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    username           TEXT NOT NULL UNIQUE,
    password_hash      TEXT NOT NULL,
    contract_owner_ids TEXT NOT NULL DEFAULT '',
    admin              BOOLEAN NOT NULL DEFAULT FALSE,
    scopes             TEXT NOT NULL DEFAULT '',
    disabled           BOOLEAN NOT NULL DEFAULT FALSE,
    failures           INTEGER NOT NULL DEFAULT 0,
    locked_until       BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE currencies (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL,
    code                TEXT NOT NULL UNIQUE,
    major_currency_name TEXT NOT NULL,
    minor_currency_name TEXT NOT NULL,
    decimal_places      INTEGER NOT NULL CHECK (decimal_places BETWEEN 0 AND 3)
);
INSERT INTO currencies (id, name, code, major_currency_name, minor_currency_name, decimal_places) VALUES
    (1, 'Pound sterling', 'GBP', 'pounds', 'pence', 2),
    (2, 'Euro', 'EUR', 'euros', 'cents', 2),
    (3, 'US dollar', 'USD', 'dollars', 'cents', 2);

CREATE TABLE payment_providers (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    type                     TEXT NOT NULL,
    name                     TEXT NOT NULL,
    direct_debit_with_name   TEXT,
    status                   TEXT NOT NULL,
    creditor_identifier      TEXT,
    instant_bank_payments    BOOLEAN NOT NULL DEFAULT FALSE,
    retry_if_possible        BOOLEAN NOT NULL DEFAULT FALSE,
    accept_external_payments BOOLEAN NOT NULL DEFAULT FALSE,
    sync_ibp_with_mandate    BOOLEAN NOT NULL DEFAULT FALSE
);

-- One row per contract owner a provider serves; name_key (trimmed, lower-cased name) makes
-- provider names unique per contract owner.
CREATE TABLE payment_provider_owners (
    provider_id       INTEGER NOT NULL REFERENCES payment_providers (id),
    contract_owner_id INTEGER NOT NULL,
    name_key          TEXT NOT NULL,
    PRIMARY KEY (provider_id, contract_owner_id),
    UNIQUE (contract_owner_id, name_key)
);

CREATE TABLE customers (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_owner_id       INTEGER NOT NULL,
    customer_name           TEXT NOT NULL,
    customer_account_number TEXT,
    currency_id             BIGINT NOT NULL REFERENCES currencies (id),
    currency_exp            INTEGER NOT NULL,
    credit_threshold        BIGINT,
    open_bill_run_value     BIGINT NOT NULL DEFAULT 0,
    balance                 BIGINT NOT NULL DEFAULT 0,
    last_seq                BIGINT NOT NULL DEFAULT 0,
    UNIQUE (contract_owner_id, customer_account_number)
);
CREATE INDEX customers_owner ON customers (contract_owner_id, id);

CREATE TABLE sites (
    id                             INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id                    BIGINT NOT NULL REFERENCES customers (id),
    contract_owner_id              INTEGER NOT NULL,
    site_name                      TEXT NOT NULL,
    start_date                     TEXT NOT NULL,
    end_date                       TEXT,
    payment_method                 TEXT,
    mandate_status                 TEXT,
    mandate_reference              TEXT,
    third_party_customer_reference TEXT,
    payment_provider_id            INTEGER REFERENCES payment_providers (id)
);
CREATE INDEX sites_customer ON sites (customer_id);
CREATE INDEX sites_owner ON sites (contract_owner_id, id);

CREATE TABLE invoices (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id                 BIGINT NOT NULL REFERENCES customers (id),
    contract_owner_id           INTEGER NOT NULL,
    site_id                     BIGINT NOT NULL REFERENCES sites (id),
    bill_run_type               TEXT NOT NULL,
    bill_run_id                 BIGINT,
    invoice_number              TEXT NOT NULL,
    invoice_date                TEXT NOT NULL,
    due_date                    TEXT NOT NULL,
    total                       BIGINT NOT NULL CHECK (total >= 0),
    outstanding                 BIGINT NOT NULL CHECK (outstanding >= 0),
    currency_id                 BIGINT NOT NULL REFERENCES currencies (id),
    currency_exp                INTEGER NOT NULL,
    payment_method              TEXT,
    auto_collect                BOOLEAN NOT NULL DEFAULT FALSE,
    payment_status              TEXT NOT NULL,
    third_party_payment_status  TEXT,
    third_party_refund_status   TEXT,
    UNIQUE (contract_owner_id, invoice_number)
);
CREATE INDEX invoices_customer ON invoices (customer_id, due_date);
CREATE INDEX invoices_owner ON invoices (contract_owner_id, id);

-- The ledger: append-only. (customer_id, seq) numbers each customer's entries without gaps.
CREATE TABLE ledger_entries (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id           BIGINT NOT NULL REFERENCES customers (id),
    contract_owner_id     INTEGER NOT NULL,
    seq                   BIGINT NOT NULL,
    amount                BIGINT NOT NULL,
    resulting_balance     BIGINT NOT NULL,
    currency_id           BIGINT NOT NULL REFERENCES currencies (id),
    currency_exp          INTEGER NOT NULL,
    description           TEXT,
    reference             TEXT,
    type                  TEXT,
    payment_date          TEXT NOT NULL,
    customer_payment_type TEXT NOT NULL,
    txn_type              TEXT NOT NULL,
    invoice_id            BIGINT REFERENCES invoices (id),
    invoice_number        TEXT,
    bill_run_type         TEXT,
    UNIQUE (customer_id, seq)
);
CREATE INDEX ledger_owner ON ledger_entries (contract_owner_id, id);

CREATE TABLE idempotency_keys (
    subject     TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    completed   BOOLEAN NOT NULL DEFAULT FALSE,
    status      INTEGER NOT NULL DEFAULT 0,
    header      TEXT NOT NULL DEFAULT '',
    body        BLOB,
    PRIMARY KEY (subject, key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE ledger_entries;
DROP TABLE invoices;
DROP TABLE sites;
DROP TABLE customers;
DROP TABLE payment_provider_owners;
DROP TABLE payment_providers;
DROP TABLE currencies;
DROP TABLE users;
DROP TABLE settings;
