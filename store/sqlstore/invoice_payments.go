// Invoice payments: payments of normal and of adhoc invoices, one table and one id space.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var invoicePaymentCols = columns[ep.InvoicePayment]{
	col("id", func(p *ep.InvoicePayment) *int64 { return &p.ID }),
	col("invoice_id", func(p *ep.InvoicePayment) *int64 { return &p.InvoiceID }),
	col("customer_id", func(p *ep.InvoicePayment) *int64 { return &p.CustomerID }),
	col("contract_owner_id", func(p *ep.InvoicePayment) *int32 { return &p.ContractOwnerID }),
	col("bill_run_type", func(p *ep.InvoicePayment) *ep.BillRunType { return &p.BillRunType }),
	nullCol("bill_run_id", func(p *ep.InvoicePayment) **int64 { return &p.BillRunID }),
	col("amount", func(p *ep.InvoicePayment) *int64 { return &p.Amount }),
	col("currency_id", func(p *ep.InvoicePayment) *int64 { return &p.CurrencyID }),
	col("currency_exp", func(p *ep.InvoicePayment) *int32 { return &p.Exp }),
	col("description", func(p *ep.InvoicePayment) *string { return &p.Description }),
	nullCol("meta_data", func(p *ep.InvoicePayment) **string { return &p.MetaData }),
	nullCol("error_info", func(p *ep.InvoicePayment) **string { return &p.ErrorInfo }),
	col("payment_method", func(p *ep.InvoicePayment) *ep.PaymentMethod { return &p.PaymentMethod }),
	col("payment_date", func(p *ep.InvoicePayment) *string { return &p.PaymentDate }),
	col("customer_payment_type", func(p *ep.InvoicePayment) *ep.CustomerPaymentType { return &p.CustomerPaymentType }),
	nullCol("customer_payment_id", func(p *ep.InvoicePayment) **int64 { return &p.CustomerPaymentID }),
	nullCol("third_party_payment_status", func(p *ep.InvoicePayment) **ep.ThirdPartyPaymentStatus { return &p.ThirdPartyPaymentStatus }),
	nullCol("payment_provider_id", func(p *ep.InvoicePayment) **int32 { return &p.PaymentProviderID }),
	col("counts_collected", func(p *ep.InvoicePayment) *bool { return &p.CountsCollected }),
	col("created_at", func(p *ep.InvoicePayment) *int64 { return &p.CreatedAt }),
}

var invoicePaymentInsert = invoicePaymentCols.except("id")

func (t *tx) CreateInvoicePayment(p *ep.InvoicePayment) error {
	id, err := t.insert(invoicePaymentInsert.insertSQL("invoice_payments"), invoicePaymentInsert.values(p)...)
	if err != nil {
		return fmt.Errorf("create invoice payment: %w", err)
	}
	p.ID = id
	return nil
}

// PostPayment makes the writes of a settled invoice payment: e on the ledger of cust (as
// PostEntry), pay as that entry's payment (its CustomerPaymentID set to the entry) and inv's
// figures (as UpdateInvoiceFigures). On PostgreSQL they are one statement, four data-modifying
// WITH queries each fed by the one before, so nothing is written unless the ledger moved; the
// others run them one after the other.
func (t *tx) PostPayment(cust *ep.Customer, e *ep.LedgerEntry, pay *ep.InvoicePayment, inv *ep.Invoice) error {
	if pay.InvoiceID != inv.ID || pay.CustomerID != cust.ID {
		return fmt.Errorf("post payment: payment of invoice %d, customer %d with invoice %d, customer %d", pay.InvoiceID, pay.CustomerID, inv.ID, cust.ID)
	}
	if !t.d.WritableCTE {
		if err := t.PostEntry(cust, e); err != nil {
			return err
		}
		pay.CustomerPaymentID = &e.ID
		if err := t.CreateInvoicePayment(pay); err != nil {
			return err
		}
		return t.UpdateInvoiceFigures(inv)
	}
	move, args, err := moveLedger(cust, e)
	if err != nil {
		return err
	}
	args = append(args, entryAt.values(e)...)
	args = append(args, paymentOfEntry.values(pay)...)
	args = append(args, invoiceFigures.values(inv)...)
	args = append(args, inv.ID)
	var paymentID, updated int64
	err = t.queryRow("WITH c AS ("+move+"), e AS ("+entryInsertAt+" RETURNING id, seq, resulting_balance), "+
		"p AS ("+paymentInsertAt+" RETURNING id), "+
		"i AS ("+invoiceFiguresUpdate+" AND EXISTS (SELECT 1 FROM p) RETURNING id) "+
		"SELECT e.id, e.seq, e.resulting_balance, p.id, (SELECT count(*) FROM i) FROM e, p", args...).
		Scan(&e.ID, &e.Seq, &e.ResultingBalance, &paymentID, &updated)
	if err != nil {
		return t.postFailed(cust, err)
	}
	if updated != 1 {
		return fmt.Errorf("post payment: invoice %d not updated", inv.ID)
	}
	cust.Balance, cust.LastSeq = e.ResultingBalance, e.Seq
	pay.ID, pay.CustomerPaymentID = paymentID, &e.ID
	return nil
}

