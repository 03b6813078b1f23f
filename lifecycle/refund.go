package lifecycle

import (
	ep "github.com/elevatepay/elevatepay"
)

// RefundEventKind is what happened to a refund (§6.6, refund lifecycle).
type RefundEventKind string

// The refund events.
const (
	RefundRequestedManual   RefundEventKind = "requested_manual"   // POST /refunds with a manual method (row 1)
	RefundRequestedProvider RefundEventKind = "requested_provider" // POST /refunds with a provider method (row 2)
	RefundAccepted          RefundEventKind = "accepted"           // the provider took it (row 3)
	RefundSubmitted         RefundEventKind = "submitted"          // submitted to the bank (row 4)
	RefundPaid              RefundEventKind = "paid"               // row 5
	RefundSettledOnPayout   RefundEventKind = "settled"            // settled against a payout (row 6)
	RefundFailed            RefundEventKind = "failed"             // cancelled, failed, or refused / unreachable at submission (row 7)
	RefundBounced           RefundEventKind = "bounced"            // rows 8 and 9
	RefundFundsReturned     RefundEventKind = "funds_returned"     // row 9
)

// RefundLedger is the ledger effect of a refund transition.
type RefundLedger int

// The refund ledger effects.
const (
	NoRefundEntry  RefundLedger = iota
	RefundEntry                 // a REFUND entry of the refund's amount (−)
	RefundReturned              // a BALANCE_ADJUSTMENT of the refund's amount (+): the money came back
)

// RefundState is what ApplyRefund needs to know of a refund.
type RefundState struct {
	Status ep.RefundStatus // "" before the refund is requested
	// Posted: the refund's REFUND entry is on the ledger and has not been given back.
	Posted bool
}

// RefundResult is the outcome of ApplyRefund.
type RefundResult struct {
	State  RefundState
	Ledger RefundLedger
	Row    int // the row of §6.6's refund lifecycle that applied; 10 leaves the state unchanged
}

// Moved reports whether the event changed the refund's state.
func (r RefundResult) Moved() bool { return r.Row != 10 }

// ApplyRefund returns what event k does to a refund in state s (§6.6). An event with no row for
// the state changes nothing (row 10).
func ApplyRefund(s RefundState, k RefundEventKind) RefundResult {
	to := func(row int, status ep.RefundStatus, l RefundLedger) RefundResult {
		n := s
		n.Status = status
		switch {
		case l == RefundEntry && !s.Posted:
			n.Posted = true
		case l == RefundReturned && s.Posted:
			n.Posted = false
		default:
			l = NoRefundEntry // never a second REFUND, never a return of one not posted
		}
		return RefundResult{State: n, Ledger: l, Row: row}
	}
	st := s.Status
	pending := st == ep.RefundCreated || st == ep.RefundPendingSubmission || st == ep.RefundSubmitted
	switch k {
	case RefundRequestedManual:
		if st == "" {
			return to(1, ep.RefundManuallyRefunded, RefundEntry)
		}
	case RefundRequestedProvider:
		if st == "" {
			return to(2, ep.RefundCreated, NoRefundEntry)
		}
	case RefundAccepted:
		if st == ep.RefundCreated {
			return to(3, ep.RefundPendingSubmission, NoRefundEntry)
		}
	case RefundSubmitted:
		if st == ep.RefundCreated || st == ep.RefundPendingSubmission {
			return to(4, ep.RefundSubmitted, NoRefundEntry)
		}
	case RefundPaid:
		if pending {
			return to(5, ep.RefundPaid, RefundEntry)
		}
	case RefundSettledOnPayout:
		if st == ep.RefundPaid {
			return to(6, ep.RefundSettled, NoRefundEntry)
		}
	case RefundFailed:
		if pending {
			return to(7, ep.RefundCancelled, NoRefundEntry)
		}
	case RefundBounced:
		switch {
		case pending:
			return to(8, ep.RefundBounced, NoRefundEntry)
		case st == ep.RefundPaid || st == ep.RefundSettled:
			return to(9, ep.RefundBounced, RefundReturned)
		}
	case RefundFundsReturned:
		if st == ep.RefundPaid || st == ep.RefundSettled {
			return to(9, ep.RefundFundsReturned, RefundReturned)
		}
	}
	return RefundResult{State: s, Row: 10}
}

// refundEventKinds lists every refund event kind.
var refundEventKinds = []RefundEventKind{RefundRequestedManual, RefundRequestedProvider, RefundAccepted, RefundSubmitted,
	RefundPaid, RefundSettledOnPayout, RefundFailed, RefundBounced, RefundFundsReturned}
