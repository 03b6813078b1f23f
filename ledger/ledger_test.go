package ledger

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"

	"pgregory.net/rapid"
)

func TestStatus(t *testing.T) {
	cases := []struct {
		f    Figures
		want ep.PaymentStatus
	}{
		{Figures{Total: 0}, "NA"},
		{Figures{Total: 0, Collected: 100}, "NA"},
		{Figures{Total: 100}, "UNPAID"},
		{Figures{Total: 100, Collected: 40}, "PARTIALLY_PAID"},
		{Figures{Total: 100, Collected: 100}, "PAID"},
		{Figures{Total: 100, Collected: 150}, "PAID"},
		{Figures{Total: 100, Collected: 40, InFlight: 60}, "PENDING"},
		{Figures{Total: 100, Collected: 100, RefundsPending: 10}, "REFUND_PENDING"},
		{Figures{Total: 100, Collected: 100, RefundsSettled: 10}, "PART_REFUNDED"},
		{Figures{Total: 100, Collected: 100, RefundsSettled: 100}, "REFUNDED"},
		{Figures{Total: 100, Collected: 60, RefundsSettled: 60}, "REFUNDED"},
		{Figures{Total: 100, Collected: 60, RefundsSettled: 60, RefundsPending: 1}, "REFUND_PENDING"},
	}
	for _, tc := range cases {
		if got := tc.f.Status(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.f, got, tc.want)
		}
	}
	f := Figures{Total: 100, Collected: 130, InFlight: 10, RefundsPending: 5, RefundsSettled: 20}
	if f.Outstanding() != 0 || f.Available() != 0 || f.Refundable() != 105 {
		t.Errorf("figures of %+v: %d %d %d", f, f.Outstanding(), f.Available(), f.Refundable())
	}
	f = Figures{Total: 100, Collected: 30, InFlight: 50}
	if f.Outstanding() != 70 || f.Available() != 20 {
		t.Errorf("figures of %+v: %d %d", f, f.Outstanding(), f.Available())
	}
}

// TestAllocateExample is the worked example of spec §6.2.
func TestAllocateExample(t *testing.T) {
	cands := []Candidate{{ID: 5001, DueDate: "2024-02-29", InvoiceDate: "2024-02-01", Open: 12000}, {ID: 5003, DueDate: "2024-01-31", InvoiceDate: "2024-01-01", Open: 8000}}
	p, r := Allocate(10000, cands)
	if fmt.Sprint(p) != "[{5003 8000} {5001 2000}]" || r != 0 {
		t.Errorf("100.00: %v %d", p, r)
	}
	p, r = Allocate(25000, cands)
	if fmt.Sprint(p) != "[{5003 8000} {5001 12000}]" || r != 5000 {
		t.Errorf("250.00: %v %d", p, r)
	}
}

// TestAllocateProperties: pieces never exceed what an invoice can take, money is conserved,
// no invoice appears twice, and an older invoice is filled before a newer one gets anything.
func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 8).Draw(t, "n")
		var cands []Candidate
		open := map[int64]int64{}
		for i := 0; i < n; i++ {
			c := Candidate{ID: int64(i + 1), DueDate: fmt.Sprintf("2024-01-%02d", rapid.IntRange(1, 5).Draw(t, "due")),
				InvoiceDate: fmt.Sprintf("2023-12-%02d", rapid.IntRange(1, 3).Draw(t, "inv")), Open: rapid.Int64Range(0, 10000).Draw(t, "open")}
			cands = append(cands, c)
			open[c.ID] = c.Open
		}
		amount := rapid.Int64Range(1, 50000).Draw(t, "amount")
		pieces, rem := Allocate(amount, cands)
		var sum int64
		seen := map[int64]bool{}
		for _, p := range pieces {
			if p.Amount <= 0 || p.Amount > open[p.InvoiceID] || seen[p.InvoiceID] {
				t.Fatalf("bad piece %+v (open %d)", p, open[p.InvoiceID])
			}
			seen[p.InvoiceID] = true
			sum += p.Amount
		}
		if sum+rem != amount || rem < 0 {
			t.Fatalf("not conserved: %d + %d != %d", sum, rem, amount)
		}
		sorted := append([]Candidate(nil), cands...)
		SortOldestFirst(sorted)
		partial := false
		for _, c := range sorted {
			if c.Open == 0 {
				continue
			}
			got := int64(0)
			for _, p := range pieces {
				if p.InvoiceID == c.ID {
					got = p.Amount
				}
			}
			if partial && got > 0 {
				t.Fatalf("a newer invoice got money while an older one was not filled: %v", pieces)
			}
			if got < c.Open {
				partial = true
			}
		}
		if rem > 0 && partial && len(pieces) < countOpen(cands) {
			t.Fatalf("remainder %d left while invoices are open", rem)
		}
	})
}

func countOpen(c []Candidate) int {
	n := 0
	for _, x := range c {
		if x.Open > 0 {
			n++
		}
	}
	return n
}

func TestCreditFigures(t *testing.T) {
	for _, tc := range []struct{ balance, open, threshold, bill, diff, pct int64 }{
		{-36000, 6000, 50000, 42000, 8000, 8400}, // spec §6.13 example: 84.00
		{5000, 0, 50000, 0, 50000, 0},            // in credit owes nothing
		{-1, 0, 300, 1, 299, 33},                 // 0.333…% → 0.33
		{-1, 0, 800, 1, 799, 13},                 // 0.125% → 0.13 (half away from zero)
		{-2, 0, 3, 2, 1, 6667},                   // 66.666…% → 66.67
		{-60000, 0, 50000, 60000, -10000, 12000}, // over the threshold
	} {
		bill, diff, pct := CreditFigures(tc.balance, tc.open, tc.threshold)
		if bill != tc.bill || diff != tc.diff || pct != tc.pct {
			t.Errorf("%+v: got %d %d %d", tc, bill, diff, pct)
		}
	}
}
