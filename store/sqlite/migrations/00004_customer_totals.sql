-- +goose Up
-- The payment totals of GET /customer-balances (OP-27) are kept on the customer row, updated by
-- the same statement that posts each ledger entry (PostEntry), so a balance read is one indexed
-- row instead of sums over the customer's whole ledger:
--   total_payments:         sum of the PAYMENT and PAYMENT_REVERSED entries;
--   payments_since_invoice: the same sum over the entries after the customer's last
--                           INVOICE_CREATED or ADHOC_INVOICE_CREATED entry (posting order).
ALTER TABLE customers ADD COLUMN total_payments BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN payments_since_invoice BIGINT NOT NULL DEFAULT 0;
UPDATE customers SET
    total_payments = COALESCE((SELECT SUM(e.amount) FROM ledger_entries e
        WHERE e.customer_id = customers.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')), 0),
    payments_since_invoice = COALESCE((SELECT SUM(e.amount) FROM ledger_entries e
        WHERE e.customer_id = customers.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')
        AND e.seq > COALESCE((SELECT MAX(x.seq) FROM ledger_entries x
            WHERE x.customer_id = customers.id AND x.txn_type IN ('INVOICE_CREATED', 'ADHOC_INVOICE_CREATED')), 0)), 0);

-- +goose Down
ALTER TABLE customers DROP COLUMN payments_since_invoice;
ALTER TABLE customers DROP COLUMN total_payments;
