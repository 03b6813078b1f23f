package service_test

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// newProvider creates an ACTIVE FINASTRA provider of owner (external reports only, §6.4.1).
func newProvider(t *testing.T, svc *service.Service, acceptExternal bool) *ep.PaymentProvider {
	t.Helper()
	p := &ep.PaymentProvider{Type: "FINASTRA", Name: fmt.Sprintf("Finastra %d", next()), Status: "ACTIVE",
		AcceptExternalPayments: acceptExternal, ContractOwnerIDs: []int32{owner}}
	if err := svc.CreateProvider(ctx, root, p); err != nil {
		t.Fatalf("create provider: %v", err)
	}
	return p
}

// report records an externally reported FINASTRA payment status of amount on inv (§6.4.4).
func report(svc *service.Service, inv *ep.Invoice, status ep.ThirdPartyPaymentStatus, amount string) (*ep.InvoicePayment, error) {
	return svc.CreateInvoicePayment(ctx, root, service.PaymentInput{InvoiceID: inv.ID, BillRunType: inv.BillRunType,
		Amount: money.MustParse(amount), PaymentMethod: "FINASTRA", ThirdPartyPaymentStatus: &status})
}

// manualRefund refunds amount of inv by BACS (FINASTRA refunds must be recorded manually).
func manualRefund(svc *service.Service, inv *ep.Invoice, amount string) (*ep.Refund, error) {
	method, a := ep.MethodBACS, money.MustParse(amount)
	return svc.CreateRefund(ctx, root, service.RefundInput{InvoiceID: inv.ID, PaymentMethod: &method, Amount: &a})
}

