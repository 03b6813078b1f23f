package elevatepay_test

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
)

// strs converts a typed list to strings.
func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// TestListsAreTheContracts: every typed list is its contract enum, value for value, in order.
func TestListsAreTheContracts(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `yaml:"enum"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for schema, list := range map[string][]string{
		"PaymentMethod":           strs(ep.PaymentMethods),
		"ThirdPartyPaymentStatus": strs(ep.ThirdPartyPaymentStatuses),
		"ThirdPartyRefundStatus":  strs(ep.RefundStatuses),
		"BillRunType":             strs(ep.BillRunTypes),
		"PaymentProviderStatus":   strs(ep.ProviderStatuses),
		"PaymentStatus":           strs(ep.PaymentStatuses),
		"CustomerPaymentType":     strs(ep.CustomerPaymentTypes),
		"TxnType":                 strs(ep.TxnTypes),
		"MandateStatus":           strs(ep.MandateStatuses),
	} {
		t.Run(schema, func(t *testing.T) {
			want := doc.Components.Schemas[schema].Enum
			if len(want) == 0 {
				t.Fatalf("the contract has no enum %s", schema)
			}
			if !slices.Equal(list, want) {
				t.Errorf("%s:\n got  %v\n want %v", schema, list, want)
			}
		})
	}
}

// TestPaymentStatusClasses: the classes of spec §5.2.2, 27 statuses.
func TestPaymentStatusClasses(t *testing.T) {
	counts := map[ep.PaymentClass]int{}
	for _, s := range ep.ThirdPartyPaymentStatuses {
		counts[s.Class()]++
		if n := btoi(s.InFlight()) + btoi(s.Collected()) + btoi(s.Ended()); n > 1 || (n == 0) != (s.Class() == ep.ClassInfo) {
			t.Errorf("%s is in %d of in flight, collected, ended (class %d)", s, n, s.Class())
		}
	}
	if len(ep.ThirdPartyPaymentStatuses) != 27 || counts[ep.ClassCollected] != 7 || counts[ep.ClassInfo] != 2 ||
		counts[ep.ClassInFlight] != 7 || counts[ep.ClassEnded] != 11 || counts[ep.ClassUnknown] != 0 {
		t.Errorf("classes: %d statuses, %v", len(ep.ThirdPartyPaymentStatuses), counts)
	}
	for s, want := range map[ep.ThirdPartyPaymentStatus]ep.PaymentClass{
		"SUBMITTED": ep.ClassInFlight, "FAILED_RETRYING": ep.ClassInFlight, "CONFIRMED": ep.ClassCollected,
		"CHARGEBACK_CANCELLED": ep.ClassCollected, "REFUND_PENDING": ep.ClassCollected, "CHARGED_BACK": ep.ClassEnded,
		"UNSENT": ep.ClassEnded, "SURCHARGE_FEE_DEBITED": ep.ClassInfo, "confirmed": ep.ClassUnknown,
	} {
		if got := s.Class(); got != want {
			t.Errorf("%s: class %d, want %d", s, got, want)
		}
	}
	var reversals []ep.ThirdPartyPaymentStatus
	for _, s := range ep.ThirdPartyPaymentStatuses {
		if s.Reversal() {
			reversals = append(reversals, s)
			if !s.Ended() {
				t.Errorf("reversal %s is not ended", s)
			}
		}
	}
	if !slices.Equal(reversals, []ep.ThirdPartyPaymentStatus{ep.PayChargedBack, ep.PayLateFailureSettled, ep.PayChargebackSettled}) {
		t.Errorf("reversals %v", reversals)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRefundStatusClasses: every refund status is in exactly one class of OP-23.
func TestRefundStatusClasses(t *testing.T) {
	if !ep.RefundManuallyRefunded.Settled() || !ep.RefundCreated.Pending() || !ep.RefundBounced.Failed() {
		t.Error("refund classes")
	}
	n := map[string]int{}
	for _, s := range ep.RefundStatuses {
		k := btoi(s.Pending()) + btoi(s.Settled()) + btoi(s.Failed())
		if k != 1 {
			t.Errorf("%s is in %d classes", s, k)
		}
		switch {
		case s.Pending():
			n["pending"]++
		case s.Settled():
			n["settled"]++
		case s.Failed():
			n["failed"]++
		}
	}
	if n["pending"] != 3 || n["settled"] != 3 || n["failed"] != 3 {
		t.Errorf("refund classes %v", n)
	}
}

// TestPaymentMethodClasses: the classes of spec §5.2.1 and provider matching (§5.1.19).
func TestPaymentMethodClasses(t *testing.T) {
	for _, tc := range []struct {
		m                                    ep.PaymentMethod
		family                               ep.Family
		siteState, viaProvider, externalOnly bool
	}{
		{ep.MethodCheque, ep.FamilyNone, false, false, false},
		{ep.MethodDirectDebit, ep.FamilyGoCardless, false, false, false},
		{ep.MethodCancelledDD, ep.FamilyNone, true, false, false},
		{ep.MethodCancelledCard, ep.FamilyNone, true, false, false},
		{ep.MethodEzypay, ep.FamilyNone, false, false, true},
		{ep.MethodGoCardless, ep.FamilyGoCardless, false, true, false},
		{ep.MethodGCInstantBankPayments, ep.FamilyGoCardless, false, true, false},
		{ep.MethodStripe, ep.FamilyStripe, false, true, false},
		{ep.MethodStripeCard, ep.FamilyStripe, false, true, false},
		{ep.MethodStripeDD, ep.FamilyStripe, false, true, false},
		{ep.MethodFinastra, ep.FamilyNone, false, false, true},
		{ep.MethodFastPay, ep.FamilyNone, false, false, false},
	} {
		t.Run(string(tc.m), func(t *testing.T) {
			if !tc.m.Valid() || tc.m.Family() != tc.family || tc.m.SiteState() != tc.siteState ||
				tc.m.ViaProvider() != tc.viaProvider || tc.m.ExternalOnly() != tc.externalOnly {
				t.Errorf("valid %v family %q site state %v via provider %v external only %v", tc.m.Valid(), tc.m.Family(),
					tc.m.SiteState(), tc.m.ViaProvider(), tc.m.ExternalOnly())
			}
		})
	}
	if ep.PaymentMethod("cheque").Valid() {
		t.Error("a lower-case method is valid")
	}
	for _, tc := range []struct {
		provider, method ep.PaymentMethod
		serves           bool
	}{
		{ep.MethodGoCardless, ep.MethodDirectDebit, true},
		{ep.MethodGoCardless, ep.MethodGCInstantBankPayments, true},
		{ep.MethodGoCardless, ep.MethodStripe, false},
		{ep.MethodStripe, ep.MethodStripeDD, true},
		{ep.MethodStripe, ep.MethodCancelledCard, true},
		{ep.MethodGoCardless, ep.MethodCancelledDD, true},
		{ep.MethodFinastra, ep.MethodFinastra, true},
		{ep.MethodFinastra, ep.MethodEzypay, false},
		{ep.MethodFinastra, ep.MethodCancelledDD, false},
	} {
		if got := tc.provider.Serves(tc.method); got != tc.serves {
			t.Errorf("%s serves %s: %v, want %v", tc.provider, tc.method, got, tc.serves)
		}
	}
}

// TestBillRunVocabulary: the customerPaymentType and txnType of each bill-run type.
func TestBillRunVocabulary(t *testing.T) {
	if ep.BillRunNormal.PaymentType() != ep.PaymentTypeInvoice || ep.BillRunAdhoc.PaymentType() != ep.PaymentTypeAdhocInvoice ||
		ep.BillRunNormal.InvoiceCreated() != ep.TxnInvoiceCreated || ep.BillRunAdhoc.InvoiceCreated() != ep.TxnAdhocInvoiceCreated {
		t.Error("bill-run vocabulary")
	}
	if !ep.BillRunAdhoc.Valid() || ep.BillRunType("normal").Valid() || !ep.ProviderInactive.Valid() || ep.ProviderStatus("active").Valid() {
		t.Error("Valid of bill-run types and provider statuses")
	}
}
