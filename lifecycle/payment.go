// Package lifecycle holds the state machines of provider collections (spec §6.5) and provider
// refunds (§6.6): pure functions from a state and a provider-neutral event to the next state and
// its ledger effect, no I/O. The collection engine (jobs, webhooks, the reconciler) loads a
// payment's state, applies each event with Apply inside the transaction that posts the effect,
// and stores the result, so the rules about money — a PAYMENT is posted at most once and only
// reversed after it was posted; nothing leaves a final state — live here, once, and are
// property-tested against every sequence of events (duplicated, reordered, late).
package lifecycle

import (
	"slices"

	ep "github.com/elevatepay/elevatepay"
)

// EventKind is what happened to a collection: the result of our submission (the first six) or
// an event reported by the provider (the rest), mapped from GoCardless or Stripe by the adapter
// (§6.5, "Provider event mapping").
type EventKind string

// The collection events.
const (
	Requested            EventKind = "requested"             // a collection was asked for (row 1)
	Accepted             EventKind = "accepted"              // the provider took our submission; Event.Reported says as what (row 2)
	Unreachable          EventKind = "unreachable"           // network errors, time-outs, 5xx or 429 after all retries, or our credentials refused (row 3)
	Reprocess            EventKind = "reprocess"             // POST /payment-provider-reprocess (row 4)
	Rejected             EventKind = "rejected"              // the provider refused the payment (a 4xx) (row 5)
	TypeUnsupported      EventKind = "type_unsupported"      // the payment type is not supported (row 6)
	TypeUnauthorised     EventKind = "type_unauthorised"     // the creditor may not use the payment type (row 6)
	ApprovalMissing      EventKind = "approval_missing"      // no usable mandate or saved payment method (row 7)
	ApprovalGranted      EventKind = "approval_granted"      // row 8
	ApprovalDenied       EventKind = "approval_denied"       // the payer refused, or the window expired (row 9)
	Submitted            EventKind = "submitted"             // rows 10 and 15
	Confirmed            EventKind = "confirmed"             // row 11
	PaidOut              EventKind = "paid_out"              // rows 12 and 13
	Failed               EventKind = "failed"                // rows 14, 16, 17 (Event.WillRetry: the provider will retry)
	LateFailureSettled   EventKind = "late_failure_settled"  // row 18
	ChargedBack          EventKind = "charged_back"          // row 19
	ChargebackCancelled  EventKind = "chargeback_cancelled"  // row 20
	ChargebackSettled    EventKind = "chargeback_settled"    // row 21
	ResubmissionAsked    EventKind = "resubmission_asked"    // row 22
	Cancelled            EventKind = "cancelled"             // row 23
	RefundCreated        EventKind = "refund_created"        // a provider refund against this payment (row 24)
	RefundSettled        EventKind = "refund_settled"        // that refund settled (row 25; Event.FullyRefunded)
	RefundUndone         EventKind = "refund_undone"         // that refund was cancelled or bounced before settling (row 26)
	SurchargeFeeDebited  EventKind = "surcharge_fee_debited" // row 27
	SurchargeFeeCredited EventKind = "surcharge_fee_credited"
)

// Event is one event about a collection.
type Event struct {
	Kind EventKind
	// Reported, for Accepted, is the state the provider reports the payment in: CREATED,
	// PENDING_CUSTOMER_APPROVAL, PENDING_SUBMISSION, SUBMITTED or CONFIRMED.
	Reported ep.ThirdPartyPaymentStatus
	// WillRetry, for Failed: the provider will retry the collection itself.
	WillRetry bool
	// FullyRefunded, for RefundSettled: the payment's settled refunds now equal its amount.
	FullyRefunded bool
}

// State is what Apply needs to know of a collection: its status and three facts the status
// alone does not tell.
type State struct {
	Status ep.ThirdPartyPaymentStatus // "" before the collection is requested
	// Sent: the provider knows the payment (it accepted our submission, or reported on it).
	// Rows 2–7, our submission's outcomes, apply only to a PENDING_SUBMISSION not yet sent.
	Sent bool
	// LateFailure: FAILED after a confirmation (row 17), which row 18 can settle.
	LateFailure bool
	// BeforeRefund: the status a REFUND_PENDING payment returns to if its refund is undone (row 26).
	BeforeRefund ep.ThirdPartyPaymentStatus
	// Posted: a PAYMENT of this collection is on the ledger and not reversed.
	Posted bool
}

// Ledger is the ledger effect of a transition.
type Ledger int

