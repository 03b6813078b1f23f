package lifecycle

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	ep "github.com/elevatepay/elevatepay"
)

// sent is a collection the provider knows, in status st.
func sent(st ep.ThirdPartyPaymentStatus) State { return State{Status: st, Sent: true} }

// posted is a collection in a collected status, its PAYMENT on the ledger.
func posted(st ep.ThirdPartyPaymentStatus) State { return State{Status: st, Sent: true, Posted: true} }

var notSent = State{Status: ep.PayPendingSubmission}

// paymentRow is one case of a row of §6.5.
type paymentRow struct {
	from   State
	event  Event
	to     ep.ThirdPartyPaymentStatus
	ledger Ledger
}

// paymentRows: every row of the §6.5 table, each with every "from" state it lists.
var paymentRows = map[int][]paymentRow{
	1: {{State{}, Event{Kind: Requested}, ep.PayPendingSubmission, NoEntry}},
	2: {
		{notSent, Event{Kind: Accepted, Reported: ep.PayCreated}, ep.PayCreated, NoEntry},
		{notSent, Event{Kind: Accepted, Reported: ep.PayPendingCustomerApproval}, ep.PayPendingCustomerApproval, NoEntry},
		{notSent, Event{Kind: Accepted, Reported: ep.PayPendingSubmission}, ep.PayPendingSubmission, NoEntry},
		{notSent, Event{Kind: Accepted, Reported: ep.PaySubmitted}, ep.PaySubmitted, NoEntry},
		{notSent, Event{Kind: Accepted, Reported: ep.PayConfirmed}, ep.PayConfirmed, Payment},
	},
	3:  {{notSent, Event{Kind: Unreachable}, ep.PayUnsent, NoEntry}},
	4:  {{State{Status: ep.PayUnsent}, Event{Kind: Reprocess}, ep.PayPendingSubmission, NoEntry}},
	5:  {{notSent, Event{Kind: Rejected}, ep.PayFailed, NoEntry}},
	6:  {{notSent, Event{Kind: TypeUnsupported}, ep.PayUnsupportedPaymentType, NoEntry}, {notSent, Event{Kind: TypeUnauthorised}, ep.PayUnauthorisedPaymentType, NoEntry}},
	7:  {{notSent, Event{Kind: ApprovalMissing}, ep.PayCustomerApprovalMissing, NoEntry}},
	8:  {{sent(ep.PayPendingCustomerApproval), Event{Kind: ApprovalGranted}, ep.PayCustomerApprovalGranted, NoEntry}},
	9:  {{sent(ep.PayPendingCustomerApproval), Event{Kind: ApprovalDenied}, ep.PayCustomerApprovalDenied, NoEntry}},
	10: {},
	11: {},
	12: {{posted(ep.PayConfirmed), Event{Kind: PaidOut}, ep.PayPaidOut, NoEntry}},
	13: {},
	14: {{sent(ep.PaySubmitted), Event{Kind: Failed, WillRetry: true}, ep.PayFailedRetrying, NoEntry}, {sent(ep.PayPendingSubmission), Event{Kind: Failed, WillRetry: true}, ep.PayFailedRetrying, NoEntry}},
	15: {{sent(ep.PayFailedRetrying), Event{Kind: Submitted}, ep.PaySubmitted, NoEntry}},
	16: {},
	17: {{posted(ep.PayConfirmed), Event{Kind: Failed}, ep.PayFailed, Reversal}, {posted(ep.PayPaidOut), Event{Kind: Failed}, ep.PayFailed, Reversal}},
	18: {{State{Status: ep.PayFailed, Sent: true, LateFailure: true}, Event{Kind: LateFailureSettled}, ep.PayLateFailureSettled, NoEntry}},
	19: {},
	20: {{sent(ep.PayChargedBack), Event{Kind: ChargebackCancelled}, ep.PayChargebackCancelled, Payment}},
	21: {{sent(ep.PayChargedBack), Event{Kind: ChargebackSettled}, ep.PayChargebackSettled, NoEntry}},
	22: {{sent(ep.PayFailed), Event{Kind: ResubmissionAsked}, ep.PayResubmissionRequested, NoEntry}},
	23: {},
	24: {},
	25: {
		{State{Status: ep.PayRefundPending, Sent: true, Posted: true, BeforeRefund: ep.PayPaidOut}, Event{Kind: RefundSettled, FullyRefunded: true}, ep.PayRefunded, NoEntry},
		{State{Status: ep.PayRefundPending, Sent: true, Posted: true, BeforeRefund: ep.PayPaidOut}, Event{Kind: RefundSettled}, ep.PayPartiallyRefunded, NoEntry},
	},
	26: {
		{State{Status: ep.PayRefundPending, Sent: true, Posted: true, BeforeRefund: ep.PayPaidOut}, Event{Kind: RefundUndone}, ep.PayPaidOut, NoEntry},
		{State{Status: ep.PayRefundPending, Sent: true, Posted: true, BeforeRefund: ep.PayPartiallyRefunded}, Event{Kind: RefundUndone}, ep.PayPartiallyRefunded, NoEntry},
	},
	27: {},
	28: {
		{posted(ep.PayPaidOut), Event{Kind: Confirmed}, ep.PayPaidOut, NoEntry},                           // a late confirmation
		{sent(ep.PayCancelled), Event{Kind: Submitted}, ep.PayCancelled, NoEntry},                         // out of a final state
		{sent(ep.PaySubmitted), Event{Kind: Accepted, Reported: ep.PayCreated}, ep.PaySubmitted, NoEntry}, // our answer after the provider's event
		{sent(ep.PayFailed), Event{Kind: LateFailureSettled}, ep.PayFailed, NoEntry},                      // no confirmation before the failure
		{sent(ep.PaySubmitted), Event{Kind: Unreachable}, ep.PaySubmitted, NoEntry},                       // a stale submission error
	},
}

