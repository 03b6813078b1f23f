package service_test

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// TestTenancy covers what the service itself enforces of §6.15 (OP-35): records of contract
// owners outside the caller's set are not found (404, existence not revealed), and naming such
// an owner in a new customer is forbidden. The 403 for every write by a token without contract
// owners is the HTTP layer's (httpapi/call.go); the service answers those writes as for any
// caller that sees nothing.
func TestTenancy(t *testing.T) {
	t.Parallel()

	// writes are the money-moving operations on cust and inv, as caller p.
	writes := func(svc *service.Service, p service.Caller, cust *ep.Customer, site *ep.Site, inv *ep.Invoice) map[string]error {
		one := money.MustParse("1.00")
		out := map[string]error{}
		_, out["customer payment"] = svc.CreateCustomerPayment(ctx, p, service.CustomerPaymentInput{CustomerID: cust.ID, Amount: one, Type: "BACS"})
		_, out["balance adjustment"] = svc.AdjustBalance(ctx, p, service.BalanceAdjustmentInput{CustomerID: cust.ID, Amount: one})
		_, out["invoice payment"] = svc.CreateInvoicePayment(ctx, p, service.PaymentInput{InvoiceID: inv.ID, BillRunType: "NORMAL", Amount: one, PaymentMethod: "BACS"})
		_, out["refund"] = svc.CreateRefund(ctx, p, service.RefundInput{InvoiceID: inv.ID, Amount: &one})
		_, out["invoice"] = svc.CreateInvoice(ctx, p, service.InvoiceInput{CustomerID: cust.ID, SiteID: site.ID, BillRunType: "NORMAL",
			InvoiceNumber: "X-1", InvoiceDate: "2024-01-01", DueDate: "2024-01-31", Total: one})
		_, out["site"] = svc.CreateSite(ctx, p, service.SiteInput{CustomerID: cust.ID, SiteName: "X"})
		return out
	}
	// reads are the reads of cust and inv, as caller p.
	reads := func(svc *service.Service, p service.Caller, cust *ep.Customer, inv *ep.Invoice) map[string]error {
		out := map[string]error{}
		_, out["customer"] = svc.Customer(ctx, p, cust.ID)
		_, out["invoice"] = svc.Invoice(ctx, p, inv.ID)
		_, out["balance"] = svc.CustomerBalance(ctx, p, cust.ID)
		_, _, out["statement"] = svc.ListCustomerPayments(ctx, p, cust.ID, allRows)
		return out
	}
	// setup makes a customer of owner with a site and a 50.00 invoice paid 10.00.
	setup := func(t *testing.T, svc *service.Service) (*ep.Customer, *ep.Site, *ep.Invoice) {
		cust := newCustomer(t, svc, owner)
		site := newSite(t, svc, cust)
		inv := newInvoice(t, svc, cust, site, "50.00", "2024-02-01")
		mustPay(t, svc, inv, "10.00")
		return cust, site, inv
	}

	t.Run("the owner's principal reads and writes its own customer", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, site, inv := setup(t, svc)
			p := ownerPrincipal(owner)
			for op, err := range reads(svc, p, cust, inv) {
				if err != nil {
					t.Errorf("%s: %v", op, err)
				}
			}
			for op, err := range writes(svc, p, cust, site, inv) {
				if err != nil {
					t.Errorf("%s: %v", op, err)
				}
			}
			// -50 invoice +1 customer payment (allocated) +1 adjustment +10 +1 payments −1 refund −1 new invoice
			wantBalance(t, svc, cust, "-39.00")
		})
	})

	t.Run("hides a customer and invoice of another contract owner", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, site, inv := setup(t, svc)
			other := ownerPrincipal(owner + 1)
			for op, err := range reads(svc, other, cust, inv) {
				if ep.ErrorCode(err) != ep.ENOTFOUND {
					t.Errorf("%s by another owner: %v, want %s", op, err, ep.ENOTFOUND)
				}
			}
			for op, err := range writes(svc, other, cust, site, inv) {
				if ep.ErrorCode(err) != ep.ENOTFOUND {
					t.Errorf("%s by another owner: %v, want %s", op, err, ep.ENOTFOUND)
				}
			}
			wantInvoice(t, svc, inv.ID, "40.00", "PARTIALLY_PAID")
			wantBalance(t, svc, cust, "-40.00")
			if n := entryCount(t, svc, cust); n != 2 {
				t.Errorf("%d entries, want 2: nothing was posted", n)
			}
			invoices, total, err := svc.ListInvoices(ctx, other, allRows)
			if err != nil || total != 0 || len(invoices) != 0 {
				t.Errorf("another owner lists %d invoices (total %d, err %v), want none", len(invoices), total, err)
			}
		})
	})

	t.Run("forbids creating a customer of a contract owner outside the caller's set", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			for name, p := range map[string]service.Caller{"another owner": ownerPrincipal(owner + 1), "no owners": ownerPrincipal()} {
				_, err := svc.CreateCustomer(ctx, p, service.CustomerInput{ContractOwnerID: owner, CustomerName: "X", CurrencyID: 1})
				wantError(t, err, ep.EFORBIDDEN, "contract owner 7 is not among the caller's contract owners")
				customers, total, err := svc.ListCustomers(ctx, root, allRows)
				if err != nil || total != 0 || len(customers) != 0 {
					t.Errorf("%s: %d customers exist (total %d, err %v), want none", name, len(customers), total, err)
				}
			}
			if _, err := svc.CreateCustomer(ctx, ownerPrincipal(owner), service.CustomerInput{ContractOwnerID: owner, CustomerName: "Y", CurrencyID: 1}); err != nil {
				t.Errorf("the owner's own principal: %v", err)
			}
		})
	})

	t.Run("a principal without contract owners sees nothing and moves no money", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, site, inv := setup(t, svc)
			none := ownerPrincipal()
			for op, err := range reads(svc, none, cust, inv) {
				if ep.ErrorCode(err) != ep.ENOTFOUND {
					t.Errorf("%s: %v, want %s", op, err, ep.ENOTFOUND)
				}
			}
			for op, err := range writes(svc, none, cust, site, inv) {
				if ep.ErrorCode(err) != ep.ENOTFOUND {
					t.Errorf("%s: %v, want %s (the 403 is the HTTP layer's)", op, err, ep.ENOTFOUND)
				}
			}
			customers, total, err := svc.ListCustomers(ctx, none, allRows)
			if err != nil || total != 0 || len(customers) != 0 {
				t.Errorf("lists %d customers (total %d, err %v), want none", len(customers), total, err)
			}
			wantBalance(t, svc, cust, "-40.00")
			wantInvoice(t, svc, inv.ID, "40.00", "PARTIALLY_PAID")
		})
	})
	t.Run("the system caller reads and writes every contract owner's data", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust, site, inv := setup(t, svc)
			sys := service.System()
			for op, err := range reads(svc, sys, cust, inv) {
				if err != nil {
					t.Errorf("%s by the system: %v", op, err)
				}
			}
			for op, err := range writes(svc, sys, cust, site, inv) {
				if err != nil {
					t.Errorf("%s by the system: %v", op, err)
				}
			}
			wantBalance(t, svc, cust, "-39.00")
			other, err := svc.CreateCustomer(ctx, sys, service.CustomerInput{ContractOwnerID: owner + 40, CustomerName: "Elsewhere", CurrencyID: 1})
			if err != nil {
				t.Fatalf("the system creates a customer of any contract owner: %v", err)
			}
			if _, err := svc.Customer(ctx, ownerPrincipal(owner), other.ID); ep.ErrorCode(err) != ep.ENOTFOUND {
				t.Errorf("a user still sees only its own contract owners after a system write: %v", err)
			}
		})
	})
}
