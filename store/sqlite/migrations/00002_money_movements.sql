-- +goose Up
-- Per-invoice money figures, maintained in the same transaction as every payment and refund.
-- outstanding = max(0, total - collected). SQLite cannot add a table CHECK to an existing
-- table, so triggers hold outstanding <= total (PostgreSQL: a CHECK constraint).
ALTER TABLE invoices ADD COLUMN collected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0 CHECK (in_flight >= 0);
ALTER TABLE invoices ADD COLUMN refunds_pending INTEGER NOT NULL DEFAULT 0 CHECK (refunds_pending >= 0);
ALTER TABLE invoices ADD COLUMN refunds_settled INTEGER NOT NULL DEFAULT 0 CHECK (refunds_settled >= 0);

-- +goose StatementBegin
CREATE TRIGGER invoices_outstanding_le_total_update BEFORE UPDATE ON invoices
WHEN NEW.outstanding > NEW.total
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: invoices_outstanding_le_total');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoices_outstanding_le_total_insert BEFORE INSERT ON invoices
WHEN NEW.outstanding > NEW.total
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: invoices_outstanding_le_total');
END;
-- +goose StatementEnd

-- Payments of normal (bill_run_type NORMAL) and adhoc invoices share one table and one id space.
CREATE TABLE invoice_payments (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id                 INTEGER NOT NULL REFERENCES invoices (id),
    customer_id                INTEGER NOT NULL REFERENCES customers (id),
    contract_owner_id          INTEGER NOT NULL,
    bill_run_type              TEXT NOT NULL,
    bill_run_id                INTEGER,
    amount                     INTEGER NOT NULL CHECK (amount <> 0),
    currency_id                INTEGER NOT NULL REFERENCES currencies (id),
    currency_exp               INTEGER NOT NULL,
    description                TEXT NOT NULL,
    meta_data                  TEXT,
    error_info                 TEXT,
    payment_method             TEXT NOT NULL,
    payment_date               TEXT NOT NULL,
    customer_payment_type      TEXT NOT NULL,
    customer_payment_id        INTEGER REFERENCES ledger_entries (id),
    third_party_payment_status TEXT,
    payment_provider_id        INTEGER REFERENCES payment_providers (id),
    counts_collected           BOOLEAN NOT NULL,
    created_at                 INTEGER NOT NULL
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id, id);
CREATE INDEX invoice_payments_owner ON invoice_payments (contract_owner_id, bill_run_type, id);
CREATE INDEX invoice_payments_customer_payment ON invoice_payments (customer_payment_id);

-- Credit left by a customer payment that is not yet allocated to invoices (spec §6.2 step 7).
CREATE TABLE customer_credits (
    entry_id    INTEGER PRIMARY KEY REFERENCES ledger_entries (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    remaining   INTEGER NOT NULL CHECK (remaining >= 0)
);
CREATE INDEX customer_credits_customer ON customer_credits (customer_id, entry_id);

CREATE TABLE refunds (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id                INTEGER NOT NULL REFERENCES invoices (id),
    customer_id               INTEGER NOT NULL REFERENCES customers (id),
    contract_owner_id         INTEGER NOT NULL,
    bill_run_type             TEXT NOT NULL,
    third_party_refund_status TEXT NOT NULL,
    description               TEXT,
    error_info                TEXT,
    payment_method            TEXT NOT NULL,
    amount                    INTEGER NOT NULL CHECK (amount > 0),
    currency_id               INTEGER NOT NULL REFERENCES currencies (id),
    currency_exp              INTEGER NOT NULL,
    payment_provider_id       INTEGER REFERENCES payment_providers (id),
    invoice_payment_id        INTEGER REFERENCES invoice_payments (id),
    entry_id                  INTEGER REFERENCES ledger_entries (id),
    created_at                INTEGER NOT NULL
);
CREATE INDEX refunds_invoice ON refunds (invoice_id, id);
CREATE INDEX refunds_owner ON refunds (contract_owner_id, id);

CREATE INDEX ledger_customer ON ledger_entries (customer_id, id);

-- +goose Down
DROP TRIGGER invoices_outstanding_le_total_insert;
DROP TRIGGER invoices_outstanding_le_total_update;
DROP INDEX ledger_customer;
DROP TABLE refunds;
DROP TABLE customer_credits;
DROP TABLE invoice_payments;
ALTER TABLE invoices DROP COLUMN refunds_settled;
ALTER TABLE invoices DROP COLUMN refunds_pending;
ALTER TABLE invoices DROP COLUMN in_flight;
ALTER TABLE invoices DROP COLUMN collected;
