-- +goose Up
-- Indexes for the lists (issue 8): GET /invoice-payments at a million rows sorted every page
-- and counted its matches by scanning the whole table.
--
-- Amounts sort and filter by their split key (store/sqlstore/list.go, moneyKey): hi = floor(v /
-- 10^6 major units), lo = the rest in millionths, computed from the minor-units amount and the
-- currency exponent. No index can cover that key as the list compiler used to write it (an
-- expression over two columns), so it is stored: amount_key_hi and amount_key_lo are generated
-- columns whose expressions are exactly list.go's plainKey("amount", "currency_exp") (a test in
-- store/sqlstore, list_test.go, holds both engines' migrations to it). Generated rather than
-- written by Go: every writer of amount (the service's insert, bench's set-based seeding and its
-- pgbench script, any future UPDATE) gets the key right without knowing about it, and the
-- existing rows are backfilled by the ALTER itself. STORED (PostgreSQL 12 and later; this
-- rewrites the table once, under its exclusive lock); SQLite's are VIRTUAL, indexed the same.
ALTER TABLE invoice_payments
    ADD COLUMN amount_key_hi BIGINT NOT NULL GENERATED ALWAYS AS ((amount / (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) - CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN 1 ELSE 0 END)) STORED,
    ADD COLUMN amount_key_lo BIGINT NOT NULL GENERATED ALWAYS AS (((amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) + CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) ELSE 0 END) * (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END))) STORED;

-- Every invoice-payment list is scoped to one bill run type (normal or adhoc payments), so each
-- list index leads with it; contract_owner_id is carried last so a tenant's scope
-- (contract_owner_id IN (…)) is checked on the index entry, before any row is read, and counts
-- are index-only. Ties break by id ascending (list.go, orderBy).
--   default sort and sort=id (and customerPaymentId filters sorted by id, checked in the index):
CREATE INDEX invoice_payments_list_id ON invoice_payments (bill_run_type, id, customer_payment_id, contract_owner_id);
--   sort=amountInMajorCurrency (either direction: a descending sort reads it backwards):
CREATE INDEX invoice_payments_list_amount ON invoice_payments (bill_run_type, amount_key_hi, amount_key_lo, id, contract_owner_id);
--   customerPaymentType filters, sorted by paymentDate (the lists' "latest first"):
CREATE INDEX invoice_payments_list_type ON invoice_payments (bill_run_type, customer_payment_type, payment_date, id, contract_owner_id);
--   customerPaymentId ranges and their counts, index-only; replaces the bare
--   (customer_payment_id) index, whose lookups it still serves:
CREATE INDEX invoice_payments_list_customer_payment ON invoice_payments (customer_payment_id, bill_run_type, contract_owner_id);
DROP INDEX invoice_payments_customer_payment;
--   counts of a bill run type, or of one customerPaymentType, index-only on a narrow index
--   (PostgreSQL deduplicates its few distinct keys into a few megabytes for a million rows):
CREATE INDEX invoice_payments_list_count ON invoice_payments (bill_run_type, customer_payment_type, contract_owner_id);
-- generatedInvoiceId filters use invoice_payments_invoice (invoice_id, id); a tenant's id-sorted
-- lists and counts use invoice_payments_owner (contract_owner_id, bill_run_type, id).

-- Refunds: the same stored key for sort=amountInMajorCurrency (refund amounts never change).
ALTER TABLE refunds
    ADD COLUMN amount_key_hi BIGINT NOT NULL GENERATED ALWAYS AS ((amount / (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) - CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN 1 ELSE 0 END)) STORED,
    ADD COLUMN amount_key_lo BIGINT NOT NULL GENERATED ALWAYS AS (((amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) + CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) ELSE 0 END) * (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END))) STORED;
CREATE INDEX refunds_list_amount ON refunds (amount_key_hi, amount_key_lo, id, contract_owner_id);

-- +goose Down
DROP INDEX refunds_list_amount;
ALTER TABLE refunds DROP COLUMN amount_key_lo, DROP COLUMN amount_key_hi;
CREATE INDEX invoice_payments_customer_payment ON invoice_payments (customer_payment_id);
DROP INDEX invoice_payments_list_count;
DROP INDEX invoice_payments_list_customer_payment;
DROP INDEX invoice_payments_list_type;
DROP INDEX invoice_payments_list_amount;
DROP INDEX invoice_payments_list_id;
ALTER TABLE invoice_payments DROP COLUMN amount_key_lo, DROP COLUMN amount_key_hi;
