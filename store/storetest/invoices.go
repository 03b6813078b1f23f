package storetest

import (
	"fmt"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testInvoices(t *testing.T, s store.Store) {
	mine := store.Scope{Owners: []int32{7}}
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		i1 := newInvoice(c, site, "INV-000101", "2024-01-31", 8000)
		i2 := newInvoice(c, site, "INV-000123", "2024-02-29", 12000)
		i3 := newInvoice(c, site, "ADH-000045", "2024-03-15", 4500)
		i3.BillRunType = "ADHOC"
		i3.PaymentMethod = ptr(ep.MethodCheque)
		for _, i := range []*ep.Invoice{i1, i2, i3} {
			if err := tx.CreateInvoice(i); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		c, _ := tx.Customer(store.AllOwners, 1, false)
		return tx.CreateInvoice(newInvoice(c, &ep.Site{ID: 1}, "INV-000101", "2024-05-01", 1))
	})
	tx(t, s, func(tx store.Tx) error {
		c, _ := tx.Customer(store.AllOwners, 1, false)
		site, _ := tx.Site(store.AllOwners, 1)
		i1, _ := tx.Invoice(store.AllOwners, 1, false)
		i2, _ := tx.Invoice(store.AllOwners, 2, false)
		i3, _ := tx.Invoice(store.AllOwners, 3, false)
		_, _ = site, c
		// A yen customer: 5000 yen is 5000 minor units but sorts above £80.00 (8000 minor units).
		jpy := &ep.Currency{Name: "Yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		if err := tx.CreateCurrency(jpy); err != nil {
			t.Fatal(err)
		}
		cy := &ep.Customer{ContractOwnerID: 7, CustomerName: "Yen Co", CurrencyID: jpy.ID, Exp: 0}
		if err := tx.CreateCustomer(cy); err != nil {
			t.Fatal(err)
		}
		sy := &ep.Site{CustomerID: cy.ID, ContractOwnerID: 7, SiteName: "Tokyo", StartDate: "2024-01-01"}
		if err := tx.CreateSite(sy); err != nil {
			t.Fatal(err)
		}
		iy := newInvoice(cy, sy, "JP-1", "2024-02-01", 5000)
		if err := tx.CreateInvoice(iy); err != nil {
			t.Fatal(err)
		}

		got, err := tx.Invoice(mine, i3.ID, true)
		if err != nil || got.BillRunType != "ADHOC" || *got.PaymentMethod != "CHEQUE" || got.Total != 4500 || got.BillRunID != nil {
			t.Fatalf("Invoice = %+v, %v", got, err)
		}
		_, err = tx.Invoice(store.Scope{Owners: []int32{8}}, i1.ID, false)
		wantCode(t, err, ep.ENOTFOUND)

		ids := func(list []ep.Invoice) string {
			var s []int64
			for _, i := range list {
				s = append(s, i.ID)
			}
			return fmt.Sprint(s)
		}
		cases := []struct {
			name  string
			conds []query.Cond
			sorts []query.Sort
			want  []int64
		}{
			{"dueDate lt", []query.Cond{{Param: "dueDate", Op: "lt", Strings: []string{"2024-02-29"}}}, nil, []int64{i1.ID, iy.ID}},
			{"dueDate gte and lte (AND)", []query.Cond{{Param: "dueDate", Op: "gte", Strings: []string{"2024-02-01"}}, {Param: "dueDate", Op: "lte", Strings: []string{"2024-02-29"}}}, nil, []int64{i2.ID, iy.ID}},
			{"billRunType", []query.Cond{{Param: "billRunType", Op: "eq", Strings: []string{"ADHOC"}}}, nil, []int64{i3.ID}},
			{"invoiceNumber like", []query.Cond{{Param: "invoiceNumber", Op: "like", Like: "inv-*"}}, nil, []int64{i1.ID, i2.ID}},
			{"paymentMethod null never matches", []query.Cond{{Param: "paymentMethod", Op: "in", Strings: []string{"CHEQUE", "BACS"}}}, nil, []int64{i3.ID}},
			{"id gt", []query.Cond{{Param: "id", Op: "gt", IDs: []int64{i2.ID}}}, nil, []int64{i3.ID, iy.ID}},
			{"sort by major amount across exponents", nil, []query.Sort{{Field: "totalInMajorCurrency", Desc: true}}, []int64{iy.ID, i2.ID, i1.ID, i3.ID}},
			{"sort dueDate desc", nil, []query.Sort{{Field: "dueDate", Desc: true}}, []int64{i3.ID, i2.ID, iy.ID, i1.ID}},
			{"nulls last ascending", nil, []query.Sort{{Field: "paymentMethod"}}, []int64{i3.ID, i1.ID, i2.ID, iy.ID}},
			{"nulls first descending, id tie-break", nil, []query.Sort{{Field: "paymentMethod", Desc: true}}, []int64{i1.ID, i2.ID, iy.ID, i3.ID}},
		}
		for _, tc := range cases {
			l := page(100, tc.conds...)
			l.Sorts = tc.sorts
			list, total, err := tx.ListInvoices(mine, l)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if ids(list) != fmt.Sprint(tc.want) || total != int64(len(tc.want)) {
				t.Errorf("%s: got %s (total %d), want %v", tc.name, ids(list), total, tc.want)
			}
		}
		// Numeric filter on a money field compares major units exactly: 80 equals 80.00.
		list, _, err := tx.ListInvoices(mine, page(10, query.Cond{Param: "totalInMajorCurrency", Op: "eq", Numbers: []money.Decimal{money.MustParse("80.00")}}))
		if err != nil || ids(list) != fmt.Sprint([]int64{i1.ID}) {
			t.Fatalf("total = 80.00: %s %v", ids(list), err)
		}
		return nil
	})
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
		flight.ThirdPartyPaymentStatus = ptr(ep.PayPendingSubmission)
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
		normal := ep.BillRunNormal
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

func testRoundTripInvoices(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string, open bool) {
		tx(t, s, func(tx store.Tx) error {
			for _, lock := range []bool{false, true} {
				got, err := tx.Invoice(rtScope, ch.inv.ID, lock)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%s: Invoice(lock=%v)", phase, lock), ch.inv, got)
			}
			list, _, err := tx.ListInvoices(rtScope, idIs(ch.inv.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListInvoices", []ep.Invoice{*ch.inv}, list)
			invoiceColumnsLand(t, tx, phase, ch.inv)
			if open {
				adhoc := ep.BillRunAdhoc
				list, err := tx.OpenInvoices(ch.cust.ID, &adhoc)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": OpenInvoices", []ep.Invoice{*ch.inv}, list)
			}
			return nil
		})
	}
	check("created", true)
	i := ch.inv
	i.Collected, i.InFlight, i.RefundsPending, i.RefundsSettled, i.Outstanding = 30_011, 4_553, 1_009, 2_017, 1_199_994
	i.PaymentStatus, i.ThirdPartyPaymentStatus, i.ThirdPartyRefundStatus = "PART_REFUNDED", ptr(ep.PayConfirmed), ptr(ep.RefundSettled)
	written(t, "Invoice after UpdateInvoiceFigures", i, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateInvoiceFigures(i) })
	check("figures updated", false) // in flight: no longer an open invoice
}

