package sqlstore

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// ---- invoices ----

var invoices = &resource{
	from:  "invoices i",
	owner: "i.contract_owner_id",
	id:    "i.id",
	fields: map[string]field{
		"id": {expr: "i.id", kind: kInt}, "customerId": {expr: "i.customer_id", kind: kInt}, "siteId": {expr: "i.site_id", kind: kInt},
		"billRunType": {expr: "i.bill_run_type", kind: kText}, "billRunId": {expr: "i.bill_run_id", kind: kInt},
		"invoiceNumber": {expr: "i.invoice_number", kind: kText}, "invoiceDate": {expr: "i.invoice_date", kind: kDate},
		"dueDate":                    {expr: "i.due_date", kind: kDate},
		"totalInMajorCurrency":       {expr: "i.total", kind: kMoney, expExpr: "i.currency_exp"},
		"outstandingInMajorCurrency": {expr: "i.outstanding", kind: kMoney, expExpr: "i.currency_exp"},
		"currencyId":                 {expr: "i.currency_id", kind: kInt}, "paymentMethod": {expr: "i.payment_method", kind: kText},
		"autoCollect": {expr: "i.auto_collect", kind: kBool}, "paymentStatus": {expr: "i.payment_status", kind: kText},
		"thirdPartyPaymentStatus": {expr: "i.third_party_payment_status", kind: kText},
		"thirdPartyRefundStatus":  {expr: "i.third_party_refund_status", kind: kText},
		"contractOwnerId":         {expr: "i.contract_owner_id", kind: kInt32},
	},
}

const invoiceColumns = "i.id, i.customer_id, i.contract_owner_id, i.site_id, i.bill_run_type, i.bill_run_id, i.invoice_number, i.invoice_date, i.due_date, i.total, i.outstanding, i.currency_id, i.currency_exp, i.payment_method, i.auto_collect, i.payment_status, i.third_party_payment_status, i.third_party_refund_status, i.collected, i.in_flight, i.refunds_pending, i.refunds_settled"

func scanInvoice(r rowScanner) (*ep.Invoice, error) {
	var i ep.Invoice
	var billRun sql.NullInt64
	var method, tpps, tprs sql.NullString
	if err := r.Scan(&i.ID, &i.CustomerID, &i.ContractOwnerID, &i.SiteID, &i.BillRunType, &billRun, &i.InvoiceNumber, &i.InvoiceDate, &i.DueDate,
		&i.Total, &i.Outstanding, &i.CurrencyID, &i.Exp, &method, &i.AutoCollect, &i.PaymentStatus, &tpps, &tprs,
		&i.Collected, &i.InFlight, &i.RefundsPending, &i.RefundsSettled); err != nil {
		return nil, err
	}
	i.BillRunID = nullInt(billRun)
	i.PaymentMethod, i.ThirdPartyPaymentStatus, i.ThirdPartyRefundStatus = nullString(method), nullString(tpps), nullString(tprs)
	return &i, nil
}

