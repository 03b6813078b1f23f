package storetest

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// MoneyTests are the conformance cases of the money-movement methods.
var moneyTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"InvoiceFiguresAndOpenInvoices", testOpenInvoices},
	{"InvoicePayments", testInvoicePayments},
	{"Credits", testCredits},
	{"RefundsAndStatement", testRefundsAndStatement},
	{"BalanceAndCreditStatus", testBalanceAndCreditStatus},
}

func testOpenInvoices(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		a := newInvoice(c, site, "A", "2024-02-01", 1000)
		b := newInvoice(c, site, "B", "2024-01-01", 1000)
		b.InvoiceDate = "2023-12-02"
		d := newInvoice(c, site, "D", "2024-01-01", 1000)
		d.InvoiceDate = "2023-12-01"
		adh := newInvoice(c, site, "ADH", "2023-01-01", 500)
		adh.BillRunType = "ADHOC"
		paid := newInvoice(c, site, "PAID", "2020-01-01", 100)
		flight := newInvoice(c, site, "FLIGHT", "2020-01-01", 100)
		for _, i := range []*ep.Invoice{a, b, d, adh, paid, flight} {
			if err := tx.CreateInvoice(i); err != nil {
				t.Fatal(err)
			}
		}
		paid.Collected, paid.Outstanding, paid.PaymentStatus = 100, 0, "PAID"
		flight.InFlight, flight.PaymentStatus = 100, "PENDING"
		flight.ThirdPartyPaymentStatus = str("PENDING_SUBMISSION")
		for _, i := range []*ep.Invoice{paid, flight} {
			if err := tx.UpdateInvoiceFigures(i); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := tx.Invoice(store.AllOwners, flight.ID, true)
		if got.InFlight != 100 || got.PaymentStatus != "PENDING" || *got.ThirdPartyPaymentStatus != "PENDING_SUBMISSION" {
			t.Fatalf("figures not stored: %+v", got)
		}
		open, err := tx.OpenInvoices(c.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, i := range open {
			order = append(order, i.InvoiceNumber)
		}
		if fmt.Sprint(order) != "[ADH D B A]" {
			t.Fatalf("open invoices, oldest first, skipping paid and in-flight ones: %v", order)
		}
		normal := "NORMAL"
		open, _ = tx.OpenInvoices(c.ID, &normal)
		if len(open) != 3 {
			t.Fatalf("NORMAL only: %d", len(open))
		}
		return nil
	})
	// outstanding can never exceed the total nor go negative (constraints).
	for _, bad := range []int64{-1, 1001} {
		fails(t, s, ep.EINTERNAL, func(tx store.Tx) error {
			i, _ := tx.Invoice(store.AllOwners, 1, true)
			i.Outstanding = bad
			return tx.UpdateInvoiceFigures(i)
		})
	}
}

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
		if err := tx.PostEntry(e); err != nil {
			t.Fatal(err)
		}
		mk := func(i *ep.Invoice, amount int64, method string, counts bool, status *string) *ep.InvoicePayment {
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
		p3 := mk(inv, 2000, "FAST_PAY", false, str("FAILED"))
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

func testCredits(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Acme")
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, a := range []int64{1000, 500} {
			e := entry(c, a, "PAYMENT")
			if err := tx.PostEntry(e); err != nil {
				t.Fatal(err)
			}
			if err := tx.AddCredit(&ep.CustomerCredit{EntryID: e.ID, CustomerID: c.ID, Remaining: a}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		if err := tx.UseCredit(ids[0], 1000); err != nil {
			t.Fatal(err)
		}
		if err := tx.UseCredit(ids[1], 200); err != nil {
			t.Fatal(err)
		}
		cr, err := tx.Credits(c.ID)
		if err != nil || len(cr) != 1 || cr[0].EntryID != ids[1] || cr[0].Remaining != 300 {
			t.Fatalf("credits: %+v %v", cr, err)
		}
		if err := tx.UseCredit(ids[1], 301); err == nil {
			t.Fatal("used more credit than was left")
		}
		return nil
	})
}

func testRefundsAndStatement(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		inv := newInvoice(c, site, "N", "2024-01-01", 10000)
		if err := tx.CreateInvoice(inv); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		var entries []*ep.LedgerEntry
		for _, x := range []struct {
			amount int64
			txn    string
			desc   string
			ref    *string
		}{{-10000, "INVOICE_CREATED", "Invoice N", nil}, {6000, "PAYMENT", "Cheque 7", nil}, {4000, "PAYMENT", "Bank", str("BANK-REF-1")}, {-500, "REFUND", "Goodwill", nil}} {
			e := entry(c, x.amount, x.txn)
			e.Description, e.Reference = &x.desc, x.ref
			if err := tx.PostEntry(e); err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		r := &ep.Refund{InvoiceID: inv.ID, CustomerID: c.ID, ContractOwnerID: 7, BillRunType: "NORMAL", ThirdPartyRefundStatus: "MANUALLY_REFUNDED",
			PaymentMethod: "CHEQUE", Amount: 500, CurrencyID: 1, Exp: 2, EntryID: &entries[3].ID, CreatedAt: 1}
		if err := tx.CreateRefund(r); err != nil {
			t.Fatal(err)
		}
		list, total, err := tx.ListRefunds(store.Scope{Owners: []int32{7}}, query.List{Page: 1, PageSize: 10, Conds: []query.Cond{{Param: "invoiceId", Op: "eq", IDs: []int64{inv.ID}}}})
		if err != nil || total != 1 || list[0].Amount != 500 || *list[0].EntryID != entries[3].ID {
			t.Fatalf("refunds: %+v %d %v", list, total, err)
		}
		_, total, _ = tx.ListRefunds(store.Scope{Owners: []int32{8}}, query.List{Page: 1, PageSize: 10})
		if total != 0 {
			t.Fatalf("another owner sees %d refunds", total)
		}
		cust := query.Cond{Param: "customer_id", Op: "eq", IDs: []int64{c.ID}}
		for name, tc := range map[string]struct {
			conds []query.Cond
			want  int64
		}{
			"all":                      {nil, 4},
			"excludeDebits":            {[]query.Cond{{Param: "excludeDebits", Op: "eq", Bool: true}}, 2},
			"excludeCredits":           {[]query.Cond{{Param: "excludeCredits", Op: "eq", Bool: true}}, 2},
			"excludeDebits=false":      {[]query.Cond{{Param: "excludeDebits", Op: "eq", Bool: false}}, 4},
			"filter contains":          {[]query.Cond{{Param: "filter", Op: "eq", Strings: []string{"bank-ref"}}}, 1},
			"filter like":              {[]query.Cond{{Param: "filter", Op: "like", Like: "CHEQUE*"}}, 1},
			"filter in":                {[]query.Cond{{Param: "filter", Op: "in", Strings: []string{"Goodwill", "BANK-REF-1"}}}, 2},
			"txnType via sort and eq":  {[]query.Cond{{Param: "customerPaymentType", Op: "eq", Strings: []string{"CUSTOMER"}}}, 4},
			"amount gte (major units)": {[]query.Cond{{Param: "amountInMajorCurrency", Op: "gte", Numbers: []money.Decimal{money.MustParse("40")}}}, 2},
		} {
			l := query.List{Page: 1, PageSize: 10, Conds: append([]query.Cond{cust}, tc.conds...)}
			if _, total, err := tx.ListEntries(store.Scope{Owners: []int32{7}}, l); err != nil || total != tc.want {
				t.Errorf("statement %s: %d entries, %v; want %d", name, total, err, tc.want)
			}
		}
		e, err := tx.Entry(store.Scope{Owners: []int32{7}}, entries[2].ID)
		if err != nil || *e.Reference != "BANK-REF-1" || e.ResultingBalance != 0 {
			t.Fatalf("Entry = %+v %v", e, err)
		}
		_, err = tx.Entry(store.Scope{Owners: []int32{8}}, entries[2].ID)
		wantCode(t, err, ep.ENOTFOUND)
		return nil
	})
}

func testBalanceAndCreditStatus(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		th := int64(50000)
		c.CreditThreshold, c.OpenBillRunValue = &th, 6000
		if err := tx.UpdateCustomer(c); err != nil {
			t.Fatal(err)
		}
		site.Details.PaymentMethod = str("BACS")
		if err := tx.UpdateSite(site); err != nil {
			t.Fatal(err)
		}
		ended := &ep.Site{CustomerID: c.ID, ContractOwnerID: 7, SiteName: "Old", StartDate: "2020-01-01", EndDate: str("2020-12-31"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: str("CHEQUE")}}
		if err := tx.CreateSite(ended); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			amount int64
			txn    string
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
