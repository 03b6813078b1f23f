package storetest

import (
	"fmt"
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
			if err := tx.PostEntry(entry(c, x.amount, x.txn)); err != nil {
				t.Fatal(err)
			}
		}
		b, err := tx.Balance(c.ID, "2024-06-01")
		if err != nil || b.Balance != -31000 || b.TotalPayments != 5500 || b.TotalPaymentsSinceLastInvoice != 500 || fmt.Sprint(b.LiveSiteMethods) != "[BACS]" {
			t.Fatalf("Balance = %+v %v", b, err)
		}
		if b, _ := tx.Balance(c.ID, "2020-06-01"); fmt.Sprint(b.LiveSiteMethods) != "[BACS CHEQUE]" {
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
