// Invoice payments: payments of normal and of adhoc invoices, one table and one id space.

package sqlstore

import (
	"database/sql"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

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
