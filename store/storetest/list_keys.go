package storetest

import (
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Tests of the stored amount keys and of the lists' exact totals (issue 8). Invoice payments
// and refunds sort and filter on amount_key_hi and amount_key_lo, columns the database computes
// from amount and currency_exp (migration 00005): they must agree with the amount exactly at
// the int64 limits in every exponent, and the lists on them must order and filter exactly. The
// lists skip count(*) when a page tells the total; every page must still say it exactly.
//
// These run as subtests of IntegerFilterRanges (lists.go) on that test's store, so each works
// in a contract owner of its own.

const (
	keysOwner   int32 = 8801 // the rows of testStoredAmountKeys
	totalsOwner int32 = 8802 // the rows of testListTotals
)

// amountRow is one listed row with its amount as an exact fraction of a major unit.
type amountRow struct {
	id    int64
	value *big.Rat
}

// splitKey is the key list.go and migration 00005 compute, in exact arithmetic: v = amount ×
// 10^(6 − exp) millionths, hi = floor(v / 10^12), lo = v mod 10^12.
func splitKey(amount int64, exp int32) (hi, lo *big.Int) {
	v := new(big.Int).Mul(big.NewInt(amount), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(6-exp)), nil))
	return new(big.Int).DivMod(v, big.NewInt(1_000_000_000_000), new(big.Int)) // Euclidean: floor for a positive divisor
}

// extremeAmounts are the amounts (minor units) written in a currency of exponent exp: the int64
// limits, both sides of every multiple of the key's unit (10^6 major units) near zero, and one
// major unit, which is equal in every exponent (ties broken by id).
func extremeAmounts(exp int32, positiveOnly bool) []int64 {
	unit := int64(math.Pow10(int(6 + exp)))
	one := int64(math.Pow10(int(exp)))
	all := []int64{math.MinInt64, math.MinInt64 + 1, -unit - 1, -unit, -unit + 1, -one, -1,
		1, one, unit - 1, unit, unit + 1, 3*unit + 7, math.MaxInt64 - 1, math.MaxInt64}
	if !positiveOnly {
		return all
	}
	var out []int64
	for _, a := range all {
		if a > 0 {
			out = append(out, a)
		}
	}
	return out
}