// paymentOfEntry: the columns of a payment PostPayment inserts with its entry's id, which
// paymentInsertAt takes from the WITH query e.
var (
	paymentOfEntry  = invoicePaymentInsert.except("customer_payment_id")
	paymentInsertAt = paymentOfEntry.insertSelectSQL("invoice_payments", "customer_payment_id", "e.id", "e")
)

// InvoicePayment returns a visible payment of an invoice of the given bill run type.
func (t *tx) InvoicePayment(s store.Scope, id int64, billRunType ep.BillRunType) (*ep.InvoicePayment, error) {
	sc, args := scopeCond(s, "p.contract_owner_id")
	p, err := invoicePaymentCols.scan(t.queryRow("SELECT "+invoicePaymentCols.sel("p")+" FROM invoice_payments p WHERE p.id = ? AND p.bill_run_type = ? AND "+sc,
		append([]any{id, billRunType}, args...)...))
	if isNoRows(err) {
		if billRunType == ep.BillRunAdhoc {
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
	p, err := invoicePaymentCols.scan(t.queryRow("SELECT "+invoicePaymentCols.sel("p")+" FROM invoice_payments p WHERE p.invoice_id = ? AND p.counts_collected = ? AND p.amount > 0 ORDER BY p.id DESC LIMIT 1",
		invoiceID, true))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("last payment of invoice %d: %w", invoiceID, err)
	}
	return p, nil
}

// paymentResource is the list of one bill run type's payments. The indexes it needs are in
// migration 00005 (invoice_payments_list_*): each holds bill_run_type, which every list here
// filters on, and contract_owner_id for the scope.
func paymentResource(billRunType ep.BillRunType, invoiceField, billRunParam string) *resource {
	return &resource{
		from: "invoice_payments p",
		scope: func(s store.Scope) (string, []any) {
			c, args := scopeCond(s, "p.contract_owner_id")
			return "p.bill_run_type = ? AND " + c, append([]any{string(billRunType)}, args...)
		},
		id: "p.id",
		fields: map[string]field{
			"id": {expr: "p.id", kind: kInt, notNull: true}, invoiceField: {expr: "p.invoice_id", kind: kInt, notNull: true},
			"thirdPartyPaymentStatus": {expr: "p.third_party_payment_status", kind: kText},
			"amountInMajorCurrency":   {kind: kMoney, key: storedKey("p", "amount"), notNull: true},
			"currencyId":              {expr: "p.currency_id", kind: kInt, notNull: true},
			"description":             {expr: "p.description", kind: kText, notNull: true},
			"metaData":                {expr: "p.meta_data", kind: kText}, "errorInfo": {expr: "p.error_info", kind: kText},
			"paymentMethod":       {expr: "p.payment_method", kind: kText, notNull: true},
			"paymentDate":         {expr: "p.payment_date", kind: kDate, notNull: true},
			"customerPaymentType": {expr: "p.customer_payment_type", kind: kText, notNull: true},
			"customerPaymentId":   {expr: "p.customer_payment_id", kind: kInt},
			billRunParam:          {expr: "p.bill_run_id", kind: kInt},
		},
	}
}

var (
	normalPayments = paymentResource(ep.BillRunNormal, "generatedInvoiceId", "billRunId")
	adhocPayments  = paymentResource(ep.BillRunAdhoc, "generatedAdhocInvoiceId", "adhocBillRunId")
)

// ListInvoicePayments lists payments of normal or of adhoc invoices.
func (t *tx) ListInvoicePayments(s store.Scope, billRunType ep.BillRunType, l query.List) ([]ep.InvoicePayment, int64, error) {
	return listOf(t, paymentsOf(billRunType), s, l, invoicePaymentCols, "p", "list invoice payments")
}

// paymentsOf is the list of the payments of normal or of adhoc invoices.
func paymentsOf(billRunType ep.BillRunType) *resource {
	if billRunType == ep.BillRunAdhoc {
		return adhocPayments
	}
	return normalPayments
}
