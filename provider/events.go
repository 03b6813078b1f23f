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

func stripePayment(e Event) (lifecycle.Event, bool) {
	switch e.Action {
	case "payment_intent.created":
		return lifecycle.Event{Kind: lifecycle.Accepted, Reported: ep.PayCreated}, true
	case "payment_intent.requires_action":
		return lifecycle.Event{Kind: lifecycle.Accepted, Reported: ep.PayPendingCustomerApproval}, true
	case "payment_intent.processing":
		return lifecycle.Event{Kind: lifecycle.Submitted}, true
	case "payment_intent.succeeded":
		return lifecycle.Event{Kind: lifecycle.Confirmed}, true
	case "payout.paid":
		return lifecycle.Event{Kind: lifecycle.PaidOut}, true
	case "payment_intent.payment_failed":
		return lifecycle.Event{Kind: lifecycle.Failed}, true
	case "payment_intent.canceled":
		return lifecycle.Event{Kind: lifecycle.Cancelled}, true
	case "charge.dispute.created":
		return lifecycle.Event{Kind: lifecycle.ChargedBack}, true
	case "charge.dispute.closed":
		var d struct {
			Data struct {
				Object struct {
					Status string `json:"status"`
				} `json:"object"`
			} `json:"data"`
		}
		if json.Unmarshal(e.Raw, &d) == nil {
			switch d.Data.Object.Status {
			case "won":
				return lifecycle.Event{Kind: lifecycle.ChargebackCancelled}, true
			case "lost":
				return lifecycle.Event{Kind: lifecycle.ChargebackSettled}, true
			}
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
		var d struct {
			Data struct {
				Object struct {
					Status string `json:"status"`
				} `json:"object"`
			} `json:"data"`
		}
		if json.Unmarshal(e.Raw, &d) != nil {
			return "", false
		}
		k, ok := map[string]lifecycle.RefundEventKind{
			"pending":   lifecycle.RefundAccepted,
			"succeeded": lifecycle.RefundPaid,
			"failed":    lifecycle.RefundFailed,
			"canceled":  lifecycle.RefundFailed,
		}[d.Data.Object.Status]
		return k, ok
	}
	return "", false
}
