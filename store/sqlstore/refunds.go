// Refunds of collected invoice money.

package sqlstore

import (
	"database/sql"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

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
