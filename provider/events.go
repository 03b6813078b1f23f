package provider

import (
	"encoding/json"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/lifecycle"
)

// PaymentEvent maps a provider event about a payment to the collection event of the §6.5 state
// machine, by the provider event mapping of §6.5 (OP-20); false for an action with no meaning
// for a collection (recorded and ignored). family is the family the provider (or the sandbox
// standing in for it) belongs to.
func PaymentEvent(family ep.Family, e Event) (lifecycle.Event, bool) {
	if e.Resource != ResourcePayment {
		return lifecycle.Event{}, false
	}
	switch family {
	case ep.FamilyGoCardless:
		return goCardlessPayment(e)
	case ep.FamilyStripe:
		return stripePayment(e)
	}
	return lifecycle.Event{}, false
}

func goCardlessPayment(e Event) (lifecycle.Event, bool) {
	accepted := func(s ep.ThirdPartyPaymentStatus) lifecycle.Event {
		return lifecycle.Event{Kind: lifecycle.Accepted, Reported: s}
	}
	kinds := map[string]lifecycle.EventKind{
		"customer_approval_granted": lifecycle.ApprovalGranted,
		"customer_approval_denied":  lifecycle.ApprovalDenied,
		"submitted":                 lifecycle.Submitted,
		"confirmed":                 lifecycle.Confirmed,
		"paid_out":                  lifecycle.PaidOut,
		"cancelled":                 lifecycle.Cancelled,
		"charged_back":              lifecycle.ChargedBack,
		"chargeback_cancelled":      lifecycle.ChargebackCancelled,
		"chargeback_settled":        lifecycle.ChargebackSettled,
		"late_failure_settled":      lifecycle.LateFailureSettled,
		"resubmission_requested":    lifecycle.ResubmissionAsked,
		"surcharge_fee_debited":     lifecycle.SurchargeFeeDebited,
		"surcharge_fee_credited":    lifecycle.SurchargeFeeCredited,
	}
	switch e.Action {
	case "created":
		return accepted(ep.PayCreated), true
	case "failed":
		var d struct {
			Details struct {
				WillAttemptRetry bool `json:"will_attempt_retry"`
			} `json:"details"`
		}
		_ = json.Unmarshal(e.Raw, &d) // an unreadable detail: a plain failure
		return lifecycle.Event{Kind: lifecycle.Failed, WillRetry: d.Details.WillAttemptRetry}, true
	}
	if k, ok := kinds[e.Action]; ok {
		return lifecycle.Event{Kind: k}, true
	}
	return lifecycle.Event{}, false
}

// stripePayments maps Stripe event types that need no detail.
var stripePayments = map[string]lifecycle.Event{
	"payment_intent.created":         {Kind: lifecycle.Accepted, Reported: ep.PayCreated},
	"payment_intent.requires_action": {Kind: lifecycle.Accepted, Reported: ep.PayPendingCustomerApproval},
	"payment_intent.processing":      {Kind: lifecycle.Submitted},
	"payment_intent.succeeded":       {Kind: lifecycle.Confirmed},
	"payout.paid":                    {Kind: lifecycle.PaidOut},
	"payment_intent.payment_failed":  {Kind: lifecycle.Failed},
	"payment_intent.canceled":        {Kind: lifecycle.Cancelled},
	"charge.dispute.created":         {Kind: lifecycle.ChargedBack},
}

func stripePayment(e Event) (lifecycle.Event, bool) {
	if le, ok := stripePayments[e.Action]; ok {
		return le, true
	}
	if e.Action != "charge.dispute.closed" {
		return lifecycle.Event{}, false
	}
	if status, ok := stripeObjectStatus(e.Raw); ok {
		switch status {
		case "won":
			return lifecycle.Event{Kind: lifecycle.ChargebackCancelled}, true
		case "lost":
			return lifecycle.Event{Kind: lifecycle.ChargebackSettled}, true
		}
	}
	return lifecycle.Event{}, false
}

// RefundEvent maps a provider event about a refund to the event of §6.6's refund lifecycle;
// false for an action with no meaning for a refund.
func RefundEvent(family ep.Family, e Event) (lifecycle.RefundEventKind, bool) {
	if e.Resource != ResourceRefund {
		return "", false
	}
	switch family {
	case ep.FamilyGoCardless:
		k, ok := map[string]lifecycle.RefundEventKind{
			"created":        lifecycle.RefundAccepted,
			"pending":        lifecycle.RefundAccepted,
			"paid":           lifecycle.RefundPaid,
			"refund_settled": lifecycle.RefundSettledOnPayout,
			"failed":         lifecycle.RefundFailed,
			"cancelled":      lifecycle.RefundFailed,
			"bounced":        lifecycle.RefundBounced,
			"funds_returned": lifecycle.RefundFundsReturned,
		}[e.Action]
		return k, ok
	case ep.FamilyStripe:
		if e.Action != "refund.updated" && e.Action != "refund.created" && e.Action != "charge.refund.updated" {
			return "", false
		}
		status, ok := stripeObjectStatus(e.Raw)
		if !ok {
			return "", false
		}
		k, ok := map[string]lifecycle.RefundEventKind{
			"pending":   lifecycle.RefundAccepted,
			"succeeded": lifecycle.RefundPaid,
			"failed":    lifecycle.RefundFailed,
			"canceled":  lifecycle.RefundFailed,
		}[status]
		return k, ok
	}
	return "", false
}

// stripeObjectStatus is the status of a Stripe event's object (a dispute's, a refund's).
func stripeObjectStatus(raw []byte) (string, bool) {
	var d struct {
		Data struct {
			Object struct {
				Status string `json:"status"`
			} `json:"object"`
		} `json:"data"`
	}
	if json.Unmarshal(raw, &d) != nil {
		return "", false
	}
	return d.Data.Object.Status, true
}
