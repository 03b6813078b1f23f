package ledger

import (
	"math"
	"math/big"
	"testing"
)

// TestCreditExtremes checks Credit against big.Rat arithmetic at the edges of int64, where the
// old int64 formula (2 × bill × 10000) overflowed.
func TestCreditExtremes(t *testing.T) {
	balances := []int64{math.MinInt64, math.MinInt64 + 1, -93 * 999999999, -1, 0, 1, math.MaxInt64}
	opens := []int64{0, 1, 999999999, 9999999999}
	thresholds := []int64{1, 2, 3, 7, 800, 999999999, 9999999999}
	for _, b := range balances {
		for _, o := range opens {
			for _, th := range thresholds {
				bill, diff, pct := Credit(b, o, th)
				wantBill := big.NewInt(o)
				if b < 0 {
					wantBill.Sub(wantBill, big.NewInt(b))
				}
				wantDiff := new(big.Int).Sub(big.NewInt(th), wantBill)
				// round half up of bill × 10000 / th, via big.Rat.
				r := new(big.Rat).SetFrac(new(big.Int).Mul(wantBill, big.NewInt(10000)), big.NewInt(th))
				r.Add(r, big.NewRat(1, 2))
				wantPct := new(big.Int).Quo(r.Num(), r.Denom())
				if bill.Cmp(wantBill) != 0 || diff.Cmp(wantDiff) != 0 || pct.Cmp(wantPct) != 0 {
					t.Errorf("Credit(%d, %d, %d) = %v %v %v, want %v %v %v", b, o, th, bill, diff, pct, wantBill, wantDiff, wantPct)
				}
			}
		}
	}
	if _, _, pct := Credit(-93*999999999, 0, 1); pct.String() != "929999999070000" {
		t.Errorf("93 invoices of 9,999,999.99 over 0.01: %v", pct)
	}
}