// invoiceColumnsLand: ListInvoices filters on id, customerId, siteId, billRunId, currencyId and
// contractOwnerId and scopes by contract owner, each of which must find the written invoice by its
// own value only.
func invoiceColumnsLand(t *testing.T, tx store.Tx, phase string, inv *ep.Invoice) {
	t.Helper()
	landWhereNamed(t, phase+": ListInvoices", *inv, func(i ep.Invoice) int64 { return i.ID },
		[]column{{"id", "ID"}, {"customerId", "CustomerID"}, {"siteId", "SiteID"}, {"billRunId", "BillRunID"}, {"currencyId", "CurrencyID"},
			{"contractOwnerId", "ContractOwnerID"}, {byScope, "ContractOwnerID"}},
		tx.ListInvoices)
}

// testLockInvoice: LockInvoice returns the visible invoice with its customer as they are (after
// postings), another owner's invoice is not found, and postings through it from many
// transactions at once serialise on the customer (every position taken once, in order).
func testLockInvoice(t *testing.T, s store.Store) {
	c, inv := seedInvoiced(t, s, "Locked", "LOCK-1", 100000)
	tx(t, s, func(tx store.Tx) error {
		cust, got, err := tx.LockInvoice(store.Scope{Owners: []int32{7}}, inv.ID)
		if err != nil {
			return err
		}
		if got.ID != inv.ID || got.InvoiceNumber != "LOCK-1" || got.Total != 100000 || cust.ID != c.ID || cust.CustomerName != "Locked" || cust.LastSeq != 1 || cust.Balance != -100000 {
			t.Errorf("LockInvoice = %+v, %+v", cust, got)
		}
		if _, _, err := tx.LockInvoice(store.Scope{Owners: []int32{8}}, inv.ID); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Errorf("another owner's invoice: %v, want not found", err)
		}
		if _, _, err := tx.LockInvoice(store.AllOwners, inv.ID+1000); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Errorf("a missing invoice: %v, want not found", err)
		}
		return nil
	})
	const workers, each = 8, 5
	errs := make(chan error, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				errs <- s.Tx(ctx(), func(tx store.Tx) error {
					cust, got, err := tx.LockInvoice(store.AllOwners, inv.ID)
					if err != nil {
						return err
					}
					got.Collected += 10
					got.Outstanding -= 10
					if err := tx.UpdateInvoiceFigures(got); err != nil {
						return err
					}
					return tx.PostEntry(cust, entry(cust, 10, ep.TxnPayment))
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent postings through LockInvoice: %v", err)
		}
	}
	tx(t, s, func(tx store.Tx) error {
		cust, got, err := tx.LockInvoice(store.AllOwners, inv.ID)
		if err != nil {
			return err
		}
		entries, err := tx.Entries(store.AllOwners, c.ID)
		if err != nil {
			return err
		}
		if n := workers*each + 1; len(entries) != n || cust.LastSeq != int64(n) || got.Collected != 10*workers*each || cust.Balance != -100000+10*workers*each {
			t.Errorf("after %d concurrent postings: %d entries, last_seq %d, collected %d, balance %d", workers*each, len(entries), cust.LastSeq, got.Collected, cust.Balance)
		}
		for i, e := range entries {
			if e.Seq != int64(i+1) {
				t.Errorf("entry %d at position %d", i, e.Seq)
			}
		}
		return nil
	})
}
