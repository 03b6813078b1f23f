package service_test

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// TestRefundCap covers the refund cap (§4.12, OP-23): a manual refund settles at once and may
// take at most net collected − pending − settled refunds.
func TestRefundCap(t *testing.T) {
	t.Parallel()

	// paidInvoice returns an invoice of total with paid collected by a manual BACS payment.
	paidInvoice := func(t *testing.T, svc *service.Service, total, paid string) (*ep.Customer, *ep.Invoice) {
		cust := newCustomer(t, svc, owner)
		inv := newInvoice(t, svc, cust, newSite(t, svc, cust), total, "2024-02-01")
		mustPay(t, svc, inv, paid)
		return cust, inv
	}

	t.Run("refunds exactly the refundable amount", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, inv := paidInvoice(t, svc, "100.00", "100.00")
			r := mustRefund(t, svc, inv, "100.00")
			if amt(r.Amount) != "100.00" || r.ThirdPartyRefundStatus != "MANUALLY_REFUNDED" || r.PaymentMethod != "BACS" || r.EntryID == nil {
				t.Errorf("refund = %s %s %s entry %v, want 100.00 MANUALLY_REFUNDED by BACS with an entry", amt(r.Amount), r.ThirdPartyRefundStatus, r.PaymentMethod, r.EntryID)
			}
			got := wantInvoice(t, svc, inv.ID, "0.00", "REFUNDED") // refunds never re-open an invoice
			if amt(got.RefundsSettled) != "100.00" || got.ThirdPartyRefundStatus == nil || *got.ThirdPartyRefundStatus != "MANUALLY_REFUNDED" {
				t.Errorf("invoice refunds settled %s, refund status %v; want 100.00, MANUALLY_REFUNDED", amt(got.RefundsSettled), got.ThirdPartyRefundStatus)
			}
			wantBalance(t, svc, cust, "-100.00")
		})
	})

	t.Run("refuses a refund one cent over the refundable amount", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, inv := paidInvoice(t, svc, "100.00", "100.00")
			_, err := refund(svc, inv, "100.01")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("refund of 100.01 exceeds the refundable amount (100) of invoice %d", inv.ID))
			wantInvoice(t, svc, inv.ID, "0.00", "PAID")
			wantBalance(t, svc, cust, "0.00")
		})
	})

	t.Run("caps several partial refunds at what is left", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, inv := paidInvoice(t, svc, "100.00", "100.00")
			steps := []struct {
				amount, wantErr, status, balance string
			}{
				{"30.00", "", "PART_REFUNDED", "-30.00"},
				{"45.50", "", "PART_REFUNDED", "-75.50"},
				{"24.51", "refund of 24.51 exceeds the refundable amount (24.5)", "PART_REFUNDED", "-75.50"},
				{"24.50", "", "REFUNDED", "-100.00"},
				{"0.01", "refund of 0.01 exceeds the refundable amount (0)", "REFUNDED", "-100.00"},
			}
			for _, s := range steps {
				_, err := refund(svc, inv, s.amount)
				if s.wantErr == "" && err != nil {
					t.Fatalf("refund %s: %v", s.amount, err)
				} else if s.wantErr != "" {
					wantError(t, err, ep.EINVALID, s.wantErr)
				}
				wantInvoice(t, svc, inv.ID, "0.00", ep.PaymentStatus(s.status))
				wantBalance(t, svc, cust, s.balance)
			}
			list, total, err := svc.ListRefunds(ctx, root, allRows)
			if err != nil || total != 3 || len(list) != 3 {
				t.Errorf("%d refunds listed (total %d, err %v), want 3", len(list), total, err)
			}
		})
	})

	t.Run("caps a refund of a partly paid invoice at what was collected", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, inv := paidInvoice(t, svc, "100.00", "60.00")
			_, err := refund(svc, inv, "60.01")
			wantError(t, err, ep.EINVALID, "refund of 60.01 exceeds the refundable amount (60)")
			mustRefund(t, svc, inv, "60.00")
			wantInvoice(t, svc, inv.ID, "40.00", "REFUNDED")
			wantBalance(t, svc, cust, "-100.00")
		})
	})

	t.Run("refunds the whole refundable amount when no amount is given", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, inv := paidInvoice(t, svc, "80.00", "80.00")
			mustRefund(t, svc, inv, "20.00")
			r := mustRefund(t, svc, inv, "")
			if amt(r.Amount) != "60.00" {
				t.Errorf("default refund = %s, want 60.00", amt(r.Amount))
			}
			wantInvoice(t, svc, inv.ID, "0.00", "REFUNDED")
			wantBalance(t, svc, cust, "-80.00")
			_, err := refund(svc, inv, "")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("invoice %d has nothing left to refund", inv.ID))
		})
	})

	t.Run("takes corrections off the refundable amount", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			_, inv := paidInvoice(t, svc, "100.00", "100.00")
			mustPay(t, svc, inv, "-40.00")
			_, err := refund(svc, inv, "60.01")
			wantError(t, err, ep.EINVALID, "refund of 60.01 exceeds the refundable amount (60)")
			mustRefund(t, svc, inv, "60.00")
			wantInvoice(t, svc, inv.ID, "40.00", "REFUNDED")
		})
	})

	t.Run("refunds money allocated from a customer payment", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "50.00", "2024-02-01")
			customerPay(t, svc, cust, "70.00", "")
			_, err := refund(svc, inv, "50.01")
			wantError(t, err, ep.EINVALID, "refund of 50.01 exceeds the refundable amount (50)")
			mustRefund(t, svc, inv, "50.00")
			wantInvoice(t, svc, inv.ID, "0.00", "REFUNDED")
			wantBalance(t, svc, cust, "-30.00")
			wantCredit(t, svc, cust, "20.00") // the credit is the customer's, not the invoice's
		})
	})

	t.Run("refuses a refund of an invoice nothing was paid on", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "50.00", "2024-02-01")
			_, err := refund(svc, inv, "1.00")
			wantError(t, err, ep.EINVALID, fmt.Sprintf("invoice %d has no successful payment", inv.ID))
			method := ep.MethodCheque
			one := money.MustParse("0.01")
			_, err = svc.CreateRefund(ctx, root, service.RefundInput{InvoiceID: inv.ID, PaymentMethod: &method, Amount: &one})
			wantError(t, err, ep.EINVALID, "refund of 0.01 exceeds the refundable amount (0)")
			wantInvoice(t, svc, inv.ID, "50.00", "UNPAID")
		})
	})

	t.Run("refuses a refund under the wrong bill run type", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			_, inv := paidInvoice(t, svc, "10.00", "10.00")
			adhoc := ep.BillRunAdhoc
			_, err := svc.CreateRefund(ctx, root, service.RefundInput{InvoiceID: inv.ID, BillRunType: &adhoc})
			wantError(t, err, ep.EINVALID, "is a NORMAL invoice, not ADHOC")
			wantInvoice(t, svc, inv.ID, "0.00", "PAID")
		})
	})
}
