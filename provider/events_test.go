package provider

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/lifecycle"
)

// TestPaymentEventMapping: every row of §6.5's provider event mapping, for both families.
func TestPaymentEventMapping(t *testing.T) {
	pay := func(action, raw string) Event {
		return Event{Resource: ResourcePayment, Action: action, Raw: []byte(raw)}
	}
	accepted := func(s ep.ThirdPartyPaymentStatus) lifecycle.Event {
		return lifecycle.Event{Kind: lifecycle.Accepted, Reported: s}
	}
	kind := func(k lifecycle.EventKind) lifecycle.Event { return lifecycle.Event{Kind: k} }
	for _, tc := range []struct {
		row    string
		family ep.Family
		event  Event
		want   lifecycle.Event
	}{
		{"accepted / created", ep.FamilyGoCardless, pay("created", `{}`), accepted(ep.PayCreated)},
		{"accepted / created", ep.FamilyStripe, pay("payment_intent.created", `{}`), accepted(ep.PayCreated)},
		{"awaiting approval", ep.FamilyStripe, pay("payment_intent.requires_action", `{}`), accepted(ep.PayPendingCustomerApproval)},
		{"approval granted", ep.FamilyGoCardless, pay("customer_approval_granted", `{}`), kind(lifecycle.ApprovalGranted)},
		{"approval denied", ep.FamilyGoCardless, pay("customer_approval_denied", `{}`), kind(lifecycle.ApprovalDenied)},
		{"submitted", ep.FamilyGoCardless, pay("submitted", `{}`), kind(lifecycle.Submitted)},
		{"submitted", ep.FamilyStripe, pay("payment_intent.processing", `{}`), kind(lifecycle.Submitted)},
		{"confirmed", ep.FamilyGoCardless, pay("confirmed", `{}`), kind(lifecycle.Confirmed)},
		{"confirmed", ep.FamilyStripe, pay("payment_intent.succeeded", `{}`), kind(lifecycle.Confirmed)},
		{"paid out", ep.FamilyGoCardless, pay("paid_out", `{}`), kind(lifecycle.PaidOut)},
		{"paid out", ep.FamilyStripe, pay("payout.paid", `{}`), kind(lifecycle.PaidOut)},
		{"failed (retrying)", ep.FamilyGoCardless, pay("failed", `{"details":{"will_attempt_retry":true}}`), lifecycle.Event{Kind: lifecycle.Failed, WillRetry: true}},
		{"failed", ep.FamilyGoCardless, pay("failed", `{"details":{"will_attempt_retry":false}}`), kind(lifecycle.Failed)},
		{"failed", ep.FamilyStripe, pay("payment_intent.payment_failed", `{}`), kind(lifecycle.Failed)},
		{"cancelled", ep.FamilyGoCardless, pay("cancelled", `{}`), kind(lifecycle.Cancelled)},
		{"cancelled", ep.FamilyStripe, pay("payment_intent.canceled", `{}`), kind(lifecycle.Cancelled)},
		{"charged back", ep.FamilyGoCardless, pay("charged_back", `{}`), kind(lifecycle.ChargedBack)},
		{"charged back", ep.FamilyStripe, pay("charge.dispute.created", `{}`), kind(lifecycle.ChargedBack)},
		{"chargeback cancelled", ep.FamilyGoCardless, pay("chargeback_cancelled", `{}`), kind(lifecycle.ChargebackCancelled)},
		{"chargeback cancelled", ep.FamilyStripe, pay("charge.dispute.closed", `{"data":{"object":{"status":"won"}}}`), kind(lifecycle.ChargebackCancelled)},
		{"chargeback settled", ep.FamilyGoCardless, pay("chargeback_settled", `{}`), kind(lifecycle.ChargebackSettled)},
		{"chargeback settled", ep.FamilyStripe, pay("charge.dispute.closed", `{"data":{"object":{"status":"lost"}}}`), kind(lifecycle.ChargebackSettled)},
		{"late failure settled", ep.FamilyGoCardless, pay("late_failure_settled", `{}`), kind(lifecycle.LateFailureSettled)},
		{"resubmission requested", ep.FamilyGoCardless, pay("resubmission_requested", `{}`), kind(lifecycle.ResubmissionAsked)},
		{"surcharge fee", ep.FamilyGoCardless, pay("surcharge_fee_debited", `{}`), kind(lifecycle.SurchargeFeeDebited)},
		{"surcharge fee", ep.FamilyGoCardless, pay("surcharge_fee_credited", `{}`), kind(lifecycle.SurchargeFeeCredited)},
	} {
		got, ok := PaymentEvent(tc.family, tc.event)
		if !ok || got != tc.want {
			t.Errorf("%s (%s %s): %+v %v, want %+v", tc.row, tc.family, tc.event.Action, got, ok, tc.want)
		}
	}
	for _, tc := range []struct {
		family ep.Family
		event  Event
	}{
		{ep.FamilyGoCardless, pay("payment_intent.succeeded", `{}`)}, // the other family's word
		{ep.FamilyStripe, pay("confirmed", `{}`)},
		{ep.FamilyStripe, pay("charge.dispute.closed", `{"data":{"object":{"status":"warning_closed"}}}`)},
		{ep.FamilyGoCardless, Event{Resource: ResourceRefund, Action: "confirmed"}}, // not about a payment
		{ep.FamilyNone, pay("confirmed", `{}`)},
		{ep.FamilyGoCardless, pay("something_new", `{}`)},
	} {
		if got, ok := PaymentEvent(tc.family, tc.event); ok {
			t.Errorf("%s %s %s mapped to %+v", tc.family, tc.event.Resource, tc.event.Action, got)
		}
	}
}

