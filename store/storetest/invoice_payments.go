package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testInvoicePayments(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		inv := newInvoice(c, site, "N", "2024-01-01", 10000)
		run := int64(310)
		inv.BillRunID = &run
		adh := newInvoice(c, site, "A", "2024-01-01", 5000)
		adh.BillRunType = "ADHOC"
		for _, i := range []*ep.Invoice{inv, adh} {
			if err := tx.CreateInvoice(i); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		e := entry(c, 5000, "PAYMENT")
		if err := tx.PostEntry(c, e); err != nil {
			t.Fatal(err)
		}
		mk := func(i *ep.Invoice, amount int64, method ep.PaymentMethod, counts bool, status *ep.ThirdPartyPaymentStatus) *ep.InvoicePayment {
			p := &ep.InvoicePayment{InvoiceID: i.ID, CustomerID: c.ID, ContractOwnerID: 7, BillRunType: i.BillRunType, BillRunID: i.BillRunID, Amount: amount,
				CurrencyID: 1, Exp: 2, Description: "d", PaymentMethod: method, PaymentDate: "2024-02-01", CustomerPaymentType: "INVOICE",
				CustomerPaymentID: &e.ID, CountsCollected: counts, ThirdPartyPaymentStatus: status, CreatedAt: 1}
			if err := tx.CreateInvoicePayment(p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		p1 := mk(inv, 3000, "CHEQUE", true, nil)
		p2 := mk(inv, -1000, "CHEQUE", true, nil)
		p3 := mk(inv, 2000, "FAST_PAY", false, ptr(ep.PayFailed))
		pa := mk(adh, 5000, "BACS", true, nil)
		got, err := tx.InvoicePayment(store.Scope{Owners: []int32{7}}, p1.ID, "NORMAL")
		if err != nil || got.Amount != 3000 || *got.BillRunID != 310 || *got.CustomerPaymentID != e.ID || got.ThirdPartyPaymentStatus != nil {
			t.Fatalf("InvoicePayment = %+v, %v", got, err)
		}
		_, err = tx.InvoicePayment(store.AllOwners, pa.ID, "NORMAL")
		wantCode(t, err, ep.ENOTFOUND)
		_, err = tx.InvoicePayment(store.Scope{Owners: []int32{8}}, p1.ID, "NORMAL")
		wantCode(t, err, ep.ENOTFOUND)
		last, err := tx.LastSuccessfulPayment(inv.ID)
		if err != nil || last == nil || last.ID != p1.ID {
			t.Fatalf("last successful payment: %+v %v (not the correction, not the failed report)", last, err)
		}
		list, total, err := tx.ListInvoicePayments(store.AllOwners, "NORMAL", query.List{Page: 1, PageSize: 10,
			Conds: []query.Cond{{Param: "billRunId", Op: "eq", Numbers: []money.Decimal{money.MustParse("310")}}}, Sorts: []query.Sort{{Field: "amountInMajorCurrency"}}})
		if err != nil || total != 3 || list[0].ID != p2.ID || list[2].ID != p1.ID {
			t.Fatalf("normal payments by amount: %+v %d %v", list, total, err)
		}
		_, total, _ = tx.ListInvoicePayments(store.AllOwners, "ADHOC", query.List{Page: 1, PageSize: 10,
			Conds: []query.Cond{{Param: "generatedAdhocInvoiceId", Op: "eq", IDs: []int64{adh.ID}}}})
		if total != 1 {
			t.Fatalf("adhoc payments: %d", total)
		}
		_, total, _ = tx.ListInvoicePayments(store.AllOwners, "NORMAL", query.List{Page: 1, PageSize: 10,
			Conds: []query.Cond{{Param: "thirdPartyPaymentStatus", Op: "eq", Strings: []string{"FAILED"}}}})
		if total != 1 || p3.ID == 0 {
			t.Fatalf("status filter: %d", total)
		}
		return nil
	})
}

func testRoundTripInvoicePayments(t *testing.T, s store.Store) {
	var ch *chain
	var p, normal *ep.InvoicePayment
	tx(t, s, func(tx store.Tx) error {
		ch = newChain(t, tx)
		ch.postEntries(t, tx)
		p = ch.payment(t, tx)
		normal = ch.normalPayment(t, tx)
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		for _, p := range []*ep.InvoicePayment{p, normal} {
			got, err := tx.InvoicePayment(rtScope, p.ID, p.BillRunType)
			if err != nil {
				t.Fatal(err)
			}
			same(t, string(p.BillRunType)+": InvoicePayment", p, got)
			list, _, err := tx.ListInvoicePayments(rtScope, p.BillRunType, idIs(p.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, string(p.BillRunType)+": ListInvoicePayments", []ep.InvoicePayment{*p}, list)
			last, err := tx.LastSuccessfulPayment(p.InvoiceID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, string(p.BillRunType)+": LastSuccessfulPayment", p, last)
			paymentColumnsLand(t, tx, p)
		}
		return nil
	})
}

// paymentColumnsLand: each bill run type's ListInvoicePayments filters on id, its invoice
// (generatedInvoiceId, generatedAdhocInvoiceId), currencyId, customerPaymentId and its bill run
// (billRunId, adhocBillRunId) and scopes by contract owner, each of which must find the written
// payment by its own value only.
func paymentColumnsLand(t *testing.T, tx store.Tx, p *ep.InvoicePayment) {
	t.Helper()
	invoice, billRun := "generatedInvoiceId", "billRunId"
	if p.BillRunType == "ADHOC" {
		invoice, billRun = "generatedAdhocInvoiceId", "adhocBillRunId"
	}
	landWhereNamed(t, string(p.BillRunType)+": ListInvoicePayments", *p, func(p ep.InvoicePayment) int64 { return p.ID },
		[]column{{"id", "ID"}, {invoice, "InvoiceID"}, {"currencyId", "CurrencyID"}, {"customerPaymentId", "CustomerPaymentID"},
			{billRun, "BillRunID"}, {byScope, "ContractOwnerID"}},
		func(s store.Scope, l query.List) ([]ep.InvoicePayment, int64, error) {
			return tx.ListInvoicePayments(s, p.BillRunType, l)
		})
}
