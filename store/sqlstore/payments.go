package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// UpdateInvoiceFigures writes an invoice's money figures, outstanding amount and statuses.
func (t *tx) UpdateInvoiceFigures(i *ep.Invoice) error {
	_, err := t.exec(`UPDATE invoices SET collected = ?, in_flight = ?, refunds_pending = ?, refunds_settled = ?, outstanding = ?, payment_status = ?,
		third_party_payment_status = ?, third_party_refund_status = ? WHERE id = ?`,
		i.Collected, i.InFlight, i.RefundsPending, i.RefundsSettled, i.Outstanding, i.PaymentStatus, i.ThirdPartyPaymentStatus, i.ThirdPartyRefundStatus, i.ID)
	if err != nil {
		return fmt.Errorf("update invoice %d: %w", i.ID, err)
	}
	return nil
}

// OpenInvoices returns, locked and oldest first, the customer's invoices that can take part of
// a customer payment: something outstanding and no provider collection in flight (§6.2).
func (t *tx) OpenInvoices(customerID int64, billRunType *string) ([]ep.Invoice, error) {
	q := "SELECT " + invoiceColumns + " FROM invoices i WHERE i.customer_id = ? AND i.outstanding > 0 AND i.in_flight = 0"
	args := []any{customerID}
	if billRunType != nil {
		q += " AND i.bill_run_type = ?"
		args = append(args, *billRunType)
	}
	q += " ORDER BY i.due_date, i.invoice_date, i.id" + t.d.ForUpdate
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("open invoices: %w", err)
	}
	defer rows.Close()
	var out []ep.Invoice
	for rows.Next() {
		i, err := scanInvoice(rows)
		if err != nil {
			return nil, fmt.Errorf("open invoices: %w", err)
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}

// ---- invoice payments ----

const paymentColumns = "p.id, p.invoice_id, p.customer_id, p.contract_owner_id, p.bill_run_type, p.bill_run_id, p.amount, p.currency_id, p.currency_exp, p.description, p.meta_data, p.error_info, p.payment_method, p.payment_date, p.customer_payment_type, p.customer_payment_id, p.third_party_payment_status, p.payment_provider_id, p.counts_collected, p.created_at"

func scanPayment(r rowScanner) (*ep.InvoicePayment, error) {
	var p ep.InvoicePayment
	var billRun, cpid sql.NullInt64
	var meta, errInfo, tpps sql.NullString
	var prov sql.NullInt32
	if err := r.Scan(&p.ID, &p.InvoiceID, &p.CustomerID, &p.ContractOwnerID, &p.BillRunType, &billRun, &p.Amount, &p.CurrencyID, &p.Exp,
		&p.Description, &meta, &errInfo, &p.PaymentMethod, &p.PaymentDate, &p.CustomerPaymentType, &cpid, &tpps, &prov, &p.CountsCollected, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.BillRunID, p.CustomerPaymentID = nullInt(billRun), nullInt(cpid)
	p.MetaData, p.ErrorInfo, p.ThirdPartyPaymentStatus = nullString(meta), nullString(errInfo), nullString(tpps)
	if prov.Valid {
		p.PaymentProviderID = &prov.Int32
	}
	return &p, nil
}

func (t *tx) CreateInvoicePayment(p *ep.InvoicePayment) error {
	id, err := t.insert(`INSERT INTO invoice_payments (invoice_id, customer_id, contract_owner_id, bill_run_type, bill_run_id, amount, currency_id, currency_exp, description, meta_data, error_info, payment_method, payment_date, customer_payment_type, customer_payment_id, third_party_payment_status, payment_provider_id, counts_collected, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.InvoiceID, p.CustomerID, p.ContractOwnerID, p.BillRunType, p.BillRunID, p.Amount,
		p.CurrencyID, p.Exp, p.Description, p.MetaData, p.ErrorInfo, p.PaymentMethod, p.PaymentDate, p.CustomerPaymentType, p.CustomerPaymentID,
		p.ThirdPartyPaymentStatus, p.PaymentProviderID, p.CountsCollected, p.CreatedAt)
	if err != nil {
		return fmt.Errorf("create invoice payment: %w", err)
	}
	p.ID = id
	return nil
}

// InvoicePayment returns a visible payment of an invoice of the given bill run type.
func (t *tx) InvoicePayment(s store.Scope, id int64, billRunType string) (*ep.InvoicePayment, error) {
	sc, args := scopeCond(s, "p.contract_owner_id")
	p, err := scanPayment(t.queryRow("SELECT "+paymentColumns+" FROM invoice_payments p WHERE p.id = ? AND p.bill_run_type = ? AND "+sc,
		append([]any{id, billRunType}, args...)...))
	if isNoRows(err) {
		if billRunType == "ADHOC" {
			return nil, ep.NotFound("adhoc invoice payment")
		}
		return nil, ep.NotFound("invoice payment")
	} else if err != nil {
		return nil, fmt.Errorf("read invoice payment %d: %w", id, err)
	}
	return p, nil
}

// LastSuccessfulPayment returns the invoice's most recent payment that collected money, or nil.
func (t *tx) LastSuccessfulPayment(invoiceID int64) (*ep.InvoicePayment, error) {
	p, err := scanPayment(t.queryRow("SELECT "+paymentColumns+" FROM invoice_payments p WHERE p.invoice_id = ? AND p.counts_collected = ? AND p.amount > 0 ORDER BY p.id DESC LIMIT 1",
		invoiceID, true))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("last payment of invoice %d: %w", invoiceID, err)
	}
	return p, nil
}

func paymentResource(billRunType, invoiceField, billRunParam string) *resource {
	return &resource{
		from: "invoice_payments p",
		scope: func(s store.Scope) (string, []any) {
			c, args := scopeCond(s, "p.contract_owner_id")
			return "p.bill_run_type = ? AND " + c, append([]any{billRunType}, args...)
		},
		id: "p.id",
		fields: map[string]field{
			"id": {expr: "p.id", kind: kInt}, invoiceField: {expr: "p.invoice_id", kind: kInt},
			"thirdPartyPaymentStatus": {expr: "p.third_party_payment_status", kind: kText},
			"amountInMajorCurrency":   {expr: "p.amount", kind: kMoney, expExpr: "p.currency_exp"},
			"currencyId":              {expr: "p.currency_id", kind: kInt}, "description": {expr: "p.description", kind: kText},
			"metaData": {expr: "p.meta_data", kind: kText}, "errorInfo": {expr: "p.error_info", kind: kText},
			"paymentMethod": {expr: "p.payment_method", kind: kText}, "paymentDate": {expr: "p.payment_date", kind: kDate},
			"customerPaymentType": {expr: "p.customer_payment_type", kind: kText}, "customerPaymentId": {expr: "p.customer_payment_id", kind: kInt},
			billRunParam: {expr: "p.bill_run_id", kind: kInt},
		},
	}
}

var (
	normalPayments = paymentResource("NORMAL", "generatedInvoiceId", "billRunId")
	adhocPayments  = paymentResource("ADHOC", "generatedAdhocInvoiceId", "adhocBillRunId")
)

// ListInvoicePayments lists payments of normal or of adhoc invoices.
func (t *tx) ListInvoicePayments(s store.Scope, billRunType string, l query.List) ([]ep.InvoicePayment, int64, error) {
	r := normalPayments
	if billRunType == "ADHOC" {
		r = adhocPayments
	}
	return listOf(t, r, s, l, paymentColumns, scanPayment, "list invoice payments")
}

// ---- customer credit ----

func (t *tx) AddCredit(c *ep.CustomerCredit) error {
	if _, err := t.exec("INSERT INTO customer_credits (entry_id, customer_id, remaining) VALUES (?, ?, ?)", c.EntryID, c.CustomerID, c.Remaining); err != nil {
		return fmt.Errorf("add credit: %w", err)
	}
	return nil
}

// Credits returns the customer's unallocated credit, oldest customer payment first.
func (t *tx) Credits(customerID int64) ([]ep.CustomerCredit, error) {
	rows, err := t.query("SELECT entry_id, customer_id, remaining FROM customer_credits WHERE customer_id = ? AND remaining > 0 ORDER BY entry_id", customerID)
	if err != nil {
		return nil, fmt.Errorf("read credits: %w", err)
	}
	defer rows.Close()
	var out []ep.CustomerCredit
	for rows.Next() {
		var c ep.CustomerCredit
		if err := rows.Scan(&c.EntryID, &c.CustomerID, &c.Remaining); err != nil {
			return nil, fmt.Errorf("read credits: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UseCredit takes amount from a customer payment's unallocated credit; the CHECK on remaining
// makes taking more than is left impossible.
func (t *tx) UseCredit(entryID, amount int64) error {
	res, err := t.exec("UPDATE customer_credits SET remaining = remaining - ? WHERE entry_id = ? AND remaining >= ?", amount, entryID, amount)
	if err != nil {
		return fmt.Errorf("use credit: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("use credit: customer payment %d has less than %d left", entryID, amount)
	}
	return nil
}

// ---- refunds ----

const refundColumns = "r.id, r.invoice_id, r.customer_id, r.contract_owner_id, r.bill_run_type, r.third_party_refund_status, r.description, r.error_info, r.payment_method, r.amount, r.currency_id, r.currency_exp, r.payment_provider_id, r.invoice_payment_id, r.entry_id, r.created_at"

func scanRefund(r rowScanner) (*ep.Refund, error) {
	var x ep.Refund
	var desc, errInfo sql.NullString
	var prov sql.NullInt32
	var pay, entry sql.NullInt64
	if err := r.Scan(&x.ID, &x.InvoiceID, &x.CustomerID, &x.ContractOwnerID, &x.BillRunType, &x.ThirdPartyRefundStatus, &desc, &errInfo,
		&x.PaymentMethod, &x.Amount, &x.CurrencyID, &x.Exp, &prov, &pay, &entry, &x.CreatedAt); err != nil {
		return nil, err
	}
	x.Description, x.ErrorInfo = nullString(desc), nullString(errInfo)
	x.InvoicePaymentID, x.EntryID = nullInt(pay), nullInt(entry)
	if prov.Valid {
		x.PaymentProviderID = &prov.Int32
	}
	return &x, nil
}

func (t *tx) CreateRefund(r *ep.Refund) error {
	id, err := t.insert(`INSERT INTO refunds (invoice_id, customer_id, contract_owner_id, bill_run_type, third_party_refund_status, description, error_info, payment_method, amount, currency_id, currency_exp, payment_provider_id, invoice_payment_id, entry_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.InvoiceID, r.CustomerID, r.ContractOwnerID, r.BillRunType, r.ThirdPartyRefundStatus,
		r.Description, r.ErrorInfo, r.PaymentMethod, r.Amount, r.CurrencyID, r.Exp, r.PaymentProviderID, r.InvoicePaymentID, r.EntryID, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("create refund: %w", err)
	}
	r.ID = id
	return nil
}

var refunds = &resource{
	from:  "refunds r",
	owner: "r.contract_owner_id",
	id:    "r.id",
	fields: map[string]field{
		"id": {expr: "r.id", kind: kInt}, "invoiceId": {expr: "r.invoice_id", kind: kInt}, "customerId": {expr: "r.customer_id", kind: kInt},
		"billRunType": {expr: "r.bill_run_type", kind: kText}, "thirdPartyRefundStatus": {expr: "r.third_party_refund_status", kind: kText},
		"description": {expr: "r.description", kind: kText}, "errorInfo": {expr: "r.error_info", kind: kText},
		"paymentMethod": {expr: "r.payment_method", kind: kText}, "amountInMajorCurrency": {expr: "r.amount", kind: kMoney, expExpr: "r.currency_exp"},
	},
}

func (t *tx) ListRefunds(s store.Scope, l query.List) ([]ep.Refund, int64, error) {
	return listOf(t, refunds, s, l, refundColumns, scanRefund, "list refunds")
}

// ---- statement (ledger entries as CustomerPayment) ----

var statement = &resource{
	from:  "ledger_entries e",
	owner: "e.contract_owner_id",
	id:    "e.id",
	fields: map[string]field{
		"id": {expr: "e.id", kind: kInt}, "customerId": {expr: "e.customer_id", kind: kInt},
		"amountInMajorCurrency":    {expr: "e.amount", kind: kMoney, expExpr: "e.currency_exp"},
		"resultingCustomerBalance": {expr: "e.resulting_balance", kind: kMoney, expExpr: "e.currency_exp"},
		"currencyId":               {expr: "e.currency_id", kind: kInt}, "description": {expr: "e.description", kind: kText},
		"reference": {expr: "e.reference", kind: kText}, "type": {expr: "e.type", kind: kText}, "paymentDate": {expr: "e.payment_date", kind: kDate},
		"customerPaymentType": {expr: "e.customer_payment_type", kind: kText}, "txnType": {expr: "e.txn_type", kind: kText},
		"invoiceNumber": {expr: "e.invoice_number", kind: kText}, "invoiceId": {expr: "e.invoice_id", kind: kInt},
		"billRunType": {expr: "e.bill_run_type", kind: kText},
	},
	params: map[string]custom{
		"customer_id": func(c query.Cond) (string, []any, error) { return "e.customer_id = ?", []any{c.IDs[0]}, nil },
		"excludeDebits": func(c query.Cond) (string, []any, error) {
			if c.Bool {
				return "e.amount >= 0", nil, nil
			}
			return "1 = 1", nil, nil
		},
		"excludeCredits": func(c query.Cond) (string, []any, error) {
			if c.Bool {
				return "e.amount < 0", nil, nil
			}
			return "1 = 1", nil, nil
		},
		// filter: a case-insensitive match over description or reference; plain text means
		// "contains", in: means equals one of the values (§4.16, OP-10).
		"filter": func(c query.Cond) (string, []any, error) {
			switch c.Op {
			case query.OpIn:
				var args []any
				for _, s := range c.Strings {
					args = append(args, s)
				}
				ph := placeholders(len(args))
				return "(e.description IN (" + ph + ") OR e.reference IN (" + ph + "))", append(args, args...), nil
			case query.OpLike:
				p := strings.ToLower(c.LikeSQL())
				return "(lower(e.description) LIKE ? ESCAPE '\\' OR lower(e.reference) LIKE ? ESCAPE '\\')", []any{p, p}, nil
			case query.OpEq:
				p := strings.ToLower(query.Cond{Op: query.OpLike, Like: c.Strings[0]}.LikeSQL())
				return "(lower(e.description) LIKE ? ESCAPE '\\' OR lower(e.reference) LIKE ? ESCAPE '\\')", []any{p, p}, nil
			}
			return "", nil, fmt.Errorf("filter: unsupported op %q", c.Op)
		},
	},
}

// ListEntries lists ledger entries (the statement; the caller filters by customer_id).
func (t *tx) ListEntries(s store.Scope, l query.List) ([]ep.LedgerEntry, int64, error) {
	return listOf(t, statement, s, l, entryColumns, scanEntry, "list entries")
}

// Entry returns one visible ledger entry.
func (t *tx) Entry(s store.Scope, id int64) (*ep.LedgerEntry, error) {
	sc, args := scopeCond(s, "e.contract_owner_id")
	e, err := scanEntry(t.queryRow("SELECT "+entryColumns+" FROM ledger_entries e WHERE e.id = ? AND "+sc, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("customer payment")
	} else if err != nil {
		return nil, fmt.Errorf("read entry %d: %w", id, err)
	}
	return e, nil
}

// ---- balances and credit status ----

// Balance returns the figures of GET /customer-balances for a customer; today (YYYY-MM-DD)
// decides which sites are live (OP-27).
func (t *tx) Balance(customerID int64, today string) (*ep.BalanceFigures, error) {
	var f ep.BalanceFigures
	err := t.queryRow(`SELECT c.balance,
		COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.customer_id = c.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')), 0),
		COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.customer_id = c.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')
			AND e.id > COALESCE((SELECT MAX(x.id) FROM ledger_entries x WHERE x.customer_id = c.id AND x.txn_type IN ('INVOICE_CREATED', 'ADHOC_INVOICE_CREATED')), 0)), 0)
		FROM customers c WHERE c.id = ?`, customerID).Scan(&f.Balance, &f.TotalPayments, &f.TotalPaymentsSinceLastInvoice)
	if err != nil {
		return nil, fmt.Errorf("balance of customer %d: %w", customerID, err)
	}
	rows, err := t.query(`SELECT DISTINCT payment_method FROM sites WHERE customer_id = ? AND payment_method IS NOT NULL
		AND (end_date IS NULL OR end_date >= ?) ORDER BY payment_method`, customerID, today)
	if err != nil {
		return nil, fmt.Errorf("live sites of customer %d: %w", customerID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("live sites: %w", err)
		}
		f.LiveSiteMethods = append(f.LiveSiteMethods, m)
	}
	return &f, rows.Err()
}

// Credit status (§6.13) is shown as ledger.Credit computes it from the stored balance, open bill
// run and threshold; the SQL below only sorts and filters, on the exact keys (moneyKey) of the
// same figures. Every intermediate stays within int64 for any int64 balance, open bill runs
// below 2^62 and thresholds from 1 to 2×10^14 minor units (the contract allows 9999999.99 at
// most): the owed amount max(0, −balance) is never formed (−balance overflows at −2^63), each
// part is divided on its own and the remainders are carried.
const (
	csBalance   = "c.balance"
	csOpen      = "c.open_bill_run_value"
	csThreshold = "c.credit_threshold"
	csExp       = "c.currency_exp"
)

// owedDivMod returns max(0, −balance) div d and mod d for d >= 2, without negating the balance
// itself (−(balance / d) cannot overflow when d >= 2).
func owedDivMod(d string) (q, r string) {
	return "(CASE WHEN " + csBalance + " < 0 THEN -(" + csBalance + " / " + d + ") ELSE 0 END)",
		"(CASE WHEN " + csBalance + " < 0 THEN -(" + csBalance + " % " + d + ") ELSE 0 END)"
}

// billKey is the key of billAmount = max(0, −balance) + openBillRunValue (>= 0).
func billKey() moneyKey {
	u := unitMinor(csExp)
	qo, ro := owedDivMod(u)
	rest := "(" + ro + " + " + csOpen + " % " + u + ")"
	return moneyKey{
		hi: "(" + qo + " + " + csOpen + " / " + u + " + " + rest + " / " + u + ")",
		lo: "((" + rest + " % " + u + ") * " + microPerMinor(csExp) + ")",
	}
}

// valueDifferenceKey is the key of valueDifference = threshold − billAmount
// = (threshold − openBillRunValue) + min(balance, 0), split with floor division.
func valueDifferenceKey() moneyKey {
	u := unitMinor(csExp)
	d := "(" + csThreshold + " - " + csOpen + ")"
	m := "(CASE WHEN " + csBalance + " < 0 THEN " + csBalance + " ELSE 0 END)"
	rest := "(" + floorMod(d, u) + " + " + floorMod(m, u) + ")"
	return moneyKey{
		hi: "(" + floorDiv(d, u) + " + " + floorDiv(m, u) + " + " + rest + " / " + u + ")",
		lo: "((" + rest + " % " + u + ") * " + microPerMinor(csExp) + ")",
	}
}

// percentKey is the key of percentageDifference. In hundredths of a percent it is
// P = round(10000 × bill / T) = (20000 × bill + T) div 2T. With D = 2T, bill = K × D + S is
// computed part by part, so P = 20000 × K + G with G = (20000 × S + T) div D in 0 … 20000;
// with K = 5000 × a + k0, P = 10^8 × a + (20000 × k0 + G), and 10^8 hundredths are 10^6 percent,
// the key unit.
func percentKey() moneyKey {
	d := "(2 * " + csThreshold + ")"
	qo, ro := owedDivMod(d)
	rest := "(" + ro + " + " + csOpen + " % " + d + ")"
	k := "(" + qo + " + " + csOpen + " / " + d + " + " + rest + " / " + d + ")"
	sRem := "(" + rest + " % " + d + ")"
	g := "((20000 * " + sRem + " + " + csThreshold + ") / " + d + ")"
	low := "(20000 * (" + k + " % 5000) + " + g + ")" // 0 … 10^8
	return moneyKey{
		hi: "(" + k + " / 5000 + " + low + " / 100000000)",
		lo: "((" + low + " % 100000000) * 10000)",
	}
}

var (
	billAmountKey     = billKey()
	valueDiffKey      = valueDifferenceKey()
	percentageDiffKey = percentKey()
)

var creditStatus = &resource{
	from: "customers c",
	scope: func(s store.Scope) (string, []any) {
		cond, args := scopeCond(s, "c.contract_owner_id")
		return "c.credit_threshold IS NOT NULL AND " + cond, args
	},
	id: "c.id",
	fields: map[string]field{
		"customerId":           {expr: "c.id", kind: kInt},
		"creditThreshold":      {expr: csThreshold, kind: kMoney, expExpr: csExp},
		"billAmount":           {kind: kMoney, key: &billAmountKey},
		"valueDifference":      {kind: kMoney, key: &valueDiffKey},
		"percentageDifference": {kind: kMoney, key: &percentageDiffKey},
		"openBillRunValue":     {expr: csOpen, kind: kMoney, expExpr: csExp},
	},
}

const creditColumns = "c.id, c.contract_owner_id, c.currency_exp, c.credit_threshold, c.balance, c.open_bill_run_value"

// ListCreditStatus lists credit status of the customers with a credit threshold.
func (t *tx) ListCreditStatus(s store.Scope, l query.List) ([]ep.CreditStatus, int64, error) {
	var out []ep.CreditStatus
	total, err := creditStatus.list(t, s, l, creditColumns, func(row rowScanner) error {
		var c ep.CreditStatus
		var balance int64
		if err := row.Scan(&c.CustomerID, &c.ContractOwnerID, &c.Exp, &c.CreditThreshold, &balance, &c.OpenBillRun); err != nil {
			return fmt.Errorf("list credit status: %w", err)
		}
		if c.CreditThreshold <= 0 {
			return fmt.Errorf("list credit status: customer %d has credit threshold %d", c.CustomerID, c.CreditThreshold)
		}
		c.BillAmount, c.ValueDifference, c.Percent100 = ledger.Credit(balance, c.OpenBillRun, c.CreditThreshold)
		out = append(out, c)
		return nil
	})
	return out, total, err
}