// The ledger effects.
const (
	NoEntry  Ledger = iota
	Payment         // a PAYMENT entry of the payment's amount (+)
	Reversal        // a PAYMENT_REVERSED entry of the payment's amount (−)
)

// Result is the outcome of Apply.
type Result struct {
	State  State
	Ledger Ledger
	// Row is the row of §6.5 that applied; 27 and 28 leave the state unchanged (the caller
	// records the event on the payment, metaData.events, either way).
	Row int
	// PaymentDate: the payment's paymentDate becomes the event's date (a confirmation).
	PaymentDate bool
}

// Moved reports whether the event changed the collection's state.
func (r Result) Moved() bool { return r.Row != 27 && r.Row != 28 }

// The state classes of §6.5.
var (
	// inFlight is §6.5's "in flight".
	inFlight = []ep.ThirdPartyPaymentStatus{ep.PayNew, ep.PayCreated, ep.PayPendingCustomerApproval, ep.PayCustomerApprovalGranted,
		ep.PayPendingSubmission, ep.PaySubmitted, ep.PayFailedRetrying}
	// acceptedAs are the states an acceptance may report (row 2).
	acceptedAs = []ep.ThirdPartyPaymentStatus{ep.PayCreated, ep.PayPendingCustomerApproval, ep.PayPendingSubmission, ep.PaySubmitted, ep.PayConfirmed}
)

// refusals are our submission's answers that end a collection not yet sent (rows 5–7).
var refusals = map[EventKind]struct {
	row int
	to  ep.ThirdPartyPaymentStatus
}{
	Rejected:         {5, ep.PayFailed},
	TypeUnsupported:  {6, ep.PayUnsupportedPaymentType},
	TypeUnauthorised: {6, ep.PayUnauthorisedPaymentType},
	ApprovalMissing:  {7, ep.PayCustomerApprovalMissing},
}

func in(s ep.ThirdPartyPaymentStatus, set ...ep.ThirdPartyPaymentStatus) bool {
	return slices.Contains(set, s)
}