func (t *tx) CreateInvoice(i *ep.Invoice) error {
	id, err := t.insert(`INSERT INTO invoices (customer_id, contract_owner_id, site_id, bill_run_type, bill_run_id, invoice_number, invoice_date, due_date, total, outstanding, currency_id, currency_exp, payment_method, auto_collect, payment_status, third_party_payment_status, third_party_refund_status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i.CustomerID, i.ContractOwnerID, i.SiteID, i.BillRunType, i.BillRunID,
		i.InvoiceNumber, i.InvoiceDate, i.DueDate, i.Total, i.Outstanding, i.CurrencyID, i.Exp, i.PaymentMethod, i.AutoCollect,
		i.PaymentStatus, i.ThirdPartyPaymentStatus, i.ThirdPartyRefundStatus)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "an invoice with invoiceNumber %s already exists", i.InvoiceNumber)
	} else if err != nil {
		return fmt.Errorf("create invoice: %w", err)
	}
	i.ID = id
	return nil
}

func (t *tx) Invoice(s store.Scope, id int64, lock bool) (*ep.Invoice, error) {
	sc, args := scopeCond(s, "i.contract_owner_id")
	q := "SELECT " + invoiceColumns + " FROM invoices i WHERE i.id = ? AND " + sc
	if lock {
		q += t.d.ForUpdate
	}
	i, err := scanInvoice(t.queryRow(q, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("invoice")
	} else if err != nil {
		return nil, fmt.Errorf("read invoice %d: %w", id, err)
	}
	return i, nil
}

func (t *tx) ListInvoices(s store.Scope, l query.List) ([]ep.Invoice, int64, error) {
	return listOf(t, invoices, s, l, invoiceColumns, scanInvoice, "list invoices")
}

// ---- payment providers ----

func providerScope(s store.Scope) (string, []any) {
	if s.All {
		return "1 = 1", nil
	}
	c, args := scopeCond(s, "o.contract_owner_id")
	return "EXISTS (SELECT 1 FROM payment_provider_owners o WHERE o.provider_id = p.id AND " + c + ")", args
}

var providers = &resource{
	from:  "payment_providers p",
	scope: providerScope,
	id:    "p.id",
	fields: map[string]field{
		"id": {expr: "p.id", kind: kInt}, "type": {expr: "p.type", kind: kText}, "name": {expr: "p.name", kind: kText},
		"directDebitWithName": {expr: "p.direct_debit_with_name", kind: kText}, "status": {expr: "p.status", kind: kText},
		"creditorIdentifier":  {expr: "p.creditor_identifier", kind: kText},
		"instantBankPayments": {expr: "p.instant_bank_payments", kind: kBool}, "retryIfPossible": {expr: "p.retry_if_possible", kind: kBool},
		"acceptExternalPayments":                     {expr: "p.accept_external_payments", kind: kBool},
		"syncInstantBankPaymentsWithMandateCreation": {expr: "p.sync_ibp_with_mandate", kind: kBool},
	},
	scoped: map[string]scopedCustom{
		// Only the caller's contract owners can match: a provider shared with an owner outside
		// the caller's scope must not reveal that owner (the response hides it too, §6.15).
		"contractOwnerId": func(s store.Scope, c query.Cond) (string, []any, error) {
			args := make([]any, len(c.IDs))
			for i, id := range c.IDs {
				if err := checkInt(c, kInt32, id); err != nil {
					return "", nil, err
				}
				args[i] = id
			}
			sc, sargs := scopeCond(s, "f.contract_owner_id")
			return "EXISTS (SELECT 1 FROM payment_provider_owners f WHERE f.provider_id = p.id AND f.contract_owner_id IN (" + placeholders(len(args)) + ") AND " + sc + ")",
				append(args, sargs...), nil
		},
	},
}

const providerColumns = "p.id, p.type, p.name, p.direct_debit_with_name, p.status, p.creditor_identifier, p.instant_bank_payments, p.retry_if_possible, p.accept_external_payments, p.sync_ibp_with_mandate"

func scanProvider(r rowScanner) (*ep.PaymentProvider, error) {
	var p ep.PaymentProvider
	var dd, cred sql.NullString
	if err := r.Scan(&p.ID, &p.Type, &p.Name, &dd, &p.Status, &cred, &p.InstantBankPayments, &p.RetryIfPossible, &p.AcceptExternalPayments, &p.SyncInstantBankPaymentsWithMandateCreation); err != nil {
		return nil, err
	}
	p.DirectDebitWithName, p.CreditorIdentifier = nullString(dd), nullString(cred)
	return &p, nil
}

// ProviderNameKey is the form provider names are compared in: trimmed and lower-cased.
func ProviderNameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func (t *tx) writeProviderOwners(p *ep.PaymentProvider) error {
	if _, err := t.exec("DELETE FROM payment_provider_owners WHERE provider_id = ?", p.ID); err != nil {
		return fmt.Errorf("write provider owners: %w", err)
	}
	key := ProviderNameKey(p.Name)
	for _, co := range p.ContractOwnerIDs {
		_, err := t.exec("INSERT INTO payment_provider_owners (provider_id, contract_owner_id, name_key) VALUES (?, ?, ?)", p.ID, co, key)
		if t.d.IsUnique(err) {
			return ep.Errorf(ep.ECONFLICT, "a payment provider named %q already exists for contract owner %d", p.Name, co)
		} else if err != nil {
			return fmt.Errorf("write provider owners: %w", err)
		}
	}
	return nil
}

func (t *tx) CreateProvider(p *ep.PaymentProvider) error {
	id, err := t.insert(`INSERT INTO payment_providers (type, name, direct_debit_with_name, status, creditor_identifier, instant_bank_payments, retry_if_possible, accept_external_payments, sync_ibp_with_mandate)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Type, p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier, p.InstantBankPayments,
		p.RetryIfPossible, p.AcceptExternalPayments, p.SyncInstantBankPaymentsWithMandateCreation)
	if err != nil {
		return fmt.Errorf("create payment provider: %w", err)
	}
	p.ID = int32(id)
	return t.writeProviderOwners(p)
}

