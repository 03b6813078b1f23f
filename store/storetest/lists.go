package storetest

import (
	"math"
	"math/big"
	"sort"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Tests of the list compiler every list shares (integer filters at the edges of their columns'
// ranges), and the exact oracles the extremes tests of credit status and ledger entries check
// their lists against.

// Integer filters beyond their column's range are refused (400) on both engines; PostgreSQL used
// to fail on them (item 8). Numeric filters on integer columns compare exactly, without scaling
// the column (which overflowed bigint).
//
// The list tests of list_keys.go (stored amount keys, exact totals) run at the end as subtests,
// each on a contract owner of its own, so the list compiler keeps one entry in Run.
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
	// After the counts above, which see every contract owner.
	t.Run("StoredAmountKeys", func(t *testing.T) { testStoredAmountKeys(t, s) })
	t.Run("Totals", func(t *testing.T) { testListTotals(t, s) })
}

func ratMinor(v *big.Int, exp int32) *big.Rat {
	return new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
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
