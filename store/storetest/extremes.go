package storetest

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Tests of issue 6: values at the edges of the columns' ranges, and tenancy of the provider
// contract-owner filter. Both engines must answer them identically, without a database error.
func init() {
	moneyTests = append(moneyTests, []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ProviderOwnerFilterIsScoped", testProviderOwnerFilterScoped},
		{"IntegerFilterRanges", testIntegerFilterRanges},
		{"CreditStatusExtremes", testCreditStatusExtremes},
		{"AmountKeysExtremes", testAmountKeysExtremes},
	}...)
}

// A provider shared by owners 7 and 8: a caller who sees only owner 7 must not learn, through
// contractOwnerId=8, that owner 8 uses it (item 10).
func testProviderOwnerFilterScoped(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		shared := &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "Shared", Status: "ACTIVE", ContractOwnerIDs: []int32{7, 8}}
		only8 := &ep.PaymentProvider{Type: "STRIPE", Name: "Only 8", Status: "ACTIVE", ContractOwnerIDs: []int32{8}}
		for _, p := range []*ep.PaymentProvider{shared, only8} {
			if err := tx.CreateProvider(p); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	owner := func(id int64) query.Cond { return query.Cond{Param: "contractOwnerId", Op: "eq", IDs: []int64{id}} }
	for _, tc := range []struct {
		scope store.Scope
		owner int64
		want  int64
	}{
		{store.Scope{Owners: []int32{7}}, 8, 0},
		{store.Scope{Owners: []int32{7}}, 7, 1},
		{store.Scope{Owners: []int32{7}}, 9, 0},
		{store.Scope{Owners: []int32{8}}, 8, 2},
		{store.Scope{Owners: []int32{7, 8}}, 8, 2},
		{store.Scope{}, 8, 0},
		{store.AllOwners, 8, 2},
		{store.AllOwners, 7, 1},
	} {
		err := s.Read(ctx(), func(tx store.Tx) error {
			list, total, err := tx.ListProviders(tc.scope, page(10, owner(tc.owner)))
			if err != nil {
				return err
			}
			if total != tc.want || int64(len(list)) != tc.want {
				t.Errorf("scope %+v, contractOwnerId=%d: total %d, %d items, want %d", tc.scope, tc.owner, total, len(list), tc.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Integer filters beyond their column's range are refused (400) on both engines; PostgreSQL used
// to fail on them (item 8). Numeric filters on integer columns compare exactly, without scaling
// the column (which overflowed bigint).
func testIntegerFilterRanges(t *testing.T, s store.Store) {
	var paymentRun int64 = math.MaxInt64
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		inv := newInvoice(c, site, "N", "2024-01-01", 10000)
		inv.BillRunID = &paymentRun
		if err := tx.CreateInvoice(inv); err != nil {
			t.Fatal(err)
		}
		if err := tx.CreateProvider(&ep.PaymentProvider{Type: "STRIPE", Name: "S", Status: "ACTIVE", ContractOwnerIDs: []int32{7}}); err != nil {
			t.Fatal(err)
		}
		for i, run := range []int64{math.MaxInt64, 1, 12} {
			p := &ep.InvoicePayment{InvoiceID: inv.ID, CustomerID: c.ID, ContractOwnerID: 7, BillRunType: "NORMAL", BillRunID: &run, Amount: int64(100 + i),
				CurrencyID: 1, Exp: 2, Description: "d", PaymentMethod: "CHEQUE", PaymentDate: "2024-02-01", CustomerPaymentType: "INVOICE", CreatedAt: 1}
			if err := tx.CreateInvoicePayment(p); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	type list func(tx store.Tx, c query.Cond) (int64, error)
	customers := func(tx store.Tx, c query.Cond) (int64, error) {
		_, n, err := tx.ListCustomers(store.AllOwners, page(10, c))
		return n, err
	}
	invoices := func(tx store.Tx, c query.Cond) (int64, error) {
		_, n, err := tx.ListInvoices(store.AllOwners, page(10, c))
		return n, err
	}
	providers := func(tx store.Tx, c query.Cond) (int64, error) {
		_, n, err := tx.ListProviders(store.AllOwners, page(10, c))
		return n, err
	}
	payments := func(tx store.Tx, c query.Cond) (int64, error) {
		_, n, err := tx.ListInvoicePayments(store.AllOwners, "NORMAL", page(10, c))
		return n, err
	}
	const big32 = int64(math.MaxInt32) + 1
	ids := func(op string, v ...int64) query.Cond {
		return query.Cond{Param: "contractOwnerId", Op: query.Op(op), IDs: v}
	}
	refused := []struct {
		name string
		list list
		cond query.Cond
	}{
		{"customers eq", customers, ids("eq", big32)},
		{"customers in", customers, ids("in", 7, big32)},
		{"customers gt", customers, ids("gt", big32)},
		{"customers gte", customers, ids("gte", 99999999999)},
		{"customers lt", customers, ids("lt", math.MaxInt64)},
		{"customers lte", customers, ids("lte", big32)},
		{"invoices eq", invoices, ids("eq", 99999999999)},
		{"invoices in", invoices, ids("in", big32, 7)},
		{"providers eq", providers, ids("eq", big32)},
	}
	for _, tc := range refused {
		err := s.Read(ctx(), func(tx store.Tx) error {
			_, err := tc.list(tx, tc.cond)
			return err
		})
		if ep.ErrorCode(err) != ep.EINVALID {
			t.Errorf("%s %v: got %v, want a 400 naming contractOwnerId", tc.name, tc.cond.IDs, err)
		} else if e, ok := err.(*ep.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "contractOwnerId" {
			t.Errorf("%s: error %#v does not name contractOwnerId", tc.name, err)
		}
	}
	num := func(param, op, v string) query.Cond {
		return query.Cond{Param: param, Op: query.Op(op), Numbers: []money.Decimal{money.MustParse(v)}}
	}
	accepted := []struct {
		name string
		list list
		cond query.Cond
		want int64
	}{
		{"customers eq max int32", customers, ids("eq", math.MaxInt32), 0},
		{"customers gt max int32", customers, ids("gt", math.MaxInt32), 0},
		{"customers lt max int32", customers, ids("lt", math.MaxInt32), 1},
		{"invoices in max int32", invoices, ids("in", 7, math.MaxInt32), 1},
		{"providers eq max int32", providers, ids("eq", math.MaxInt32), 0},
		{"invoices billRunId max int64", invoices, query.Cond{Param: "billRunId", Op: "eq", IDs: []int64{math.MaxInt64}}, 1},
		{"invoices billRunId gt big", invoices, query.Cond{Param: "billRunId", Op: "gt", IDs: []int64{99999999999}}, 1},
		{"payments billRunId gt 0.5", payments, num("billRunId", "gt", "0.5"), 3},
		{"payments billRunId gte 11.5", payments, num("billRunId", "gte", "11.5"), 2},
		{"payments billRunId lt 12.5", payments, num("billRunId", "lt", "12.5"), 2},
		{"payments billRunId lte 11.99", payments, num("billRunId", "lte", "11.99"), 1},
		{"payments billRunId lt -0.5", payments, num("billRunId", "lt", "-0.5"), 0},
		{"payments billRunId eq 12.5", payments, num("billRunId", "eq", "12.5"), 0},
		{"payments billRunId eq 12.0", payments, num("billRunId", "eq", "12.0"), 1},
		{"payments billRunId gt 999999999999999999.5", payments, num("billRunId", "gt", "999999999999999999.5"), 1},
		{"payments billRunId lte 999999999999999999", payments, num("billRunId", "lte", "999999999999999999"), 2},
		{"payments billRunId in", payments, query.Cond{Param: "billRunId", Op: "in",
			Numbers: []money.Decimal{money.MustParse("1"), money.MustParse("1.5"), money.MustParse("999999999999999999")}}, 1},
	}
	for _, tc := range accepted {
		err := s.Read(ctx(), func(tx store.Tx) error {
			n, err := tc.list(tx, tc.cond)
			if err == nil && n != tc.want {
				t.Errorf("%s: %d rows, want %d", tc.name, n, tc.want)
			}
			return err
		})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// creditCase is one customer of the credit-status test with the oracle's figures.
type creditCase struct {
	id                int64
	exp               int32
	threshold, open   int64
	balance           int64
	bill, diff, pct   *big.Int
	billR, diffR, pcR *big.Rat // in major units and percent
}

func ratMinor(v *big.Int, exp int32) *big.Rat {
	return new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
}

// Credit status at the extremes the contract allows (thresholds of one minor unit, figures of
// 9999999.99, 93 invoices of the largest total, exponents 0, 2 and 3) and beyond (balances at the
// int64 limits): sorting and every filter form on the computed fields agree with the Go oracle
// (ledger.Credit) on both engines, and the shown figures are exact (item 9). PostgreSQL used to
// fail with "bigint out of range" and SQLite to compare floats.
func testCreditStatusExtremes(t *testing.T, s store.Store) {
	var cases []*creditCase
	tx(t, s, func(tx store.Tx) error {
		jpy := &ep.Currency{Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		bhd := &ep.Currency{Name: "Bahraini dinar", Code: "BHD", MajorCurrencyName: "dinar", MinorCurrencyName: "fils", DecimalPlaces: 3}
		for _, c := range []*ep.Currency{jpy, bhd} {
			if err := tx.CreateCurrency(c); err != nil {
				t.Fatal(err)
			}
		}
		currencies := []struct {
			id  int64
			exp int32
			max int64 // 9999999.99 or the largest amount below it, in minor units
		}{{1, 2, 999999999}, {jpy.ID, 0, 9999999}, {bhd.ID, 3, 9999999990}}
		for _, cur := range currencies {
			for _, th := range []int64{1, 3, 800, cur.max} {
				for _, bal := range []int64{0, 5000, -1, -2, -93 * cur.max, -1000 * cur.max, math.MinInt64, math.MinInt64 + 1, -math.MaxInt64 + cur.max} {
					for _, open := range []int64{0, cur.max} {
						th := th
						c := &ep.Customer{ContractOwnerID: 7, CustomerName: "C", CurrencyID: cur.id, Exp: cur.exp, CreditThreshold: &th, OpenBillRunValue: open}
						if err := tx.CreateCustomer(c); err != nil {
							t.Fatal(err)
						}
						if bal != 0 {
							if err := tx.PostEntry(entry(c, bal, "BALANCE_ADJUSTMENT")); err != nil {
								t.Fatal(err)
							}
						}
						bill, diff, pct := ledger.Credit(bal, open, th)
						cases = append(cases, &creditCase{id: c.ID, exp: cur.exp, threshold: th, open: open, balance: bal, bill: bill, diff: diff, pct: pct,
							billR: ratMinor(bill, cur.exp), diffR: ratMinor(diff, cur.exp), pcR: ratMinor(pct, 2)})
					}
				}
			}
		}
		// A customer without a threshold is not listed.
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "No threshold", CurrencyID: 1, Exp: 2})
	})
	byField := map[string]func(c *creditCase) *big.Rat{
		"percentageDifference": func(c *creditCase) *big.Rat { return c.pcR },
		"billAmount":           func(c *creditCase) *big.Rat { return c.billR },
		"valueDifference":      func(c *creditCase) *big.Rat { return c.diffR },
		"creditThreshold":      func(c *creditCase) *big.Rat { return ratMinor(big.NewInt(c.threshold), c.exp) },
		"openBillRunValue":     func(c *creditCase) *big.Rat { return ratMinor(big.NewInt(c.open), c.exp) },
	}
	err := s.Read(ctx(), func(tx store.Tx) error {
		// The figures shown.
		list, total, err := tx.ListCreditStatus(store.AllOwners, query.List{Page: 1, PageSize: 1000})
		if err != nil {
			return err
		}
		if total != int64(len(cases)) || len(list) != len(cases) {
			t.Fatalf("credit status lists %d (%d), want %d", total, len(list), len(cases))
		}
		for i, got := range list {
			want := cases[i]
			if got.CustomerID != want.id || got.BillAmount.Cmp(want.bill) != 0 || got.ValueDifference.Cmp(want.diff) != 0 || got.Percent100.Cmp(want.pct) != 0 {
				t.Errorf("customer %d (balance %d, open %d, threshold %d): bill %v diff %v pct %v, want %v %v %v", want.id, want.balance, want.open,
					want.threshold, got.BillAmount, got.ValueDifference, got.Percent100, want.bill, want.diff, want.pct)
			}
		}
		// Sorting, both directions; ties by customer id ascending.
		for name, value := range byField {
			for _, desc := range []bool{false, true} {
				want := sortedBy(cases, value, func(c *creditCase) int64 { return c.id }, desc)
				got, _, err := tx.ListCreditStatus(store.AllOwners, query.List{Page: 1, PageSize: 1000, Sorts: []query.Sort{{Field: name, Desc: desc}}})
				if err != nil {
					return fmt.Errorf("sort %s desc=%v: %w", name, desc, err)
				}
				for i := range want {
					if got[i].CustomerID != want[i].id {
						t.Errorf("sort %s desc=%v: position %d is customer %d, want %d (%s)", name, desc, i, got[i].CustomerID, want[i].id, value(want[i]).FloatString(6))
						break
					}
				}
			}
		}
		// Every filter form on the computed fields, at and around values that occur (spread over
		// the whole range, the extremes included), and at the bounds of what a filter can say
		// (|v| < 10^18).
		for _, name := range []string{"percentageDifference", "billAmount", "valueDifference"} {
			value := byField[name]
			distinct := map[string]*big.Rat{}
			for _, c := range cases {
				distinct[value(c).RatString()] = value(c)
			}
			sorted := make([]*big.Rat, 0, len(distinct))
			for _, v := range distinct {
				sorted = append(sorted, v)
			}
			sort.Slice(sorted, func(i, j int) bool { return sorted[i].Cmp(sorted[j]) < 0 })
			var probes []*big.Rat
			for i, v := range sorted {
				if i < 4 || i >= len(sorted)-4 || i%(len(sorted)/24+1) == 0 {
					probes = append(probes, v, new(big.Rat).Add(v, big.NewRat(1, 1000)), new(big.Rat).Sub(v, big.NewRat(1, 10000000)))
				}
			}
			for _, x := range []string{"0", "-1", "0.005", "999999999999999999.99", "-999999999999999999.99"} {
				r, _ := new(big.Rat).SetString(x)
				probes = append(probes, r)
			}
			count := func(op string, p *big.Rat) int64 {
				var n int64
				for _, c := range cases {
					cmp := value(c).Cmp(p)
					if (op == "eq" && cmp == 0) || (op == "gt" && cmp > 0) || (op == "gte" && cmp >= 0) || (op == "lt" && cmp < 0) || (op == "lte" && cmp <= 0) {
						n++
					}
				}
				return n
			}
			var inValues []money.Decimal
			var inWant int64
			inSeen := map[string]bool{}
			for _, p := range probes {
				d, err := money.ParseJSON([]byte(decimalText(p)))
				if err != nil { // beyond what a filter can say
					continue
				}
				if len(inValues) < 5 && p.IsInt() && !inSeen[p.RatString()] {
					inSeen[p.RatString()] = true
					inValues = append(inValues, d)
					inWant += count("eq", p)
				}
				for _, op := range []string{"eq", "gt", "gte", "lt", "lte"} {
					_, n, err := tx.ListCreditStatus(store.AllOwners, query.List{Page: 1, PageSize: 1,
						Conds: []query.Cond{{Param: name, Op: query.Op(op), Numbers: []money.Decimal{d}}}})
					if err != nil {
						return fmt.Errorf("%s=%s:%s: %w", name, op, d, err)
					}
					if want := count(op, p); n != want {
						t.Errorf("%s=%s:%s matches %d, want %d", name, op, d, n, want)
					}
				}
			}
			inValues = append(inValues, money.MustParse("0.0000001")) // matches nothing
			_, n, err := tx.ListCreditStatus(store.AllOwners, query.List{Page: 1, PageSize: 1, Conds: []query.Cond{{Param: name, Op: "in", Numbers: inValues}}})
			if err != nil {
				return fmt.Errorf("%s in: %w", name, err)
			}
			if n != inWant {
				t.Errorf("%s=in:%v matches %d, want %d", name, inValues, n, inWant)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// decimalText writes r (a terminating decimal) as plain decimal text.
func decimalText(r *big.Rat) string {
	for prec := 0; prec <= 12; prec++ {
		s := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	panic("not a short decimal: " + r.String())
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
					if err := tx.PostEntry(e); err != nil {
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

// sortedBy returns a copy of rows in the order a list sorted by value must have: ascending (or
// descending), ties by id ascending.
func sortedBy[T any](rows []T, value func(T) *big.Rat, id func(T) int64, desc bool) []T {
	out := make([]T, len(rows))
	copy(out, rows)
	sort.SliceStable(out, func(i, j int) bool {
		c := value(out[i]).Cmp(value(out[j]))
		if desc {
			c = -c
		}
		return c < 0 || (c == 0 && id(out[i]) < id(out[j]))
	})
	return out
}