func (t *tx) providerOwners(ids []int32) (map[int32][]int32, error) {
	out := map[int32][]int32{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.query("SELECT provider_id, contract_owner_id FROM payment_provider_owners WHERE provider_id IN ("+placeholders(len(ids))+") ORDER BY provider_id, contract_owner_id", args...)
	if err != nil {
		return nil, fmt.Errorf("read provider owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, co int32
		if err := rows.Scan(&p, &co); err != nil {
			return nil, fmt.Errorf("read provider owners: %w", err)
		}
		out[p] = append(out[p], co)
	}
	return out, rows.Err()
}

func (t *tx) Provider(s store.Scope, id int32) (*ep.PaymentProvider, error) {
	sc, args := providerScope(s)
	p, err := scanProvider(t.queryRow("SELECT "+providerColumns+" FROM payment_providers p WHERE p.id = ? AND "+sc, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("payment provider")
	} else if err != nil {
		return nil, fmt.Errorf("read payment provider %d: %w", id, err)
	}
	owners, err := t.providerOwners([]int32{p.ID})
	if err != nil {
		return nil, err
	}
	p.ContractOwnerIDs = owners[p.ID]
	return p, nil
}

func (t *tx) UpdateProvider(p *ep.PaymentProvider) error {
	_, err := t.exec(`UPDATE payment_providers SET name = ?, direct_debit_with_name = ?, status = ?, creditor_identifier = ?, instant_bank_payments = ?, retry_if_possible = ?, accept_external_payments = ?, sync_ibp_with_mandate = ? WHERE id = ?`,
		p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier, p.InstantBankPayments, p.RetryIfPossible, p.AcceptExternalPayments,
		p.SyncInstantBankPaymentsWithMandateCreation, p.ID)
	if err != nil {
		return fmt.Errorf("update payment provider %d: %w", p.ID, err)
	}
	return t.writeProviderOwners(p)
}

func (t *tx) ListProviders(s store.Scope, l query.List) ([]ep.PaymentProvider, int64, error) {
	var out []ep.PaymentProvider
	total, err := providers.list(t, s, l, providerColumns, func(r rowScanner) error {
		p, err := scanProvider(r)
		if err != nil {
			return fmt.Errorf("list payment providers: %w", err)
		}
		out = append(out, *p)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int32, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	owners, err := t.providerOwners(ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].ContractOwnerIDs = owners[out[i].ID]
		sort.Slice(out[i].ContractOwnerIDs, func(a, b int) bool { return out[i].ContractOwnerIDs[a] < out[i].ContractOwnerIDs[b] })
	}
	return out, total, nil
}

// ---- ledger ----

const entryColumns = "e.id, e.customer_id, e.contract_owner_id, e.seq, e.amount, e.resulting_balance, e.currency_id, e.currency_exp, e.description, e.reference, e.type, e.payment_date, e.customer_payment_type, e.txn_type, e.invoice_id, e.invoice_number, e.bill_run_type"

func scanEntry(r rowScanner) (*ep.LedgerEntry, error) {
	var e ep.LedgerEntry
	var desc, ref, typ, num, brt sql.NullString
	var inv sql.NullInt64
	if err := r.Scan(&e.ID, &e.CustomerID, &e.ContractOwnerID, &e.Seq, &e.Amount, &e.ResultingBalance, &e.CurrencyID, &e.Exp, &desc, &ref, &typ,
		&e.PaymentDate, &e.CustomerPaymentType, &e.TxnType, &inv, &num, &brt); err != nil {
		return nil, err
	}
	e.Description, e.Reference, e.Type, e.InvoiceNumber, e.BillRunType = nullString(desc), nullString(ref), nullString(typ), nullString(num), nullString(brt)
	e.InvoiceID = nullInt(inv)
	return &e, nil
}

// PostEntry appends an entry. The customer row update is conditional on the ledger position the
// caller read, so even a caller that forgot the row lock cannot post two entries at one position.
func (t *tx) PostEntry(e *ep.LedgerEntry) error {
	var balance, lastSeq int64
	if err := t.queryRow("SELECT balance, last_seq FROM customers WHERE id = ?", e.CustomerID).Scan(&balance, &lastSeq); err != nil {
		return fmt.Errorf("post entry: read customer %d: %w", e.CustomerID, err)
	}
	e.Seq = lastSeq + 1
	e.ResultingBalance = balance + e.Amount
	if (e.Amount > 0 && e.ResultingBalance < balance) || (e.Amount < 0 && e.ResultingBalance > balance) {
		return ep.Errorf(ep.EINVALID, "amount would overflow the customer's balance")
	}
	res, err := t.exec("UPDATE customers SET balance = ?, last_seq = ? WHERE id = ? AND last_seq = ?", e.ResultingBalance, e.Seq, e.CustomerID, lastSeq)
	if err != nil {
		return fmt.Errorf("post entry: update customer %d: %w", e.CustomerID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("post entry: customer %d ledger moved concurrently", e.CustomerID)
	}
	id, err := t.insert(`INSERT INTO ledger_entries (customer_id, contract_owner_id, seq, amount, resulting_balance, currency_id, currency_exp, description, reference, type, payment_date, customer_payment_type, txn_type, invoice_id, invoice_number, bill_run_type)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.CustomerID, e.ContractOwnerID, e.Seq, e.Amount, e.ResultingBalance, e.CurrencyID, e.Exp,
		e.Description, e.Reference, e.Type, e.PaymentDate, e.CustomerPaymentType, e.TxnType, e.InvoiceID, e.InvoiceNumber, e.BillRunType)
	if err != nil {
		return fmt.Errorf("post entry: %w", err)
	}
	e.ID = id
	return nil
}

func (t *tx) Entries(s store.Scope, customerID int64) ([]ep.LedgerEntry, error) {
	sc, args := scopeCond(s, "e.contract_owner_id")
	rows, err := t.query("SELECT "+entryColumns+" FROM ledger_entries e WHERE e.customer_id = ? AND "+sc+" ORDER BY e.seq", append([]any{customerID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []ep.LedgerEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("list entries: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// ---- idempotency keys ----

func (t *tx) IdempotencyBegin(k *store.IdempotencyRecord) (*store.IdempotencyRecord, error) {
	res, err := t.exec(`INSERT INTO idempotency_keys (subject, key, fingerprint, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject, key) DO NOTHING`,
		k.Subject, k.Key, k.Fingerprint, k.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r store.IdempotencyRecord
	err = t.queryRow("SELECT subject, key, fingerprint, created_at, completed, executed, status, header, body FROM idempotency_keys WHERE subject = ? AND key = ?", k.Subject, k.Key).
		Scan(&r.Subject, &r.Key, &r.Fingerprint, &r.CreatedAt, &r.Completed, &r.Executed, &r.Status, &r.Header, &r.Body)
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	return &r, nil
}

func (t *tx) IdempotencyComplete(k *store.IdempotencyRecord) error {
	_, err := t.exec("UPDATE idempotency_keys SET completed = ?, executed = ?, status = ?, header = ?, body = ? WHERE subject = ? AND key = ?",
		true, k.Executed, k.Status, k.Header, k.Body, k.Subject, k.Key)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

func (t *tx) IdempotencyTakeOver(k *store.IdempotencyRecord, createdAt int64) (bool, error) {
	res, err := t.exec(`UPDATE idempotency_keys SET created_at = ?, fingerprint = ? WHERE subject = ? AND key = ? AND created_at = ? AND completed = ? AND executed = ?`,
		k.CreatedAt, k.Fingerprint, k.Subject, k.Key, createdAt, false, false)
	if err != nil {
		return false, fmt.Errorf("idempotency key: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tx) IdempotencyRelease(subject, key string) error {
	if _, err := t.exec("DELETE FROM idempotency_keys WHERE subject = ? AND key = ?", subject, key); err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

func (t *tx) IdempotencyPurge(before int64) (int64, error) {
	res, err := t.exec("DELETE FROM idempotency_keys WHERE created_at < ?", before)
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
