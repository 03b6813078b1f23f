package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// Refunds are also written and listed by RefundsAndStatement (ledger.go), with the ledger
// entries of the statement they appear in.

func testRoundTripRefunds(t *testing.T, s store.Store) {
	var r *ep.Refund
	tx(t, s, func(tx store.Tx) error {
		ch := newChain(t, tx)
		ch.postEntries(t, tx)
		p := ch.payment(t, tx)
		r = &ep.Refund{InvoiceID: ch.inv.ID, CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, BillRunType: "ADHOC", ThirdPartyRefundStatus: "FUNDS_RETURNED",
			Description: str("Refund round trip"), ErrorInfo: str("bank reported late"), PaymentMethod: "STRIPE_DD", Amount: 1_009,
			CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, PaymentProviderID: i32(ch.prov.ID), InvoicePaymentID: i64(p.ID),
			EntryID: i64(ch.entries[0].ID), CreatedAt: 1_705_800_002}
		written(t, "Refund", r, map[string]string{"ID": "assigned by CreateRefund"})
		if err := tx.CreateRefund(r); err != nil {
			t.Fatal(err)
		}
		written(t, "Refund as created", r, nil)
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		list, _, err := tx.ListRefunds(rtScope, idIs(r.ID))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ListRefunds", []ep.Refund{*r}, list)
		refundColumnsLand(t, tx, r)
		return nil
	})
}

// refundColumnsLand: ListRefunds filters on id, invoiceId and customerId and scopes by contract
// owner, each of which must find the written refund by its own value only.
func refundColumnsLand(t *testing.T, tx store.Tx, r *ep.Refund) {
	t.Helper()
	landWhereNamed(t, "ListRefunds", *r, func(r ep.Refund) int64 { return r.ID },
		[]column{{"id", "ID"}, {"invoiceId", "InvoiceID"}, {"customerId", "CustomerID"}, {byScope, "ContractOwnerID"}},
		tx.ListRefunds)
}