// keyCurrencies creates currencies of exponents 0, 1 and 3 beside GBP (2, id 1).
func keyCurrencies(t *testing.T, tx store.Tx) []*ep.Currency {
	t.Helper()
	out := []*ep.Currency{{ID: 1, DecimalPlaces: 2}}
	for _, exp := range []int32{0, 1, 3} {
		c := &ep.Currency{Name: fmt.Sprintf("Key test %d", exp), Code: fmt.Sprintf("XK%d", exp), MajorCurrencyName: "major",
			MinorCurrencyName: "minor", DecimalPlaces: exp}
		if err := tx.CreateCurrency(c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// customerIn creates a customer of owner co in currency cur, with a site and a NORMAL invoice.
func customerIn(t *testing.T, tx store.Tx, co int32, cur *ep.Currency, n int) (*ep.Customer, *ep.Invoice) {
	t.Helper()
	c := &ep.Customer{ContractOwnerID: co, CustomerName: fmt.Sprintf("Keys %d", n), CurrencyID: cur.ID, Exp: cur.DecimalPlaces}
	if err := tx.CreateCustomer(c); err != nil {
		t.Fatal(err)
	}
	site := &ep.Site{CustomerID: c.ID, ContractOwnerID: co, SiteName: "HQ", StartDate: "2023-06-01"}
	if err := tx.CreateSite(site); err != nil {
		t.Fatal(err)
	}
	inv := newInvoice(c, site, fmt.Sprintf("KEYS-%d-%d", co, n), "2024-02-01", 1000)
	if err := tx.CreateInvoice(inv); err != nil {
		t.Fatal(err)
	}
	return c, inv
}

func newPayment(c *ep.Customer, inv *ep.Invoice, amount int64, date string) *ep.InvoicePayment {
	return &ep.InvoicePayment{InvoiceID: inv.ID, CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, BillRunType: "NORMAL", Amount: amount,
		CurrencyID: c.CurrencyID, Exp: c.Exp, Description: "keys", PaymentMethod: "CHEQUE", PaymentDate: date, CustomerPaymentType: "INVOICE", CreatedAt: 1}
}

// rawSQL is the pool of a store that exposes it (sqlstore.DB does); nil otherwise.
func rawSQL(s store.Store) *sql.DB {
	if r, ok := s.(interface{ SQL() *sql.DB }); ok {
		return r.SQL()
	}
	return nil
}

// testStoredAmountKeys: the stored keys of invoice payments and refunds equal the exact split of
// their amounts, and their lists sort and filter by amount exactly.
func testStoredAmountKeys(t *testing.T, s store.Store) {
	scope := store.Scope{Owners: []int32{keysOwner}}
	var payments, refunds []amountRow
	tx(t, s, func(tx store.Tx) error {
		for i, cur := range keyCurrencies(t, tx) {
			c, inv := customerIn(t, tx, keysOwner, cur, i)
			for _, a := range extremeAmounts(cur.DecimalPlaces, false) {
				p := newPayment(c, inv, a, "2024-02-01")
				if err := tx.CreateInvoicePayment(p); err != nil {
					t.Fatalf("payment of %d (exponent %d): %v", a, cur.DecimalPlaces, err)
				}
				payments = append(payments, amountRow{p.ID, ratMinor(big.NewInt(a), cur.DecimalPlaces)})
			}
			for _, a := range extremeAmounts(cur.DecimalPlaces, true) {
				r := &ep.Refund{InvoiceID: inv.ID, CustomerID: c.ID, ContractOwnerID: keysOwner, BillRunType: "NORMAL",
					ThirdPartyRefundStatus: "FUNDS_RETURNED", PaymentMethod: "CHEQUE", Amount: a, CurrencyID: cur.ID, Exp: cur.DecimalPlaces, CreatedAt: 1}
				if err := tx.CreateRefund(r); err != nil {
					t.Fatalf("refund of %d (exponent %d): %v", a, cur.DecimalPlaces, err)
				}
				refunds = append(refunds, amountRow{r.ID, ratMinor(big.NewInt(a), cur.DecimalPlaces)})
			}
		}
		return nil
	})

	// The stored columns themselves, where the store lets the test read them.
	if db := rawSQL(s); db != nil {
		for _, table := range []string{"invoice_payments", "refunds"} {
			checkStoredKeys(t, db, table)
		}
	}

	listPayments := func(tx store.Tx, l query.List) ([]int64, int64, error) {
		rows, total, err := tx.ListInvoicePayments(scope, "NORMAL", l)
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return ids, total, err
	}
	listRefunds := func(tx store.Tx, l query.List) ([]int64, int64, error) {
		rows, total, err := tx.ListRefunds(scope, l)
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return ids, total, err
	}
	err := s.Read(ctx(), func(tx store.Tx) error {
		if err := amountListExact(t, tx, "invoice payments", payments, listPayments); err != nil {
			return err
		}
		return amountListExact(t, tx, "refunds", refunds, listRefunds)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkStoredKeys compares amount_key_hi and amount_key_lo of the test's rows of table with
// splitKey of their amount.
func checkStoredKeys(t *testing.T, db *sql.DB, table string) {
	t.Helper()
	rows, err := db.QueryContext(ctx(), fmt.Sprintf("SELECT id, amount, currency_exp, amount_key_hi, amount_key_lo FROM %s WHERE contract_owner_id = %d", table, keysOwner))
	if err != nil {
		t.Fatalf("read %s keys: %v", table, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, amount, hi, lo int64
		var exp int32
		if err := rows.Scan(&id, &amount, &exp, &hi, &lo); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		n++
		wantHi, wantLo := splitKey(amount, exp)
		if !wantHi.IsInt64() || wantHi.Int64() != hi || wantLo.Int64() != lo {
			t.Errorf("%s %d: amount %d exponent %d is stored with key (%d, %d), want (%s, %s)", table, id, amount, exp, hi, lo, wantHi, wantLo)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s: no rows of the test read back", table)
	}
}

// amountListExact checks a list of rows by amountInMajorCurrency: both sort directions give the
// exact order (ties by id), and every comparison with every value (and values 1/10000 to each
// side) matches exactly the rows it should.
func amountListExact(t *testing.T, tx store.Tx, what string, rows []amountRow, list func(store.Tx, query.List) ([]int64, int64, error)) error {
	t.Helper()
	const field = "amountInMajorCurrency"
	value := func(r amountRow) *big.Rat { return r.value }
	for _, desc := range []bool{false, true} {
		want := sortedBy(rows, value, func(r amountRow) int64 { return r.id }, desc)
		got, total, err := list(tx, query.List{Page: 1, PageSize: 1000, Sorts: []query.Sort{{Field: field, Desc: desc}}})
		if err != nil {
			return fmt.Errorf("%s sorted desc=%v: %w", what, desc, err)
		}
		if total != int64(len(rows)) || len(got) != len(rows) {
			t.Errorf("%s sorted desc=%v: %d rows, total %d; want %d", what, desc, len(got), total, len(rows))
			continue
		}
		for i := range want {
			if got[i] != want[i].id {
				t.Errorf("%s sorted desc=%v: position %d is %d, want %d (%s)", what, desc, i, got[i], want[i].id, want[i].value.FloatString(3))
				break
			}
		}
	}
	for _, r := range rows {
		for _, p := range []*big.Rat{r.value, new(big.Rat).Add(r.value, big.NewRat(1, 10000)), new(big.Rat).Sub(r.value, big.NewRat(1, 10000))} {
			text := decimalText(p)
			d, err := money.ParseJSON([]byte(text))
			if err != nil { // beyond what a filter can say (|v| >= 10^18)
				continue
			}
			for _, op := range []string{"eq", "gt", "gte", "lt", "lte"} {
				_, n, err := list(tx, query.List{Page: 1, PageSize: 1, Conds: []query.Cond{{Param: field, Op: query.Op(op), Numbers: []money.Decimal{d}}}})
				if err != nil {
					return fmt.Errorf("%s %s=%s:%s: %w", what, field, op, text, err)
				}
				var want int64
				for _, x := range rows {
					cmp := x.value.Cmp(p)
					if (op == "eq" && cmp == 0) || (op == "gt" && cmp > 0) || (op == "gte" && cmp >= 0) || (op == "lt" && cmp < 0) || (op == "lte" && cmp <= 0) {
						want++
					}
				}
				if n != want {
					t.Errorf("%s %s=%s:%s matches %d, want %d", what, field, op, text, n, want)
				}
			}
		}
	}
	return nil
}

// testListTotals: X-Total-Count is exact on every page whether the list counts or the page tells
// it (a short page is the last one): full pages, the short last page, a last page exactly full,
// pages past the end, no match at all, and an empty scope.
func testListTotals(t *testing.T, s store.Store) {
	scope := store.Scope{Owners: []int32{totalsOwner}}
	const n = 23
	var all []amountRow // in id order
	tx(t, s, func(tx store.Tx) error {
		c, inv := customerIn(t, tx, totalsOwner, &ep.Currency{ID: 1, DecimalPlaces: 2}, 0)
		for i := 0; i < n; i++ {
			// Amounts repeat (ties by id) and dates run backwards against ids.
			p := newPayment(c, inv, int64(1+(i*7)%5), fmt.Sprintf("2024-03-%02d", 28-i))
			if err := tx.CreateInvoicePayment(p); err != nil {
				t.Fatal(err)
			}
			all = append(all, amountRow{p.ID, ratMinor(big.NewInt(p.Amount), 2)})
		}
		return nil
	})
	byAmount := sortedBy(all, func(r amountRow) *big.Rat { return r.value }, func(r amountRow) int64 { return r.id }, true)
	err := s.Read(ctx(), func(tx store.Tx) error {
		for _, size := range []int{1, 5, n - 1, n, n + 1, 1000} {
			for _, sorts := range [][]query.Sort{nil, {{Field: "amountInMajorCurrency", Desc: true}}} {
				want := all
				if sorts != nil {
					want = byAmount
				}
				pages := (n+size-1)/size + 2
				for pg := 1; pg <= pages; pg++ {
					got, total, err := tx.ListInvoicePayments(scope, "NORMAL", query.List{Page: pg, PageSize: size, Sorts: sorts})
					if err != nil {
						return err
					}
					lo, hi := min((pg-1)*size, n), min(pg*size, n)
					if total != n || len(got) != hi-lo {
						t.Errorf("pageSize %d page %d sort %v: %d rows, total %d; want %d rows, total %d", size, pg, sorts, len(got), total, hi-lo, n)
						continue
					}
					for i, p := range got {
						if p.ID != want[lo+i].id {
							t.Errorf("pageSize %d page %d sort %v: row %d is %d, want %d", size, pg, sorts, i, p.ID, want[lo+i].id)
							break
						}
					}
				}
			}
		}
		// A filter: the payments of at most 0.03 (amounts 1, 2 and 3: 14 of the 23).
		atMost := query.Cond{Param: "amountInMajorCurrency", Op: "lte", Numbers: []money.Decimal{money.MustParse("0.03")}}
		for _, size := range []int{1, 13, 14, 15} {
			for pg := 1; pg <= 16; pg++ {
				got, total, err := tx.ListInvoicePayments(scope, "NORMAL", query.List{Page: pg, PageSize: size, Conds: []query.Cond{atMost}})
				if err != nil {
					return err
				}
				if want := min(max(14-(pg-1)*size, 0), size); total != 14 || len(got) != want {
					t.Errorf("amount <= 0.03, pageSize %d page %d: %d rows, total %d; want %d rows, total 14", size, pg, len(got), total, want)
				}
			}
		}
		// Nothing matches: an amount no payment has, and a caller who sees no contract owner.
		none := query.Cond{Param: "amountInMajorCurrency", Op: "eq", Numbers: []money.Decimal{money.MustParse("0.001")}}
		for _, pg := range []int{1, 2, 50} {
			if got, total, err := tx.ListInvoicePayments(scope, "NORMAL", query.List{Page: pg, PageSize: 10, Conds: []query.Cond{none}}); err != nil || total != 0 || len(got) != 0 {
				t.Errorf("amount = 0.001 page %d: %d rows, total %d, %v; want none", pg, len(got), total, err)
			}
			if got, total, err := tx.ListInvoicePayments(store.Scope{}, "NORMAL", query.List{Page: pg, PageSize: 10}); err != nil || total != 0 || len(got) != 0 {
				t.Errorf("empty scope page %d: %d rows, total %d, %v; want none", pg, len(got), total, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