// TestRefundEventMapping: the provider events of §6.6's refund lifecycle, for both families.
func TestRefundEventMapping(t *testing.T) {
	ref := func(action, raw string) Event {
		return Event{Resource: ResourceRefund, Action: action, Raw: []byte(raw)}
	}
	for _, tc := range []struct {
		family ep.Family
		event  Event
		want   lifecycle.RefundEventKind
	}{
		{ep.FamilyGoCardless, ref("created", `{}`), lifecycle.RefundAccepted},
		{ep.FamilyGoCardless, ref("paid", `{}`), lifecycle.RefundPaid},
		{ep.FamilyGoCardless, ref("refund_settled", `{}`), lifecycle.RefundSettledOnPayout},
		{ep.FamilyGoCardless, ref("failed", `{}`), lifecycle.RefundFailed},
		{ep.FamilyGoCardless, ref("cancelled", `{}`), lifecycle.RefundFailed},
		{ep.FamilyGoCardless, ref("bounced", `{}`), lifecycle.RefundBounced},
		{ep.FamilyGoCardless, ref("funds_returned", `{}`), lifecycle.RefundFundsReturned},
		{ep.FamilyStripe, ref("refund.updated", `{"data":{"object":{"status":"pending"}}}`), lifecycle.RefundAccepted},
		{ep.FamilyStripe, ref("refund.updated", `{"data":{"object":{"status":"succeeded"}}}`), lifecycle.RefundPaid},
		{ep.FamilyStripe, ref("refund.updated", `{"data":{"object":{"status":"failed"}}}`), lifecycle.RefundFailed},
		{ep.FamilyStripe, ref("refund.updated", `{"data":{"object":{"status":"canceled"}}}`), lifecycle.RefundFailed},
	} {
		if got, ok := RefundEvent(tc.family, tc.event); !ok || got != tc.want {
			t.Errorf("%s %s %s: %q %v, want %q", tc.family, tc.event.Action, tc.event.Raw, got, ok, tc.want)
		}
	}
	for _, e := range []Event{ref("refund.updated", `not json`), ref("refund.updated", `{"data":{"object":{"status":"requires_action"}}}`), {Resource: ResourcePayment, Action: "paid"}} {
		if got, ok := RefundEvent(ep.FamilyStripe, e); ok {
			t.Errorf("%s %s mapped to %q", e.Action, e.Raw, got)
		}
	}
}
