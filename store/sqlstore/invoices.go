// Invoices: the list resource, reads, creation, money-figure updates and the open invoices a
// customer payment is allocated to.

package sqlstore

import (
	"database/sql"
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
