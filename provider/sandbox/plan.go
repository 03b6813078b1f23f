package sandbox

import (
	"strings"
	"time"
)

// The sandbox contract: markers in a collection's or refund's description steer what the
// simulated provider does with it, so users' own integration tests can rely on each outcome.
const (
	MarkFail          = "sandbox:fail"           // the collection fails after submission
	MarkLateFail      = "sandbox:late-fail"      // it fails after confirmation (a late failure)
	MarkChargeback    = "sandbox:chargeback"     // it is charged back after confirmation
	MarkCancelRefused = "sandbox:cancel-refused" // the provider refuses to cancel it
	MarkRefundBounce  = "sandbox:refund-bounce"  // a refund bounces after it was paid
)

// DefaultConfirmAfter is how long after submission the sandbox confirms a collection.
const DefaultConfirmAfter = time.Second

// Step is one event the sandbox will send about a resource, After the submission.
type Step struct {
	After  time.Duration
	Action string // in the GoCardless family's words; StripeAction gives the Stripe family's
	// Detail, for a failure: whether the provider will retry (GoCardless will_attempt_retry).
	WillRetry bool
}

// has reports whether description carries marker (case-insensitively, as a whole word).
func has(description, marker string) bool {
	for _, w := range strings.Fields(strings.ToLower(description)) {
		if strings.Trim(w, ".,;()[]") == marker {
			return true
		}
	}
	return false
}

// PaymentPlan is what the sandbox does with a collection whose description is description, in
// GoCardless-family actions: it is accepted as submitted at once, then confirmed after
// confirmAfter and paid out as long again after that — unless a marker steers it elsewhere.
func PaymentPlan(description string, confirmAfter time.Duration) []Step {
	if confirmAfter <= 0 {
		confirmAfter = DefaultConfirmAfter
	}
	c := confirmAfter
	switch {
	case has(description, MarkFail):
		return []Step{{c, "failed", false}}
	case has(description, MarkLateFail):
		return []Step{{c, "confirmed", false}, {2 * c, "paid_out", false}, {3 * c, "failed", false}, {4 * c, "late_failure_settled", false}}
	case has(description, MarkChargeback):
		return []Step{{c, "confirmed", false}, {2 * c, "paid_out", false}, {3 * c, "charged_back", false}}
	}
	return []Step{{c, "confirmed", false}, {2 * c, "paid_out", false}}
}

// CancelRefused reports whether the sandbox refuses to cancel a collection.
func CancelRefused(description string) bool { return has(description, MarkCancelRefused) }

// RefundPlan is what the sandbox does with a refund: paid after confirmAfter (and bounced as
// long again after that with MarkRefundBounce).
func RefundPlan(description string, confirmAfter time.Duration) []Step {
	if confirmAfter <= 0 {
		confirmAfter = DefaultConfirmAfter
	}
	steps := []Step{{confirmAfter, "paid", false}}
	if has(description, MarkRefundBounce) {
		steps = append(steps, Step{2 * confirmAfter, "bounced", false})
	}
	return steps
}

// stripeActions are the Stripe family's words for the GoCardless-family actions of the plans,
// with the status of the event's object where Stripe's event type needs one.
var stripeActions = map[string]struct{ payment, refund, status string }{
	"confirmed":    {payment: "payment_intent.succeeded"},
	"paid_out":     {payment: "payout.paid"},
	"failed":       {payment: "payment_intent.payment_failed", refund: "refund.updated", status: "failed"},
	"charged_back": {payment: "charge.dispute.created"},
	"paid":         {refund: "refund.updated", status: "succeeded"},
}

// StripeAction returns the Stripe family's event type (and its object's status) for a plan's
// action about resource; false where Stripe has no such event (a late failure's settlement, a
// bounced refund: Stripe payments stay where they are, as §6.5's mapping says).
func StripeAction(resource, action string) (eventType, status string, ok bool) {
	a, found := stripeActions[action]
	if !found {
		return "", "", false
	}
	if resource == "refund" {
		return a.refund, a.status, a.refund != ""
	}
	return a.payment, "", a.payment != ""
}