// entryCount returns how many ledger entries the customer has.
func entryCount(t *testing.T, svc *service.Service, cust *ep.Customer) int {
	t.Helper()
	entries, err := svc.Entries(ctx, root, cust.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestStatusDerivation covers §6.3.2/§6.3.3: the invoice's outstanding amount and paymentStatus
// after each payment, correction, refund and external report.
func TestStatusDerivation(t *testing.T) {
	t.Parallel()
	type step struct {
		op, amount          string // op: pay (negative = correction), refund, or an external status
		outstanding, status string
	}
	cases := []struct {
		name  string
		total string
		steps []step
	}{
		{"a new invoice is UNPAID", "100.00", nil},
		{"a zero invoice is NA", "0.00", nil},
		{"a part payment makes it PARTIALLY_PAID and the rest makes it PAID", "100.00", []step{
			{"pay", "30.00", "70.00", "PARTIALLY_PAID"},
			{"pay", "69.99", "0.01", "PARTIALLY_PAID"},
			{"pay", "0.01", "0.00", "PAID"},
		}},
		{"a correction reopens a paid invoice", "100.00", []step{
			{"pay", "100.00", "0.00", "PAID"},
			{"pay", "-25.00", "25.00", "PARTIALLY_PAID"},
			{"pay", "-75.00", "100.00", "UNPAID"},
		}},
		{"a part refund makes it PART_REFUNDED and the rest REFUNDED", "100.00", []step{
			{"pay", "100.00", "0.00", "PAID"},
			{"refund", "40.00", "0.00", "PART_REFUNDED"},
			{"refund", "60.00", "0.00", "REFUNDED"},
		}},
		{"refunding all collected of a partly paid invoice makes it REFUNDED without reopening it", "100.00", []step{
			{"pay", "30.00", "70.00", "PARTIALLY_PAID"},
			{"refund", "30.00", "70.00", "REFUNDED"},
			{"pay", "20.00", "50.00", "PART_REFUNDED"},
		}},
		{"an external in-flight report makes it PENDING", "100.00", []step{
			{"SUBMITTED", "40.00", "100.00", "PENDING"},
		}},
		{"an external confirmation pays it and a chargeback reopens it", "100.00", []step{
			{"CONFIRMED", "60.00", "40.00", "PARTIALLY_PAID"},
			{"MANUALLY_PAID", "40.00", "0.00", "PAID"},
			{"CHARGED_BACK", "100.00", "100.00", "UNPAID"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEachStore(t, func(t *testing.T, svc *service.Service) {
				newProvider(t, svc, true)
				cust := newCustomer(t, svc, owner)
				inv := newInvoice(t, svc, cust, newSite(t, svc, cust), tc.total, "2024-02-01")
				want := ep.StatusUnpaid
				if tc.total == "0.00" {
					want = ep.StatusNA
				}
				if inv.PaymentStatus != want || amt(inv.Outstanding) != tc.total {
					t.Errorf("new invoice: %s %s, want %s %s", amt(inv.Outstanding), inv.PaymentStatus, tc.total, want)
				}
				wantInvoice(t, svc, inv.ID, tc.total, want)
				for i, s := range tc.steps {
					var err error
					switch s.op {
					case "pay":
						_, err = pay(svc, inv, s.amount)
					case "refund":
						_, err = refund(svc, inv, s.amount)
					default:
						_, err = report(svc, inv, ep.ThirdPartyPaymentStatus(s.op), s.amount)
					}
					if err != nil {
						t.Fatalf("step %d (%s %s): %v", i+1, s.op, s.amount, err)
					}
					if got := invoice(t, svc, inv.ID); amt(got.Outstanding) != s.outstanding || string(got.PaymentStatus) != s.status {
						t.Errorf("after step %d (%s %s): %s %s, want %s %s", i+1, s.op, s.amount, amt(got.Outstanding), got.PaymentStatus, s.outstanding, s.status)
					}
				}
			})
		})
	}
}

// TestCoverRule covers the invoice-cover rule (§6.1, OP-16, OP-19): a negative manual
// correction or a reported reversal may not leave less collected than the invoice's refunds.
func TestCoverRule(t *testing.T) {
	t.Parallel()

	t.Run("allows a correction down to exactly the refunds", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			mustPay(t, svc, inv, "100.00")
			mustRefund(t, svc, inv, "30.00")
			p := mustPay(t, svc, inv, "-70.00")
			if amt(p.Amount) != "-70.00" || !p.CountsCollected {
				t.Errorf("correction = %s counted %v, want -70.00 counted", amt(p.Amount), p.CountsCollected)
			}
			got := wantInvoice(t, svc, inv.ID, "70.00", "REFUNDED")
			if amt(got.Collected) != "30.00" || amt(got.RefundsSettled) != "30.00" {
				t.Errorf("collected %s, refunded %s; want 30.00, 30.00", amt(got.Collected), amt(got.RefundsSettled))
			}
			wantBalance(t, svc, cust, "-100.00")
			entries, err := svc.Entries(ctx, root, cust.ID)
			if err != nil {
				t.Fatal(err)
			}
			if last := entries[len(entries)-1]; last.TxnType != "PAYMENT_REVERSED" || amt(last.Amount) != "-70.00" {
				t.Errorf("last entry %s %s, want PAYMENT_REVERSED -70.00", last.TxnType, amt(last.Amount))
			}
		})
	})

	t.Run("refuses a correction one cent below the refunds, posting nothing", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			mustPay(t, svc, inv, "100.00")
			mustRefund(t, svc, inv, "30.00")
			n := entryCount(t, svc, cust)
			_, err := pay(svc, inv, "-70.01")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("a correction of -70.01 would leave less collected on invoice %d than its refunds (100 collected, 30 refunded or pending)", inv.ID))
			wantInvoice(t, svc, inv.ID, "0.00", "PART_REFUNDED")
			wantBalance(t, svc, cust, "-30.00")
			if m := entryCount(t, svc, cust); m != n {
				t.Errorf("%d entries after a refused correction, want %d", m, n)
			}
		})
	})

	t.Run("without refunds allows a correction of everything collected and no more", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			mustPay(t, svc, inv, "50.00")
			_, err := pay(svc, inv, "-50.01")
			wantError(t, err, ep.EINVALID, "(50 collected, 0 refunded or pending)")
			mustPay(t, svc, inv, "-50.00")
			wantInvoice(t, svc, inv.ID, "100.00", "UNPAID")
			_, err = pay(svc, inv, "-0.01")
			wantError(t, err, ep.EINVALID, "a correction of -0.01 would leave less collected")
			wantBalance(t, svc, cust, "-100.00")
		})
	})

	t.Run("refuses a payment one cent over the amount owed", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			mustPay(t, svc, inv, "40.00")
			_, err := pay(svc, inv, "60.01")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("60.01 is more than the 60 still available to collect on invoice %d", inv.ID))
			mustPay(t, svc, inv, "60.00")
			wantInvoice(t, svc, inv.ID, "0.00", "PAID")
			_, err = pay(svc, inv, "0")
			wantError(t, err, ep.EINVALID, "amountInMajorCurrency must not be 0")
		})
	})

	t.Run("allows a reported reversal up to what is collected and not refunded", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			newProvider(t, svc, true)
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			if _, err := report(svc, inv, "CONFIRMED", "100.00"); err != nil {
				t.Fatal(err)
			}
			if _, err := manualRefund(svc, inv, "30.00"); err != nil {
				t.Fatal(err)
			}
			n := entryCount(t, svc, cust)
			_, err := report(svc, inv, "CHARGED_BACK", "70.01")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("a reversal of 70.01 exceeds what is collected and not refunded on invoice %d (70)", inv.ID))
			if m := entryCount(t, svc, cust); m != n {
				t.Errorf("%d entries after a refused reversal, want %d", m, n)
			}
			wantInvoice(t, svc, inv.ID, "0.00", "PART_REFUNDED")
			p, err := report(svc, inv, "LATE_FAILURE_SETTLED", "70.00")
			if err != nil {
				t.Fatal(err)
			}
			if p.CountsCollected || p.ThirdPartyPaymentStatus == nil || *p.ThirdPartyPaymentStatus != "LATE_FAILURE_SETTLED" {
				t.Errorf("reversal payment counted %v status %v", p.CountsCollected, p.ThirdPartyPaymentStatus)
			}
			wantInvoice(t, svc, inv.ID, "70.00", "REFUNDED")
			wantBalance(t, svc, cust, "-100.00")
		})
	})

	t.Run("refuses negative external reports and providers that accept none", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			prov := newProvider(t, svc, false)
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "100.00", "2024-02-01")
			_, err := report(svc, inv, "CHARGED_BACK", "-10.00")
			wantError(t, err, ep.EINVALID, "must be positive for an external status report")
			_, err = report(svc, inv, "CONFIRMED", "10.00")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("payment provider %d does not accept external payments", prov.ID))
			wantInvoice(t, svc, inv.ID, "100.00", "UNPAID")
			wantBalance(t, svc, cust, "-100.00")
		})
	})
}
