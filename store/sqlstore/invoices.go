// Invoices: the list resource, reads, creation, money-figure updates and the open invoices a
// customer payment is allocated to.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

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

var invoiceCols = columns[ep.Invoice]{
	col("id", func(i *ep.Invoice) *int64 { return &i.ID }),
	col("customer_id", func(i *ep.Invoice) *int64 { return &i.CustomerID }),
	col("contract_owner_id", func(i *ep.Invoice) *int32 { return &i.ContractOwnerID }),
	col("site_id", func(i *ep.Invoice) *int64 { return &i.SiteID }),
	col("bill_run_type", func(i *ep.Invoice) *ep.BillRunType { return &i.BillRunType }),
	nullCol("bill_run_id", func(i *ep.Invoice) **int64 { return &i.BillRunID }),
	col("invoice_number", func(i *ep.Invoice) *string { return &i.InvoiceNumber }),
	col("invoice_date", func(i *ep.Invoice) *string { return &i.InvoiceDate }),
	col("due_date", func(i *ep.Invoice) *string { return &i.DueDate }),
	col("total", func(i *ep.Invoice) *int64 { return &i.Total }),
	col("outstanding", func(i *ep.Invoice) *int64 { return &i.Outstanding }),
	col("currency_id", func(i *ep.Invoice) *int64 { return &i.CurrencyID }),
	col("currency_exp", func(i *ep.Invoice) *int32 { return &i.Exp }),
	nullCol("payment_method", func(i *ep.Invoice) **ep.PaymentMethod { return &i.PaymentMethod }),
	col("auto_collect", func(i *ep.Invoice) *bool { return &i.AutoCollect }),
	col("payment_status", func(i *ep.Invoice) *ep.PaymentStatus { return &i.PaymentStatus }),
	nullCol("third_party_payment_status", func(i *ep.Invoice) **ep.ThirdPartyPaymentStatus { return &i.ThirdPartyPaymentStatus }),
	nullCol("third_party_refund_status", func(i *ep.Invoice) **ep.RefundStatus { return &i.ThirdPartyRefundStatus }),
	col("collected", func(i *ep.Invoice) *int64 { return &i.Collected }),
	col("in_flight", func(i *ep.Invoice) *int64 { return &i.InFlight }),
	col("refunds_pending", func(i *ep.Invoice) *int64 { return &i.RefundsPending }),
	col("refunds_settled", func(i *ep.Invoice) *int64 { return &i.RefundsSettled }),
}

var (
	// invoiceInsert: a new invoice's money figures start at 0; UpdateInvoiceFigures maintains them.
	invoiceInsert = invoiceCols.except("id", "collected", "in_flight", "refunds_pending", "refunds_settled")
	// invoiceFigures: what every payment and refund updates, by invoiceFiguresUpdate.
	invoiceFigures = invoiceCols.only("collected", "in_flight", "refunds_pending", "refunds_settled", "outstanding", "payment_status",
		"third_party_payment_status", "third_party_refund_status")
	invoiceFiguresUpdate = "UPDATE invoices SET " + invoiceFigures.set() + " WHERE id = ?"
)

func (t *tx) CreateInvoice(i *ep.Invoice) error {
	id, err := t.insert(invoiceInsert.insertSQL("invoices"), invoiceInsert.values(i)...)
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
	q := "SELECT " + invoiceCols.sel("i") + " FROM invoices i WHERE i.id = ? AND " + sc
	if lock {
		q += t.d.ForUpdate
	}
	i, err := invoiceCols.scan(t.queryRow(q, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("invoice")
	} else if err != nil {
		return nil, fmt.Errorf("read invoice %d: %w", id, err)
	}
	return i, nil
}

// LockInvoice reads a visible invoice and its customer with both rows locked, in one statement.
// PostgreSQL takes the statement's row locks in the order of its FROM list, customer then
// invoice, the order every posting uses; a deadlock against a posting that took them otherwise
// would be detected by PostgreSQL and retried (40P01 is retryable). SQLite's transaction holds
// the write lock already.
func (t *tx) LockInvoice(s store.Scope, id int64) (*ep.Customer, *ep.Invoice, error) {
	sc, args := scopeCond(s, "i.contract_owner_id")
	var c ep.Customer
	var i ep.Invoice
	err := t.queryRow("SELECT "+customerCols.sel("c")+", "+invoiceCols.sel("i")+" FROM customers c JOIN invoices i ON i.customer_id = c.id WHERE i.id = ? AND "+sc+t.d.ForUpdate,
		append([]any{id}, args...)...).Scan(append(customerCols.dests(&c), invoiceCols.dests(&i)...)...)
	if isNoRows(err) {
		return nil, nil, ep.NotFound("invoice")
	} else if err != nil {
		return nil, nil, fmt.Errorf("lock invoice %d: %w", id, err)
	}
	return &c, &i, nil
}

func (t *tx) ListInvoices(s store.Scope, l query.List) ([]ep.Invoice, int64, error) {
	return listOf(t, invoices, s, l, invoiceCols, "i", "list invoices")
}

// UpdateInvoiceFigures writes an invoice's money figures, outstanding amount and statuses.
func (t *tx) UpdateInvoiceFigures(i *ep.Invoice) error {
	_, err := t.exec(invoiceFiguresUpdate, append(invoiceFigures.values(i), i.ID)...)
	if err != nil {
		return fmt.Errorf("update invoice %d: %w", i.ID, err)
	}
	return nil
}

// OpenInvoices returns, locked and oldest first, the customer's invoices that can take part of
// a customer payment: something outstanding and no provider collection in flight (§6.2).
func (t *tx) OpenInvoices(customerID int64, billRunType *ep.BillRunType) ([]ep.Invoice, error) {
	q := "SELECT " + invoiceCols.sel("i") + " FROM invoices i WHERE i.customer_id = ? AND i.outstanding > 0 AND i.in_flight = 0"
	args := []any{customerID}
	if billRunType != nil {
		q += " AND i.bill_run_type = ?"
		args = append(args, string(*billRunType))
	}
	q += " ORDER BY i.due_date, i.invoice_date, i.id" + t.d.ForUpdate
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("open invoices: %w", err)
	}
	defer rows.Close()
	var out []ep.Invoice
	for rows.Next() {
		i, err := invoiceCols.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("open invoices: %w", err)
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}
