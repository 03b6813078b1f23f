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
-- in-process write limit, any future UPDATE) gets the key right without knowing about it, and
-- the existing rows need no backfill. SQLite can add only VIRTUAL generated columns with ALTER
-- TABLE: the value is computed when read, and stored in the indexes below, which is all the
-- lists read it from. (PostgreSQL's are STORED, the only kind it can index.)
ALTER TABLE invoice_payments ADD COLUMN amount_key_hi INTEGER NOT NULL GENERATED ALWAYS AS ((amount / (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) - CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN 1 ELSE 0 END)) VIRTUAL;
ALTER TABLE invoice_payments ADD COLUMN amount_key_lo INTEGER NOT NULL GENERATED ALWAYS AS (((amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) + CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) ELSE 0 END) * (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END))) VIRTUAL;

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
-- (PostgreSQL also has invoice_payments_list_count (bill_run_type, customer_payment_type,
-- contract_owner_id) for its counts, deduplicated to a few MB. SQLite does not deduplicate, so
-- it counts no faster there than on the list indexes above, and it would read a
-- customerPaymentType filter sorted by paymentDate through it and sort every match.)
-- generatedInvoiceId filters use invoice_payments_invoice (invoice_id, id); a tenant's id-sorted
-- lists and counts use invoice_payments_owner (contract_owner_id, bill_run_type, id).

-- Planner statistics. Without any, SQLite takes an equality on an index's first column to match
-- about ten rows, so "bill_run_type = ?" looks as selective as "invoice_id IN (?, ?, ?)" and it
-- would read three invoices' payments by walking every payment in amount order. ANALYZE gives
-- an existing table its real statistics; an empty one (a new database) gets those of a large
-- table instead, written by hand as SQLite allows (sqlite.org/optoverview.html, "Manual Control
-- Of Query Plans Using SQLITE_STAT Tables"): a million payments, two bill run types, three
-- payment types, about ten payments per invoice, ids, amounts and customer payments
-- near-unique. A later ANALYZE (or PRAGMA optimize) replaces them with measured ones.
ANALYZE invoice_payments;
INSERT INTO sqlite_stat1 (tbl, idx, stat)
SELECT 'invoice_payments', v.idx, v.stat FROM (
    SELECT 'invoice_payments_invoice' AS idx, '1000000 10 1' AS stat
    UNION ALL SELECT 'invoice_payments_owner', '1000000 100000 50000 1'
    UNION ALL SELECT 'invoice_payments_list_id', '1000000 500000 1 1 1'
    UNION ALL SELECT 'invoice_payments_list_amount', '1000000 500000 500000 10 1 1'
    UNION ALL SELECT 'invoice_payments_list_type', '1000000 500000 170000 500 1 1'
    UNION ALL SELECT 'invoice_payments_list_customer_payment', '1000000 2 2 2'
) AS v
WHERE NOT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'invoice_payments');

-- Refunds: the same key for sort=amountInMajorCurrency (refund amounts never change).
ALTER TABLE refunds ADD COLUMN amount_key_hi INTEGER NOT NULL GENERATED ALWAYS AS ((amount / (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) - CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN 1 ELSE 0 END)) VIRTUAL;
ALTER TABLE refunds ADD COLUMN amount_key_lo INTEGER NOT NULL GENERATED ALWAYS AS (((amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) + CASE WHEN amount % (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) < 0 THEN (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END) ELSE 0 END) * (CASE currency_exp WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END))) VIRTUAL;
CREATE INDEX refunds_list_amount ON refunds (amount_key_hi, amount_key_lo, id, contract_owner_id);

-- +goose Down
DELETE FROM sqlite_stat1 WHERE tbl = 'invoice_payments' AND idx LIKE 'invoice\_payments\_list\_%' ESCAPE '\';
DROP INDEX refunds_list_amount;
ALTER TABLE refunds DROP COLUMN amount_key_lo;
ALTER TABLE refunds DROP COLUMN amount_key_hi;
CREATE INDEX invoice_payments_customer_payment ON invoice_payments (customer_payment_id);
DROP INDEX invoice_payments_list_customer_payment;
DROP INDEX invoice_payments_list_type;
DROP INDEX invoice_payments_list_amount;
DROP INDEX invoice_payments_list_id;
ALTER TABLE invoice_payments DROP COLUMN amount_key_lo;
ALTER TABLE invoice_payments DROP COLUMN amount_key_hi;