func init() {
	// The rows whose "from" is a class: one case per state of it.
	for _, st := range []ep.ThirdPartyPaymentStatus{ep.PayNew, ep.PayCreated, ep.PayCustomerApprovalGranted, ep.PayPendingSubmission} {
		paymentRows[10] = append(paymentRows[10], paymentRow{sent(st), Event{Kind: Submitted}, ep.PaySubmitted, NoEntry})
	}
	for _, st := range inFlight {
		paymentRows[11] = append(paymentRows[11], paymentRow{sent(st), Event{Kind: Confirmed}, ep.PayConfirmed, Payment})
		paymentRows[13] = append(paymentRows[13], paymentRow{sent(st), Event{Kind: PaidOut}, ep.PayPaidOut, Payment})
		paymentRows[16] = append(paymentRows[16], paymentRow{sent(st), Event{Kind: Failed}, ep.PayFailed, NoEntry})
		paymentRows[22] = append(paymentRows[22], paymentRow{sent(st), Event{Kind: ResubmissionAsked}, ep.PayResubmissionRequested, NoEntry})
	}
	paymentRows[11] = append(paymentRows[11], paymentRow{notSent, Event{Kind: Confirmed}, ep.PayConfirmed, Payment}) // a webhook before our submission's answer
	for _, st := range []ep.ThirdPartyPaymentStatus{ep.PayConfirmed, ep.PayPaidOut, ep.PayChargebackCancelled, ep.PayRefundPending, ep.PayPartiallyRefunded, ep.PayRefunded} {
		paymentRows[19] = append(paymentRows[19], paymentRow{posted(st), Event{Kind: ChargedBack}, ep.PayChargedBack, Reversal})
	}
	for _, st := range []ep.ThirdPartyPaymentStatus{ep.PayNew, ep.PayCreated, ep.PayPendingCustomerApproval, ep.PayPendingSubmission, ep.PaySubmitted} {
		paymentRows[23] = append(paymentRows[23], paymentRow{sent(st), Event{Kind: Cancelled}, ep.PayCancelled, NoEntry})
	}
	for _, st := range []ep.ThirdPartyPaymentStatus{ep.PayConfirmed, ep.PayPaidOut, ep.PayChargebackCancelled, ep.PayPartiallyRefunded} {
		paymentRows[24] = append(paymentRows[24], paymentRow{posted(st), Event{Kind: RefundCreated}, ep.PayRefundPending, NoEntry})
	}
	for _, st := range ep.ThirdPartyPaymentStatuses {
		for _, k := range []EventKind{SurchargeFeeDebited, SurchargeFeeCredited} {
			paymentRows[27] = append(paymentRows[27], paymentRow{sent(st), Event{Kind: k}, st, NoEntry})
		}
	}
}

// TestPaymentLifecycleRows: each row of the §6.5 table, by number, from every state it lists.
func TestPaymentLifecycleRows(t *testing.T) {
	for row := 1; row <= 28; row++ {
		cases := paymentRows[row]
		t.Run(fmt.Sprintf("row%02d", row), func(t *testing.T) {
			if len(cases) == 0 {
				t.Fatal("no case for this row")
			}
			for _, c := range cases {
				got := Apply(c.from, c.event)
				if got.State.Status != c.to || got.Ledger != c.ledger || got.Row != row {
					t.Errorf("%+v + %+v = %s, ledger %d, row %d; want %s, ledger %d, row %d",
						c.from, c.event, got.State.Status, got.Ledger, got.Row, c.to, c.ledger, row)
				}
				if got.Moved() != (row != 27 && row != 28) {
					t.Errorf("%+v + %+v: moved = %v", c.from, c.event, got.Moved())
				}
			}
		})
	}
}

