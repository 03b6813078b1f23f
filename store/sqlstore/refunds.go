// Refunds of collected invoice money.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var refundCols = columns[ep.Refund]{
	col("id", func(r *ep.Refund) *int64 { return &r.ID }),
	col("invoice_id", func(r *ep.Refund) *int64 { return &r.InvoiceID }),
	col("customer_id", func(r *ep.Refund) *int64 { return &r.CustomerID }),
	col("contract_owner_id", func(r *ep.Refund) *int32 { return &r.ContractOwnerID }),
	col("bill_run_type", func(r *ep.Refund) *ep.BillRunType { return &r.BillRunType }),
	col("third_party_refund_status", func(r *ep.Refund) *ep.RefundStatus { return &r.ThirdPartyRefundStatus }),
	nullCol("description", func(r *ep.Refund) **string { return &r.Description }),
	nullCol("error_info", func(r *ep.Refund) **string { return &r.ErrorInfo }),
	col("payment_method", func(r *ep.Refund) *ep.PaymentMethod { return &r.PaymentMethod }),
	col("amount", func(r *ep.Refund) *int64 { return &r.Amount }),
	col("currency_id", func(r *ep.Refund) *int64 { return &r.CurrencyID }),
	col("currency_exp", func(r *ep.Refund) *int32 { return &r.Exp }),
	nullCol("payment_provider_id", func(r *ep.Refund) **int32 { return &r.PaymentProviderID }),
	nullCol("invoice_payment_id", func(r *ep.Refund) **int64 { return &r.InvoicePaymentID }),
	nullCol("entry_id", func(r *ep.Refund) **int64 { return &r.EntryID }),
	col("created_at", func(r *ep.Refund) *int64 { return &r.CreatedAt }),
}

var refundInsert = refundCols.except("id")

func (t *tx) CreateRefund(r *ep.Refund) error {
	id, err := t.insert(refundInsert.insertSQL("refunds"), refundInsert.values(r)...)
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
		"paymentMethod": {expr: "r.payment_method", kind: kText}, "amountInMajorCurrency": {kind: kMoney, key: storedKey("r", "amount"), notNull: true},
	},
}

func (t *tx) ListRefunds(s store.Scope, l query.List) ([]ep.Refund, int64, error) {
	return listOf(t, refunds, s, l, refundCols, "r", "list refunds")
}