// Apply returns what event e does to a collection in state s (§6.5). It never fails: an event
// with no row for the state changes nothing (row 28), whatever its order or how often it comes.
func Apply(s State, e Event) Result {
	st := s.Status
	to := func(row int, status ep.ThirdPartyPaymentStatus) Result {
		n := s
		n.Status, n.Sent = status, true
		return Result{State: n, Row: row}
	}
	notSent := st == ep.PayPendingSubmission && !s.Sent
	switch e.Kind {
	case Requested:
		if st == "" {
			r := to(1, ep.PayPendingSubmission)
			r.State.Sent = false
			return r
		}
	case Accepted:
		if notSent && in(e.Reported, acceptedAs...) {
			r := to(2, e.Reported)
			if e.Reported == ep.PayConfirmed {
				r = post(r)
				r.PaymentDate = true
			}
			return r
		}
		// The provider's own events got here first (a webhook before our submission's
		// answer): an acceptance then says no more than the event of the state it reports.
		switch {
		case s.Sent && e.Reported == ep.PaySubmitted:
			return Apply(s, Event{Kind: Submitted})
		case s.Sent && e.Reported == ep.PayConfirmed:
			return Apply(s, Event{Kind: Confirmed})
		}
	case Unreachable:
		if notSent {
			r := to(3, ep.PayUnsent)
			r.State.Sent = false
			return r
		}
	case Reprocess:
		if st == ep.PayUnsent {
			r := to(4, ep.PayPendingSubmission)
			r.State.Sent = false
			return r
		}
	case Rejected, TypeUnsupported, TypeUnauthorised, ApprovalMissing:
		if o := refusals[e.Kind]; notSent {
			return to(o.row, o.to)
		}
	case ApprovalGranted:
		if st == ep.PayPendingCustomerApproval {
			return to(8, ep.PayCustomerApprovalGranted)
		}
	case ApprovalDenied:
		if st == ep.PayPendingCustomerApproval {
			return to(9, ep.PayCustomerApprovalDenied)
		}
	case Submitted:
		switch {
		case in(st, ep.PayNew, ep.PayCreated, ep.PayCustomerApprovalGranted, ep.PayPendingSubmission):
			return to(10, ep.PaySubmitted)
		case st == ep.PayFailedRetrying:
			return to(15, ep.PaySubmitted)
		}
	case Confirmed:
		if in(st, inFlight...) {
			r := post(to(11, ep.PayConfirmed))
			r.PaymentDate = true
			return r
		}
	case PaidOut:
		switch {
		case st == ep.PayConfirmed:
			return to(12, ep.PayPaidOut)
		case in(st, inFlight...):
			return post(to(13, ep.PayPaidOut))
		}
	case Failed:
		switch {
		case e.WillRetry && in(st, ep.PaySubmitted, ep.PayPendingSubmission):
			return to(14, ep.PayFailedRetrying)
		case in(st, inFlight...):
			return to(16, ep.PayFailed)
		case in(st, ep.PayConfirmed, ep.PayPaidOut):
			r := reverse(to(17, ep.PayFailed))
			r.State.LateFailure = true
			return r
		}
	case LateFailureSettled:
		if st == ep.PayFailed && s.LateFailure {
			return to(18, ep.PayLateFailureSettled)
		}
	case ChargedBack:
		if in(st, ep.PayConfirmed, ep.PayPaidOut, ep.PayChargebackCancelled, ep.PayRefundPending, ep.PayPartiallyRefunded, ep.PayRefunded) {
			r := reverse(to(19, ep.PayChargedBack))
			r.State.BeforeRefund = ""
			return r
		}
	case ChargebackCancelled:
		if st == ep.PayChargedBack {
			return post(to(20, ep.PayChargebackCancelled))
		}
	case ChargebackSettled:
		if st == ep.PayChargedBack {
			return to(21, ep.PayChargebackSettled)
		}
	case ResubmissionAsked:
		if in(st, inFlight...) || st == ep.PayFailed {
			return to(22, ep.PayResubmissionRequested)
		}
	case Cancelled:
		if in(st, ep.PayNew, ep.PayCreated, ep.PayPendingCustomerApproval, ep.PayPendingSubmission, ep.PaySubmitted) {
			r := to(23, ep.PayCancelled)
			r.State.Sent = s.Sent
			return r
		}
	case RefundCreated:
		if in(st, ep.PayConfirmed, ep.PayPaidOut, ep.PayChargebackCancelled, ep.PayPartiallyRefunded) {
			r := to(24, ep.PayRefundPending)
			r.State.BeforeRefund = st
			return r
		}
	case RefundSettled:
		if st == ep.PayRefundPending {
			status := ep.PayPartiallyRefunded
			if e.FullyRefunded {
				status = ep.PayRefunded
			}
			r := to(25, status)
			r.State.BeforeRefund = ""
			return r
		}
	case RefundUndone:
		if st == ep.PayRefundPending && s.BeforeRefund != "" {
			r := to(26, s.BeforeRefund)
			r.State.BeforeRefund = ""
			return r
		}
	case SurchargeFeeDebited, SurchargeFeeCredited:
		return Result{State: s, Row: 27}
	}
	return Result{State: s, Row: 28}
}

// post adds the PAYMENT of a transition into a collected state; a collection whose PAYMENT is
// already on the ledger gets none (no table row allows that, but the guard makes a second one
// impossible whatever the rows say).
func post(r Result) Result {
	if !r.State.Posted {
		r.State.Posted, r.Ledger = true, Payment
	}
	return r
}

// reverse adds the PAYMENT_REVERSED of a transition out of a collected state, only when a
// PAYMENT is there to reverse.
func reverse(r Result) Result {
	if r.State.Posted {
		r.State.Posted, r.Ledger = false, Reversal
	}
	return r
}

// Final reports whether no event moves a collection in status s any more.
func Final(s State) bool {
	for _, k := range eventKinds {
		for _, e := range variants(k) {
			if Apply(s, e).Moved() {
				return false
			}
		}
	}
	return true
}

// eventKinds lists every collection event kind.
var eventKinds = []EventKind{Requested, Accepted, Unreachable, Reprocess, Rejected, TypeUnsupported, TypeUnauthorised,
	ApprovalMissing, ApprovalGranted, ApprovalDenied, Submitted, Confirmed, PaidOut, Failed, LateFailureSettled,
	ChargedBack, ChargebackCancelled, ChargebackSettled, ResubmissionAsked, Cancelled, RefundCreated, RefundSettled,
	RefundUndone, SurchargeFeeDebited, SurchargeFeeCredited}

// variants are the events of kind k with each value of its fields.
func variants(k EventKind) []Event {
	switch k {
	case Accepted:
		var es []Event
		for _, r := range acceptedAs {
			es = append(es, Event{Kind: k, Reported: r})
		}
		return es
	case Failed:
		return []Event{{Kind: k}, {Kind: k, WillRetry: true}}
	case RefundSettled:
		return []Event{{Kind: k}, {Kind: k, FullyRefunded: true}}
	}
	return []Event{{Kind: k}}
}
