-- +goose Up
-- executed is set inside the same transaction as the business write of the request holding the
-- key: a key left "in progress" by a crash is known to have run (or not).
ALTER TABLE idempotency_keys ADD COLUMN executed BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN executed;
