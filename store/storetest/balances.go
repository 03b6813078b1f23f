package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testBalanceAndCreditStatus(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		th := int64(50000)
		c.CreditThreshold, c.OpenBillRunValue = &th, 6000
		if err := tx.UpdateCustomer(c); err != nil {
			t.Fatal(err)
		}
		site.Details.PaymentMethod = ptr(ep.MethodBACS)
		if err := tx.UpdateSite(site); err != nil {
			t.Fatal(err)
		}
		ended := &ep.Site{CustomerID: c.ID, ContractOwnerID: 7, SiteName: "Old", StartDate: "2020-01-01", EndDate: str("2020-12-31"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: ptr(ep.MethodCheque)}}
		if err := tx.CreateSite(ended); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			amount int64
			txn    ep.TxnType
		}{{-20000, "INVOICE_CREATED"}, {5000, "PAYMENT"}, {-16000, "ADHOC_INVOICE_CREATED"}, {1000, "PAYMENT"}, {-500, "PAYMENT_REVERSED"}, {-500, "BALANCE_ADJUSTMENT"}} {
			if err := tx.PostEntry(c, entry(c, x.amount, x.txn)); err != nil {
				t.Fatal(err)
			}
		}
		_, b, err := tx.CustomerBalance(store.AllOwners, c.ID, "2024-06-01")
		if err != nil || b.Balance != -31000 || b.TotalPayments != 5500 || b.TotalPaymentsSinceLastInvoice != 500 || fmt.Sprint(b.LiveSiteMethods) != "[BACS]" {
			t.Fatalf("Balance = %+v %v", b, err)
		}
		if _, b, _ := tx.CustomerBalance(store.AllOwners, c.ID, "2020-06-01"); fmt.Sprint(b.LiveSiteMethods) != "[BACS CHEQUE]" {
			t.Fatalf("sites live in 2020: %v", b.LiveSiteMethods)
		}
		other := &ep.Customer{ContractOwnerID: 7, CustomerName: "No threshold", CurrencyID: 1, Exp: 2}
		if err := tx.CreateCustomer(other); err != nil {
			t.Fatal(err)
		}
		// owed 310.00 + open 60.00 = 370.00 of 500.00 → 74 %.
		list, total, err := tx.ListCreditStatus(store.Scope{Owners: []int32{7}}, query.List{Page: 1, PageSize: 10})
		if err != nil || total != 1 || list[0].BillAmount.Int64() != 37000 || list[0].ValueDifference.Int64() != 13000 || list[0].Percent100.Int64() != 7400 {
			t.Fatalf("credit status: %+v %d %v", list, total, err)
		}
		for q, want := range map[string]int64{"gt:74": 0, "gte:74": 1, "74.00": 1, "lt:74.01": 1, "gt:73.999": 1} {
			op, v := "eq", q
			if i := len(q) - len(trimOp(q)); i > 0 {
				op, v = q[:i-1], q[i:]
			}
			_, total, err := tx.ListCreditStatus(store.AllOwners, query.List{Page: 1, PageSize: 10,
				Conds: []query.Cond{{Param: "percentageDifference", Op: query.Op(op), Numbers: []money.Decimal{money.MustParse(v)}}}})
			if err != nil || total != want {
				t.Errorf("percentageDifference %s: %d %v, want %d", q, total, err, want)
			}
		}
		return nil
	})
}

func trimOp(q string) string {
	for _, p := range []string{"gte:", "lte:", "gt:", "lt:"} {
		if len(q) > len(p) && q[:len(p)] == p {
			return q[len(p):]
		}
	}
	return q
}

