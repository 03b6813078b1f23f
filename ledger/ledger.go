// Package ledger holds the pure money rules of elevatepay, with no I/O: invoice amounts and
// status (spec §6.3), allocation of customer payments (§6.2) and the credit status arithmetic
// (§6.13) that the tests hold the SQL to. The classes of payment and refund statuses are methods
// of their types in the root package. Amounts are int64 minor units of one currency.
package ledger

import (
	"math/big"
	"sort"

	ep "github.com/elevatepay/elevatepay"
)

// Figures are an invoice's money figures (§6.3.1).
type Figures struct {
	Total          int64
	Collected      int64 // net collected
	InFlight       int64 // provider collections in flight
	RefundsPending int64
	RefundsSettled int64
}

// Outstanding is max(0, total − net collected); refunds never re-open an invoice (OP-26).
func (f Figures) Outstanding() int64 {
	if o := f.Total - f.Collected; o > 0 {
		return o
	}
	return 0
}

// Available is what manual payments, new collections and invoice links may still take.
func (f Figures) Available() int64 {
	if a := f.Outstanding() - f.InFlight; a > 0 {
		return a
	}
	return 0
}

// Refundable is net collected minus pending and settled refunds.
func (f Figures) Refundable() int64 {
	return f.Collected - f.RefundsPending - f.RefundsSettled
}

// Status derives the invoice's paymentStatus; the first matching rule of §6.3.2 wins.
func (f Figures) Status() ep.PaymentStatus {
	switch {
	case f.Total == 0:
		return ep.StatusNA
	case f.RefundsPending > 0:
		return ep.StatusRefundPending
	case f.RefundsSettled > 0 && f.RefundsSettled >= f.Collected:
		return ep.StatusRefunded
	case f.RefundsSettled > 0:
		return ep.StatusPartRefunded
	case f.InFlight > 0:
		return ep.StatusPending
	case f.Collected >= f.Total:
		return ep.StatusPaid
	case f.Collected > 0:
		return ep.StatusPartiallyPaid
	}
	return ep.StatusUnpaid
}

// Candidate is an invoice that can take part of a customer payment.
type Candidate struct {
	ID          int64
	DueDate     string // YYYY-MM-DD
	InvoiceDate string
	Open        int64 // amount it can still take
}

// Piece is the part of a payment allocated to one invoice.
type Piece struct {
	InvoiceID int64
	Amount    int64
}

// SortOldestFirst orders candidates by due date, then invoice date, then id (§6.2 step 3).
func SortOldestFirst(c []Candidate) {
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].DueDate != c[j].DueDate {
			return c[i].DueDate < c[j].DueDate
		}
		if c[i].InvoiceDate != c[j].InvoiceDate {
			return c[i].InvoiceDate < c[j].InvoiceDate
		}
		return c[i].ID < c[j].ID
	})
}

// Allocate spreads amount over the candidates oldest first, min(remaining, open) each; the
// remainder is what no invoice could take (§6.2 steps 3–5). Candidates with nothing open are skipped.
func Allocate(amount int64, cands []Candidate) (pieces []Piece, remainder int64) {
	c := append([]Candidate(nil), cands...)
	SortOldestFirst(c)
	remainder = amount
	for _, x := range c {
		if remainder <= 0 {
			break
		}
		if x.Open <= 0 {
			continue
		}
		take := min(remainder, x.Open)
		pieces = append(pieces, Piece{InvoiceID: x.ID, Amount: take})
		remainder -= take
	}
	return pieces, remainder
}

// CreditFigures is Credit for figures that fit int64, which covers every customer short of an
// astronomically large debt, for tests that state figures as integers. It panics if a figure
// does not fit.
func CreditFigures(balance, openBillRun, threshold int64) (bill, diff, pct100 int64) {
	b, d, p := Credit(balance, openBillRun, threshold)
	if !b.IsInt64() || !d.IsInt64() || !p.IsInt64() {
		panic("ledger: credit figures do not fit int64; use Credit")
	}
	return b.Int64(), d.Int64(), p.Int64()
}

// Credit computes credit status (§6.13) exactly, for any int64 balance and open bill run and
// any threshold > 0: billAmount = max(0, −balance) + open bill run; valueDifference =
// threshold − billAmount; percentageDifference = billAmount / threshold × 100 in hundredths of
// a percent, rounded half away from zero (OP-14). The figures can exceed int64 (a balance near
// −2^63, or a large bill over a threshold of one minor unit), hence big.Int. It panics if
// threshold <= 0.
//
// The server computes these figures in SQL (store/sqlstore/credit_status.go); Credit is the
// independent oracle the tests compare that SQL with, written the plain way.
func Credit(balance, openBillRun, threshold int64) (bill, diff, pct100 *big.Int) {
	if threshold <= 0 {
		panic("ledger: credit threshold must be > 0")
	}
	bill = big.NewInt(openBillRun)
	if balance < 0 {
		bill.Sub(bill, big.NewInt(balance))
	}
	t := big.NewInt(threshold)
	diff = new(big.Int).Sub(t, bill)
	// round(|bill| × 10000 / threshold) half up = half away from zero for bill ≥ 0; a negative
	// bill (only with a negative open bill run, which the contract does not allow) is rounded
	// symmetrically.
	n := new(big.Int).Abs(bill)
	n.Mul(n, big.NewInt(20000))
	n.Add(n, t)
	pct100 = n.Quo(n, new(big.Int).Lsh(t, 1))
	if bill.Sign() < 0 {
		pct100.Neg(pct100)
	}
	return bill, diff, pct100
}
