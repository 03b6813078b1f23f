package storetest

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sort"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Credit status is also listed by BalanceAndCreditStatus (balances.go), from the ledger of a
// customer whose balance it reads.

// creditCase is one customer of the credit-status test with the oracle's figures.
type creditCase struct {
	id                int64
	exp               int32
	threshold, open   int64
	balance           int64
	bill, diff, pct   *big.Int
	billR, diffR, pcR *big.Rat // in major units and percent
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
							if err := tx.PostEntry(c, entry(c, bal, "BALANCE_ADJUSTMENT")); err != nil {
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
	// The figures shown; on the test goroutine, as a wrong count ends the test.
	err := s.Read(ctx(), func(tx store.Tx) error {
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
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The sorts and the filters below are about a thousand independent reads of the rows
	// committed above: they are collected as checks and run on a few goroutines, each check in
	// its own read transaction (readInParallel).
	//
	// A filter check wants only the count. It asks for a page past the last row (countOnly):
	// ListCreditStatus then runs its count statement alone and skips the page statement, whose
	// row the check would discard. The page statement has the count's WHERE clause and the
	// select list every row is read with above, and costs more to prepare than the count (its
	// select list holds every key expression): under -race on SQLite it was 17 of the test's 27 s.
	countOnly := query.List{Page: len(cases) + 1, PageSize: 1}
	var checks []func(store.Tx) error
	// Sorting, both directions; ties by customer id ascending.
	for name, value := range byField {
		for _, desc := range []bool{false, true} {
			checks = append(checks, func(tx store.Tx) error {
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
				return nil
			})
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
		// counts returns how many cases each comparison with p matches (one pass over the cases).
		counts := func(p *big.Rat) map[string]int64 {
			n := map[string]int64{}
			for _, c := range cases {
				switch cmp := value(c).Cmp(p); {
				case cmp == 0:
					n["eq"]++
					n["gte"]++
					n["lte"]++
				case cmp > 0:
					n["gt"]++
					n["gte"]++
				default:
					n["lt"]++
					n["lte"]++
				}
			}
			return n
		}
		var inValues []money.Decimal
		var inWant int64
		inSeen := map[string]bool{}
		probed := map[string]bool{}
		for _, p := range probes {
			d, err := money.ParseJSON([]byte(decimalText(p)))
			if err != nil { // beyond what a filter can say
				continue
			}
			if len(inValues) < 5 && p.IsInt() && !inSeen[p.RatString()] {
				inSeen[p.RatString()] = true
				inValues = append(inValues, d)
				inWant += counts(p)["eq"]
			}
			// A value that is probed twice (a neighbour of one occurring value can be another
			// occurring value, or one of the fixed values) would repeat the same five queries
			// with the same expected counts: each is checked once.
			if probed[p.RatString()] {
				continue
			}
			probed[p.RatString()] = true
			checks = append(checks, func(tx store.Tx) error {
				want := counts(p)
				for _, op := range []string{"eq", "gt", "gte", "lt", "lte"} {
					l := countOnly
					l.Conds = []query.Cond{{Param: name, Op: query.Op(op), Numbers: []money.Decimal{d}}}
					_, n, err := tx.ListCreditStatus(store.AllOwners, l)
					if err != nil {
						return fmt.Errorf("%s=%s:%s: %w", name, op, d, err)
					}
					if n != want[op] {
						t.Errorf("%s=%s:%s matches %d, want %d", name, op, d, n, want[op])
					}
				}
				return nil
			})
		}
		inValues = append(inValues, money.MustParse("0.0000001")) // matches nothing
		checks = append(checks, func(tx store.Tx) error {
			l := countOnly
			l.Conds = []query.Cond{{Param: name, Op: "in", Numbers: inValues}}
			_, n, err := tx.ListCreditStatus(store.AllOwners, l)
			if err != nil {
				return fmt.Errorf("%s in: %w", name, err)
			}
			if n != inWant {
				t.Errorf("%s=in:%v matches %d, want %d", name, inValues, n, inWant)
			}
			return nil
		})
	}
	readInParallel(t, s, checks)
}

// readInParallel runs checks, reads that are independent of one another over rows already
// committed (nothing writes while they run, so every read transaction sees the same rows), on a
// few goroutines, each check in its own read transaction. A check reports a wrong answer with
// t.Errorf and returns the store's errors; those fail the test once every check has run.
func readInParallel(t *testing.T, s store.Store, checks []func(store.Tx) error) {
	t.Helper()
	workers := min(max(runtime.GOMAXPROCS(0), 2), 8, len(checks)) // 8: the read pool of a SQLite store
	work := make(chan func(store.Tx) error)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for check := range work {
				if err := s.Read(ctx(), check); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, check := range checks {
		work <- check
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(errs) > 0 {
		t.FailNow()
	}
}

// creditStatusColumnsLand (called by RoundTripCustomers, whose customer has a threshold): the
// credit status of the written customer carries its figures, and ListCreditStatus, which filters
// on customerId and scopes by contract owner, finds it by the customer's own values only.
func creditStatusColumnsLand(t *testing.T, tx store.Tx, phase string, c *ep.Customer) {
	t.Helper()
	bill, diff, pct := ledger.Credit(c.Balance, c.OpenBillRunValue, *c.CreditThreshold)
	want := ep.CreditStatus{CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, Exp: c.Exp, CreditThreshold: *c.CreditThreshold,
		BillAmount: bill, ValueDifference: diff, Percent100: pct, OpenBillRun: c.OpenBillRunValue}
	list, _, err := tx.ListCreditStatus(rtScope, page(10, query.Cond{Param: "customerId", Op: query.OpEq, IDs: []int64{c.ID}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].CustomerID != want.CustomerID || list[0].ContractOwnerID != want.ContractOwnerID || list[0].Exp != want.Exp ||
		list[0].CreditThreshold != want.CreditThreshold || list[0].OpenBillRun != want.OpenBillRun || list[0].BillAmount.Cmp(bill) != 0 ||
		list[0].ValueDifference.Cmp(diff) != 0 || list[0].Percent100.Cmp(pct) != 0 {
		t.Errorf("%s: ListCreditStatus = %+v, want [%+v]", phase, list, want)
	}
	landWhereNamed(t, phase+": ListCreditStatus", want, func(s ep.CreditStatus) int64 { return s.CustomerID },
		[]column{{"customerId", "CustomerID"}, {byScope, "ContractOwnerID"}}, tx.ListCreditStatus)
}
