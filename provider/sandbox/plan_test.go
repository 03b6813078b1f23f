package sandbox

import (
	"fmt"
	"testing"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/lifecycle"
	"github.com/elevatepay/elevatepay/provider"
)

// events turns a plan into the provider events the sandbox would send, in family's words.
func events(t *testing.T, family ep.Family, resource string, plan []Step) []provider.Event {
	t.Helper()
	var out []provider.Event
	for i, s := range plan {
		e := provider.Event{ID: fmt.Sprint("EV", i), Resource: resource, Action: s.Action, Raw: []byte(fmt.Sprintf(`{"details":{"will_attempt_retry":%v}}`, s.WillRetry))}
		if family == ep.FamilyStripe {
			typ, status, ok := StripeAction(resource, s.Action)
			if !ok {
				continue // no such Stripe event
			}
			e.Action, e.Raw = typ, []byte(`{"data":{"object":{"status":"`+status+`"}}}`)
		}
		out = append(out, e)
	}
	return out
}

// TestSandboxContractPayments: each marker's plan, sent as its family's events and applied by
// the state machine, ends where the sandbox contract says, with the ledger effects to match.
func TestSandboxContractPayments(t *testing.T) {
	for _, tc := range []struct {
		description string
		family      ep.Family
		final       ep.ThirdPartyPaymentStatus
		payments    int // PAYMENTs minus reversals at the end
		entries     int // ledger entries in all
	}{
		{"March bill", ep.FamilyGoCardless, ep.PayPaidOut, 1, 1},
		{"March bill", ep.FamilyStripe, ep.PayPaidOut, 1, 1},
		{"test sandbox:fail", ep.FamilyGoCardless, ep.PayFailed, 0, 0},
		{"test SANDBOX:FAIL.", ep.FamilyStripe, ep.PayFailed, 0, 0},
		{"sandbox:late-fail", ep.FamilyGoCardless, ep.PayLateFailureSettled, 0, 2},
		{"sandbox:late-fail", ep.FamilyStripe, ep.PayFailed, 0, 2}, // Stripe has no settlement event
		{"sandbox:chargeback", ep.FamilyGoCardless, ep.PayChargedBack, 0, 2},
		{"sandbox:chargeback", ep.FamilyStripe, ep.PayChargedBack, 0, 2},
		{"not sandbox:failing", ep.FamilyGoCardless, ep.PayPaidOut, 1, 1}, // a marker is a whole word
	} {
		s := lifecycle.Apply(lifecycle.State{}, lifecycle.Event{Kind: lifecycle.Requested}).State
		s = lifecycle.Apply(s, lifecycle.Event{Kind: lifecycle.Accepted, Reported: ep.PaySubmitted}).State
		net, entries := 0, 0
		var last time.Duration
		for _, e := range events(t, tc.family, provider.ResourcePayment, PaymentPlan(tc.description, 0)) {
			le, ok := provider.PaymentEvent(tc.family, e)
			if !ok {
				t.Fatalf("%s (%s): the sandbox sends %q, which maps to nothing", tc.description, tc.family, e.Action)
			}
			r := lifecycle.Apply(s, le)
			if !r.Moved() {
				t.Errorf("%s (%s): %s did not move %s", tc.description, tc.family, e.Action, s.Status)
			}
			switch r.Ledger {
			case lifecycle.Payment:
				net, entries = net+1, entries+1
			case lifecycle.Reversal:
				net, entries = net-1, entries+1
			}
			s = r.State
		}
		for _, st := range PaymentPlan(tc.description, 0) {
			if st.After <= last {
				t.Errorf("%s: steps not in time order", tc.description)
			}
			last = st.After
		}
		if s.Status != tc.final || net != tc.payments || entries != tc.entries {
			t.Errorf("%s (%s): ends %s, net PAYMENTs %d, entries %d; want %s, %d, %d", tc.description, tc.family, s.Status, net, entries, tc.final, tc.payments, tc.entries)
		}
	}
	if !CancelRefused("please sandbox:cancel-refused") || CancelRefused("March bill") {
		t.Error("CancelRefused")
	}
	if p := PaymentPlan("x", 3*time.Second); p[0].After != 3*time.Second || p[1].After != 6*time.Second {
		t.Errorf("confirmAfter: %+v", p)
	}
}

// TestSandboxContractRefunds: a refund is paid (its REFUND entry), and with the bounce marker
// bounces after that (the money back as a BALANCE_ADJUSTMENT), for both families.
func TestSandboxContractRefunds(t *testing.T) {
	for _, tc := range []struct {
		description string
		family      ep.Family
		final       ep.RefundStatus
		effects     []lifecycle.RefundLedger
	}{
		{"refund", ep.FamilyGoCardless, ep.RefundPaid, []lifecycle.RefundLedger{lifecycle.RefundEntry}},
		{"refund", ep.FamilyStripe, ep.RefundPaid, []lifecycle.RefundLedger{lifecycle.RefundEntry}},
		{"refund sandbox:refund-bounce", ep.FamilyGoCardless, ep.RefundBounced, []lifecycle.RefundLedger{lifecycle.RefundEntry, lifecycle.RefundReturned}},
	} {
		s := lifecycle.ApplyRefund(lifecycle.RefundState{}, lifecycle.RefundRequestedProvider).State
		var effects []lifecycle.RefundLedger
		for _, e := range events(t, tc.family, provider.ResourceRefund, RefundPlan(tc.description, 0)) {
			k, ok := provider.RefundEvent(tc.family, e)
			if !ok {
				t.Fatalf("%s (%s): %q maps to nothing", tc.description, tc.family, e.Action)
			}
			r := lifecycle.ApplyRefund(s, k)
			if r.Ledger != lifecycle.NoRefundEntry {
				effects = append(effects, r.Ledger)
			}
			s = r.State
		}
		if s.Status != tc.final || fmt.Sprint(effects) != fmt.Sprint(tc.effects) {
			t.Errorf("%s (%s): ends %s with %v; want %s with %v", tc.description, tc.family, s.Status, effects, tc.final, tc.effects)
		}
	}
}