// TestPaymentLifecycleDetails: what the table says beside the status.
func TestPaymentLifecycleDetails(t *testing.T) {
	if r := Apply(notSent, Event{Kind: Accepted, Reported: ep.PayConfirmed}); !r.PaymentDate || !r.State.Posted || !r.State.Sent {
		t.Errorf("an acceptance as CONFIRMED: %+v", r)
	}
	if r := Apply(sent(ep.PaySubmitted), Event{Kind: Confirmed}); !r.PaymentDate {
		t.Error("a confirmation does not set the payment date (row 11)")
	}
	r := Apply(posted(ep.PayPaidOut), Event{Kind: Failed})
	if !r.State.LateFailure || r.State.Posted {
		t.Errorf("a late failure: %+v", r.State)
	}
	if r := Apply(r.State, Event{Kind: LateFailureSettled}); r.Row != 18 {
		t.Errorf("a settled late failure after row 17: row %d", r.Row)
	}
	if r := Apply(posted(ep.PayChargebackCancelled), Event{Kind: RefundCreated}); r.State.BeforeRefund != ep.PayChargebackCancelled {
		t.Errorf("a refund remembers %q", r.State.BeforeRefund)
	}
	// Our submission's answer after the provider's events acts as the event of the state it
	// reports: a confirmation is not lost, and is not posted twice.
	r = Apply(sent(ep.PaySubmitted), Event{Kind: Accepted, Reported: ep.PayConfirmed})
	if r.Row != 11 || r.Ledger != Payment {
		t.Errorf("an acceptance as CONFIRMED of a submitted payment: %+v", r)
	}
	if r := Apply(r.State, Event{Kind: Accepted, Reported: ep.PayConfirmed}); r.Moved() || r.Ledger != NoEntry {
		t.Errorf("a second acceptance as CONFIRMED: %+v", r)
	}
	if r := Apply(State{Status: ep.PayUnsent}, Event{Kind: Reprocess}); r.State.Sent {
		t.Error("a reprocessed collection counts as sent")
	}
}

// finalStatuses are the statuses with no way out in the table.
var finalStatuses = []ep.ThirdPartyPaymentStatus{ep.PayCancelled, ep.PayCustomerApprovalDenied, ep.PayLateFailureSettled,
	ep.PayChargebackSettled, ep.PayResubmissionRequested, ep.PayUnsupportedPaymentType, ep.PayUnauthorisedPaymentType,
	ep.PayCustomerApprovalMissing}

// TestFinalStates: exactly the statuses without an outgoing row are final.
func TestFinalStates(t *testing.T) {
	for _, st := range ep.ThirdPartyPaymentStatuses {
		s := sent(st)
		if st.Collected() {
			s.Posted = true
		}
		if st == ep.PayRefundPending {
			s.BeforeRefund = ep.PayPaidOut
		}
		if got, want := Final(s), slices.Contains(finalStatuses, st) || st == ep.PayManuallyPaid || st.Class() == ep.ClassInfo; got != want {
			t.Errorf("Final(%s) = %v, want %v", st, got, want)
		}
	}
}

// event draws any collection event, those that move a collection along its usual paths (and
// back) five times as often as those that end it, so sequences reach the collected states and
// their reversals instead of stopping at the first cancellation.
func event() *rapid.Generator[Event] {
	kinds := slices.Clone(eventKinds)
	for range 4 {
		kinds = append(kinds, Accepted, Submitted, Confirmed, PaidOut, Failed, ChargedBack, ChargebackCancelled,
			RefundCreated, RefundSettled, RefundUndone, LateFailureSettled, Reprocess, Unreachable)
	}
	return rapid.Custom(func(t *rapid.T) Event {
		k := rapid.SampledFrom(kinds).Draw(t, "kind")
		return rapid.SampledFrom(variants(k)).Draw(t, "event")
	})
}

// TestPaymentLifecycleProperties: from a requested collection, any sequence of events —
// duplicated, reordered, late, from any source — keeps the ledger right: the PAYMENTs posted
// minus the reversals are 0 or 1, and 1 exactly when the status is a collected one; a reversal
// never comes before its PAYMENT; and nothing leaves a final state.
func TestPaymentLifecycleProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Each check is one collection's whole life.
		s := Apply(State{}, Event{Kind: Requested}).State
		net := 0
		events := rapid.SliceOfN(event(), 1, 60).Draw(t, "events")
		for i, e := range events {
			wasFinal := Final(s)
			r := Apply(s, e)
			switch r.Ledger {
			case Payment:
				net++
			case Reversal:
				net--
			}
			if net < 0 || net > 1 {
				t.Fatalf("event %d (%+v) from %+v: net PAYMENTs %d", i, e, s, net)
			}
			if (net == 1) != r.State.Posted || r.State.Posted != r.State.Status.Collected() {
				t.Fatalf("event %d (%+v) from %+v to %+v: net PAYMENTs %d, posted %v, status collected %v",
					i, e, s, r.State, net, r.State.Posted, r.State.Status.Collected())
			}
			if wasFinal && r.State != s {
				t.Fatalf("event %d (%+v) moved %+v, a final state, to %+v", i, e, s, r.State)
			}
			if !r.Moved() && r.State != s {
				t.Fatalf("event %d (%+v): row %d changed the state", i, e, r.Row)
			}
			if r.Moved() && !slices.Contains(ep.ThirdPartyPaymentStatuses, r.State.Status) {
				t.Fatalf("event %d: status %q outside the contract", i, r.State.Status)
			}
			s = r.State
		}
	})
}
