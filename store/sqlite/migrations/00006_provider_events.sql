-- +goose Up
-- provider_events: every event a payment provider's webhook delivered, once per provider and
-- event id (spec §6.14). Stored and acknowledged in one transaction with the job that applies
-- it; state records what applying it did (STORED until then; APPLIED; IGNORED with the reason).
CREATE TABLE provider_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_provider_id INTEGER NOT NULL REFERENCES payment_providers (id),
    event_id            TEXT NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
    occurred_at         BIGINT NOT NULL,
    received_at         BIGINT NOT NULL,
    resource            TEXT NOT NULL CHECK (length(resource) BETWEEN 1 AND 255),
    resource_id         TEXT NOT NULL CHECK (length(resource_id) <= 255),
    action              TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 255),
    payload             BLOB NOT NULL,
    state               TEXT NOT NULL DEFAULT 'STORED' CHECK (state IN ('STORED', 'APPLIED', 'IGNORED')),
    note                TEXT NOT NULL DEFAULT '',
    UNIQUE (payment_provider_id, event_id)
);
CREATE INDEX provider_events_resource ON provider_events (payment_provider_id, resource, resource_id, occurred_at);

-- +goose Down
DROP TABLE provider_events;