// testBalanceTotals: the payment totals kept on the customer row by PostEntry equal the sums
// over its ledger entries after any sequence of postings; a posting that would take the balance
// or a total beyond int64 is refused and changes nothing; another owner's customer is not found.
func testBalanceTotals(t *testing.T, s store.Store) {
	txns := []ep.TxnType{ep.TxnInvoiceCreated, ep.TxnPayment, ep.TxnPayment, ep.TxnPaymentReversed, ep.TxnAdhocInvoiceCreated,
		ep.TxnRefund, ep.TxnBalanceAdjustment, ep.TxnPayment}
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error {
		c, _ = seed(t, tx, 7, "Totals")
		return nil
	})
	r := uint64(12345)
	for i := range 60 {
		r = r*6364136223846793005 + 1442695040888963407
		txn := txns[int(r>>33)%len(txns)]
		amount := int64(r>>40)%100000 + 1
		if txn == ep.TxnInvoiceCreated || txn == ep.TxnAdhocInvoiceCreated || txn == ep.TxnPaymentReversed || txn == ep.TxnRefund {
			amount = -amount
		}
		tx(t, s, func(tx store.Tx) error {
			if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
				return err
			}
			return tx.PostEntry(c, entry(c, amount, txn))
		})
		var entries []ep.LedgerEntry
		var b *ep.BalanceFigures
		tx(t, s, func(tx store.Tx) (err error) {
			if entries, err = tx.Entries(store.AllOwners, c.ID); err != nil {
				return err
			}
			_, b, err = tx.CustomerBalance(store.Scope{Owners: []int32{7}}, c.ID, "2024-06-01")
			return err
		})
		var want ep.BalanceFigures
		for _, e := range entries {
			want.Balance += e.Amount
			if e.TxnType == ep.TxnPayment || e.TxnType == ep.TxnPaymentReversed {
				want.TotalPayments += e.Amount
				want.TotalPaymentsSinceLastInvoice += e.Amount
			}
			if e.TxnType == ep.TxnInvoiceCreated || e.TxnType == ep.TxnAdhocInvoiceCreated {
				want.TotalPaymentsSinceLastInvoice = 0
			}
		}
		if b.Balance != want.Balance || b.TotalPayments != want.TotalPayments || b.TotalPaymentsSinceLastInvoice != want.TotalPaymentsSinceLastInvoice {
			t.Fatalf("after %d postings (last %s %d): kept %+v, the ledger sums to %+v", i+1, txn, amount, *b, want)
		}
	}

	tx(t, s, func(tx store.Tx) error {
		if _, _, err := tx.CustomerBalance(store.Scope{Owners: []int32{8}}, c.ID, "2024-06-01"); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Errorf("another owner's customer balance: %v, want not found", err)
		}
		if _, _, err := tx.CustomerBalance(store.AllOwners, c.ID+1000, "2024-06-01"); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Errorf("a missing customer's balance: %v, want not found", err)
		}
		return nil
	})

	// Near the edges of int64: refused, nothing written; the exact edge is accepted.
	for _, x := range []struct {
		first, second int64
		txn           ep.TxnType
	}{{math.MaxInt64 - 10, 11, ep.TxnBalanceAdjustment}, {math.MinInt64 + 10, -11, ep.TxnBalanceAdjustment},
		{math.MaxInt64 - 10, 11, ep.TxnPayment}, {math.MinInt64 + 10, -11, ep.TxnPaymentReversed}} {
		var edge *ep.Customer
		tx(t, s, func(tx store.Tx) error {
			edge, _ = seed(t, tx, 7, fmt.Sprintf("Edge %d %s", x.first, x.txn))
			return tx.PostEntry(edge, entry(edge, x.first, x.txn))
		})
		err := s.Tx(ctx(), func(tx store.Tx) error { return tx.PostEntry(edge, entry(edge, x.second, x.txn)) })
		wantCode(t, err, ep.EINVALID)
		tx(t, s, func(tx store.Tx) error {
			cust, b, err := tx.CustomerBalance(store.AllOwners, edge.ID, "2024-06-01")
			if err != nil {
				return err
			}
			entries, err := tx.Entries(store.AllOwners, edge.ID)
			if err != nil {
				return err
			}
			if cust.Balance != x.first || cust.LastSeq != 1 || len(entries) != 1 {
				t.Errorf("%d then %d (%s): balance %d, last_seq %d, %d entries after the refused posting", x.first, x.second, x.txn, cust.Balance, cust.LastSeq, len(entries))
			}
			if x.txn.Payment() && b.TotalPayments != x.first {
				t.Errorf("%d then %d (%s): total payments %d", x.first, x.second, x.txn, b.TotalPayments)
			}
			return tx.PostEntry(edge, entry(edge, x.second-x.second/11, x.txn)) // exactly to the edge
		})
	}
}

// testBalanceTotalsBackfill: migration 00004 fills the totals of customers whose entries were
// posted before it (rolled back to 3 and applied again over postings of every kind).
func testBalanceTotalsBackfill(t *testing.T, s store.Store) {
	m, ok := s.(interface {
		MigrateTo(ctx context.Context, version int64) error
	})
	if !ok {
		t.Skip("the store cannot migrate to a version")
	}
	var c, empty *ep.Customer
	tx(t, s, func(tx store.Tx) error {
		c, _ = seed(t, tx, 7, "Backfilled")
		empty, _ = seed(t, tx, 7, "No entries")
		for _, x := range []struct {
			amount int64
			txn    ep.TxnType
		}{{5000, "PAYMENT"}, {-20000, "INVOICE_CREATED"}, {7000, "PAYMENT"}, {-1000, "PAYMENT_REVERSED"}, {-300, "REFUND"}, {200, "BALANCE_ADJUSTMENT"}} {
			if err := tx.PostEntry(c, entry(c, x.amount, x.txn)); err != nil {
				return err
			}
		}
		return nil
	})
	if err := m.MigrateTo(ctx(), 3); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx(), 4); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx(), math.MaxInt64); err != nil { // and the later ones
		t.Fatal(err)
	}
	tx(t, s, func(tx store.Tx) error {
		_, b, err := tx.CustomerBalance(store.AllOwners, c.ID, "2024-06-01")
		if err != nil || b.Balance != -9100 || b.TotalPayments != 11000 || b.TotalPaymentsSinceLastInvoice != 6000 {
			t.Errorf("backfilled figures %+v, %v; want balance -9100, total 11000, since the invoice 6000", b, err)
		}
		_, b, err = tx.CustomerBalance(store.AllOwners, empty.ID, "2024-06-01")
		if err != nil || b.TotalPayments != 0 || b.TotalPaymentsSinceLastInvoice != 0 {
			t.Errorf("customer without entries: %+v, %v", b, err)
		}
		return nil
	})
}
