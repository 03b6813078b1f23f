package storetest

import (
	"fmt"
	"math"
	"math/big"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testLedger(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Acme")
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		amounts := []int64{-8000, -12000, 10000, -150, 25000}
		var sum int64
		for i, a := range amounts {
			e := entry(c, a, "BALANCE_ADJUSTMENT")
			if err := tx.PostEntry(c, e); err != nil {
				t.Fatal(err)
			}
			sum += a
			if e.Seq != int64(i+1) || e.ResultingBalance != sum || e.ID == 0 {
				t.Fatalf("entry %d: %+v", i, e)
			}
		}
		got, _ := tx.Customer(store.AllOwners, c.ID, false)
		if got.Balance != sum || got.LastSeq != int64(len(amounts)) {
			t.Fatalf("customer after postings: %+v", got)
		}
		list, err := tx.Entries(store.Scope{Owners: []int32{7}}, c.ID)
		if err != nil || len(list) != len(amounts) || list[4].ResultingBalance != sum {
			t.Fatalf("Entries = %+v, %v", list, err)
		}
		list, _ = tx.Entries(store.Scope{Owners: []int32{8}}, c.ID)
		if len(list) != 0 {
			t.Fatalf("another owner sees %d entries", len(list))
		}
		return nil
	})
}

// testConcurrentPostings posts from many goroutines at once: the per-customer sequence must
// have no gaps or duplicates and every resulting balance must be previous + amount.
func testConcurrentPostings(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error { c, _ = seed(t, tx, 7, "Acme"); return nil })
	const workers, each = 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- s.Tx(ctx(), func(tx store.Tx) error {
					locked, err := tx.Customer(store.AllOwners, c.ID, true)
					if err != nil {
						return err
					}
					return tx.PostEntry(locked, entry(locked, int64(w*100+i+1), "PAYMENT"))
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent posting: %v", err)
		}
	}
	var list []ep.LedgerEntry
	tx(t, s, func(tx store.Tx) error {
		var err error
		list, err = tx.Entries(store.AllOwners, c.ID)
		return err
	})
	if len(list) != workers*each {
		t.Fatalf("%d entries, want %d", len(list), workers*each)
	}
	var prev int64
	for i, e := range list {
		if e.Seq != int64(i+1) || e.ResultingBalance != prev+e.Amount {
			t.Fatalf("entry %d: seq %d balance %d, previous balance %d", i, e.Seq, e.ResultingBalance, prev)
		}
		prev = e.ResultingBalance
	}
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
			txn    ep.TxnType
			desc   string
			ref    *string
		}{{-10000, "INVOICE_CREATED", "Invoice N", nil}, {6000, "PAYMENT", "Cheque 7", nil}, {4000, "PAYMENT", "Bank", str("BANK-REF-1")}, {-500, "REFUND", "Goodwill", nil}} {
			e := entry(c, x.amount, x.txn)
			e.Description, e.Reference = &x.desc, x.ref
			if err := tx.PostEntry(c, e); err != nil {
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

// Amounts and balances at the int64 limits, in currencies of exponents 0, 2 and 3, sort and
// filter exactly: the old scaled comparison (amount × 10^(6 − exponent)) overflowed.
func testAmountKeysExtremes(t *testing.T, s store.Store) {
	type row struct {
		id               int64
		amount, resulted *big.Rat
	}
	var rows []row
	tx(t, s, func(tx store.Tx) error {
		jpy := &ep.Currency{Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		bhd := &ep.Currency{Name: "Bahraini dinar", Code: "BHD", MajorCurrencyName: "dinar", MinorCurrencyName: "fils", DecimalPlaces: 3}
		for _, c := range []*ep.Currency{jpy, bhd} {
			if err := tx.CreateCurrency(c); err != nil {
				t.Fatal(err)
			}
		}
		for _, cur := range []struct {
			id  int64
			exp int32
		}{{1, 2}, {jpy.ID, 0}, {bhd.ID, 3}} {
			for _, amounts := range [][]int64{{math.MinInt64, 1, 999999}, {math.MaxInt64, -1, -1000}, {-5, 5, 1000000}} {
				c := &ep.Customer{ContractOwnerID: 7, CustomerName: "C", CurrencyID: cur.id, Exp: cur.exp}
				if err := tx.CreateCustomer(c); err != nil {
					t.Fatal(err)
				}
				for _, a := range amounts {
					e := entry(c, a, "BALANCE_ADJUSTMENT")
					if err := tx.PostEntry(c, e); err != nil {
						t.Fatal(err)
					}
					rows = append(rows, row{e.ID, ratMinor(big.NewInt(a), cur.exp), ratMinor(big.NewInt(e.ResultingBalance), cur.exp)})
				}
			}
		}
		return nil
	})
	fields := map[string]func(r row) *big.Rat{
		"amountInMajorCurrency":    func(r row) *big.Rat { return r.amount },
		"resultingCustomerBalance": func(r row) *big.Rat { return r.resulted },
	}
	err := s.Read(ctx(), func(tx store.Tx) error {
		for name, value := range fields {
			for _, desc := range []bool{false, true} {
				want := sortedBy(rows, value, func(r row) int64 { return r.id }, desc)
				got, _, err := tx.ListEntries(store.AllOwners, query.List{Page: 1, PageSize: 100, Sorts: []query.Sort{{Field: name, Desc: desc}}})
				if err != nil {
					return fmt.Errorf("sort %s: %w", name, err)
				}
				for i := range want {
					if got[i].ID != want[i].id {
						t.Errorf("sort %s desc=%v: position %d is entry %d, want %d", name, desc, i, got[i].ID, want[i].id)
						break
					}
				}
			}
			for _, r := range rows {
				for _, p := range []*big.Rat{value(r), new(big.Rat).Add(value(r), big.NewRat(1, 10000)), new(big.Rat).Sub(value(r), big.NewRat(1, 10000))} {
					text := decimalText(p)
					d, err := money.ParseJSON([]byte(text))
					if err != nil { // beyond what a filter can say (|v| >= 10^18)
						continue
					}
					for _, op := range []string{"eq", "gt", "gte", "lt", "lte"} {
						_, n, err := tx.ListEntries(store.AllOwners, query.List{Page: 1, PageSize: 1, Conds: []query.Cond{{Param: name, Op: query.Op(op), Numbers: []money.Decimal{d}}}})
						if err != nil {
							return fmt.Errorf("%s=%s:%s: %w", name, op, text, err)
						}
						var want int64
						for _, x := range rows {
							cmp := value(x).Cmp(p)
							if (op == "eq" && cmp == 0) || (op == "gt" && cmp > 0) || (op == "gte" && cmp >= 0) || (op == "lt" && cmp < 0) || (op == "lte" && cmp <= 0) {
								want++
							}
						}
						if n != want {
							t.Errorf("%s=%s:%s matches %d, want %d", name, op, text, n, want)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testRoundTripLedgerEntries(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); ch.postEntries(t, tx); return nil })
	tx(t, s, func(tx store.Tx) error {
		list, err := tx.Entries(rtScope, ch.cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Entries", ch.entries, list)
		for _, want := range ch.entries {
			got, err := tx.Entry(rtScope, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("Entry(%d)", want.ID), &want, got)
		}
		list, _, err = tx.ListEntries(rtScope, page(100, query.Cond{Param: "customer_id", Op: query.OpEq, IDs: []int64{ch.cust.ID}}))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ListEntries", ch.entries, list)
		for _, e := range ch.entries {
			entryColumnsLand(t, tx, e)
		}
		// PostEntry's cached balance and ledger position on the customer.
		written(t, "Customer after postings", ch.cust, nil)
		got, err := tx.Customer(rtScope, ch.cust.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Customer after postings", ch.cust, got)
		return nil
	})
}

// entryColumnsLand: ListEntries filters on id, customerId (and customer_id, the service's own
// parameter), currencyId and invoiceId and scopes by contract owner, each of which must find the
// written entry by its own value only.
func entryColumnsLand(t *testing.T, tx store.Tx, e ep.LedgerEntry) {
	t.Helper()
	landWhereNamed(t, fmt.Sprintf("ListEntries(entry %d)", e.ID), e, func(e ep.LedgerEntry) int64 { return e.ID },
		[]column{{"id", "ID"}, {"customerId", "CustomerID"}, {"customer_id", "CustomerID"}, {"currencyId", "CurrencyID"},
			{"invoiceId", "InvoiceID"}, {byScope, "ContractOwnerID"}},
		tx.ListEntries)
}

// testStalePosition: a posting is conditional on the ledger position the caller read; posting
// with an older read fails and writes nothing, and the customer passed in is left as it was.
func testStalePosition(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error {
		c, _ = seed(t, tx, 7, "Stale")
		return nil
	})
	stale := *c
	tx(t, s, func(tx store.Tx) error { return tx.PostEntry(c, entry(c, 100, ep.TxnBalanceAdjustment)) })
	if c.LastSeq != 1 || c.Balance != 100 {
		t.Fatalf("after a posting the caller's customer holds position %d, balance %d; want 1, 100", c.LastSeq, c.Balance)
	}
	err := s.Tx(ctx(), func(tx store.Tx) error { return tx.PostEntry(&stale, entry(&stale, 50, ep.TxnBalanceAdjustment)) })
	if err == nil {
		t.Fatal("a posting at a position the caller did not read succeeded")
	}
	if stale.LastSeq != 0 || stale.Balance != 0 {
		t.Errorf("the refused posting changed the caller's customer: position %d, balance %d", stale.LastSeq, stale.Balance)
	}
	tx(t, s, func(tx store.Tx) error {
		entries, err := tx.Entries(store.AllOwners, c.ID)
		if err != nil {
			return err
		}
		got, err := tx.Customer(store.AllOwners, c.ID, false)
		if err != nil {
			return err
		}
		if len(entries) != 1 || got.Balance != 100 || got.LastSeq != 1 {
			t.Errorf("after the refused posting: %d entries, balance %d, last_seq %d; want 1, 100, 1", len(entries), got.Balance, got.LastSeq)
		}
		return nil
	})
	if err := s.Tx(ctx(), func(tx store.Tx) error { return tx.PostEntry(c, entry(&stale, 1, ep.TxnBalanceAdjustment)) }); err != nil {
		t.Errorf("an entry posted with the current position: %v", err)
	}
	other := &ep.Customer{ID: c.ID + 1000}
	if err := s.Tx(ctx(), func(tx store.Tx) error { return tx.PostEntry(other, entry(c, 1, ep.TxnBalanceAdjustment)) }); err == nil {
		t.Error("an entry of one customer posted on another")
	}
}
