package lifecycle

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	ep "github.com/elevatepay/elevatepay"
)

type refundRow struct {
	from   RefundState
	event  RefundEventKind
	to     ep.RefundStatus
	ledger RefundLedger
}

var (
	pendingRefunds = []ep.RefundStatus{ep.RefundCreated, ep.RefundPendingSubmission, ep.RefundSubmitted}
	paidRefunds    = []RefundState{{Status: ep.RefundPaid, Posted: true}, {Status: ep.RefundSettled, Posted: true}}
)

// refundRows: every row of §6.6's refund lifecycle, each with every "from" state it lists.
func refundRows() map[int][]refundRow {
	rows := map[int][]refundRow{
		1: {{RefundState{}, RefundRequestedManual, ep.RefundManuallyRefunded, RefundEntry}},
		2: {{RefundState{}, RefundRequestedProvider, ep.RefundCreated, NoRefundEntry}},
		3: {{RefundState{Status: ep.RefundCreated}, RefundAccepted, ep.RefundPendingSubmission, NoRefundEntry}},
		4: {{RefundState{Status: ep.RefundCreated}, RefundSubmitted, ep.RefundSubmitted, NoRefundEntry},
			{RefundState{Status: ep.RefundPendingSubmission}, RefundSubmitted, ep.RefundSubmitted, NoRefundEntry}},
		6: {{RefundState{Status: ep.RefundPaid, Posted: true}, RefundSettledOnPayout, ep.RefundSettled, NoRefundEntry}},
		10: {
			{RefundState{Status: ep.RefundManuallyRefunded, Posted: true}, RefundBounced, ep.RefundManuallyRefunded, NoRefundEntry},
			{RefundState{Status: ep.RefundCancelled}, RefundPaid, ep.RefundCancelled, NoRefundEntry},     // a late payment of a cancelled refund
			{RefundState{Status: ep.RefundPaid, Posted: true}, RefundPaid, ep.RefundPaid, NoRefundEntry}, // a duplicate
			{RefundState{Status: ep.RefundSubmitted}, RefundAccepted, ep.RefundSubmitted, NoRefundEntry},
			{RefundState{Status: ep.RefundBounced}, RefundFundsReturned, ep.RefundBounced, NoRefundEntry},
		},
	}
	for _, st := range pendingRefunds {
		from := RefundState{Status: st}
		rows[5] = append(rows[5], refundRow{from, RefundPaid, ep.RefundPaid, RefundEntry})
		rows[7] = append(rows[7], refundRow{from, RefundFailed, ep.RefundCancelled, NoRefundEntry})
		rows[8] = append(rows[8], refundRow{from, RefundBounced, ep.RefundBounced, NoRefundEntry})
	}
	for _, from := range paidRefunds {
		rows[9] = append(rows[9], refundRow{from, RefundBounced, ep.RefundBounced, RefundReturned},
			refundRow{from, RefundFundsReturned, ep.RefundFundsReturned, RefundReturned})
	}
	return rows
}

// TestRefundLifecycleRows: each row of §6.6's refund lifecycle, by number, from every state it
// lists.
func TestRefundLifecycleRows(t *testing.T) {
	rows := refundRows()
	for row := 1; row <= 10; row++ {
		t.Run(fmt.Sprintf("row%02d", row), func(t *testing.T) {
			if len(rows[row]) == 0 {
				t.Fatal("no case for this row")
			}
			for _, c := range rows[row] {
				got := ApplyRefund(c.from, c.event)
				if got.State.Status != c.to || got.Ledger != c.ledger || got.Row != row {
					t.Errorf("%+v + %s = %s, ledger %d, row %d; want %s, ledger %d, row %d", c.from, c.event, got.State.Status, got.Ledger, got.Row, c.to, c.ledger, row)
				}
			}
		})
	}
}

// TestRefundLifecycleProperties: from a requested refund, any sequence of events keeps the
// ledger right: at most one REFUND, a return only after it and at most once, and the refund's
// money is out exactly while its status says it was settled.
func TestRefundLifecycleProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		first := rapid.SampledFrom([]RefundEventKind{RefundRequestedManual, RefundRequestedProvider}).Draw(t, "request")
		r := ApplyRefund(RefundState{}, first)
		s := r.State
		refunds, returns := 0, 0
		if r.Ledger == RefundEntry {
			refunds++
		}
		kinds := slices.Clone(refundEventKinds)
		kinds = append(kinds, RefundAccepted, RefundSubmitted, RefundPaid, RefundSettledOnPayout, RefundBounced, RefundPaid, RefundSubmitted)
		for i, k := range rapid.SliceOfN(rapid.SampledFrom(kinds), 1, 40).Draw(t, "events") {
			r := ApplyRefund(s, k)
			switch r.Ledger {
			case RefundEntry:
				refunds++
			case RefundReturned:
				returns++
			}
			if refunds > 1 || returns > refunds {
				t.Fatalf("event %d (%s) from %+v: %d REFUNDs, %d returns", i, k, s, refunds, returns)
			}
			if out := refunds-returns == 1; out != r.State.Posted || out != r.State.Status.Settled() {
				t.Fatalf("event %d (%s) from %+v to %+v: money out %v, posted %v, settled status %v", i, k, s, r.State, out, r.State.Posted, r.State.Status.Settled())
			}
			if !r.Moved() && r.State != s {
				t.Fatalf("event %d (%s): row 10 changed the state", i, k)
			}
			s = r.State
		}
	})
}
