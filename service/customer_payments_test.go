package service_test

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// TestAllocation covers §6.2: a customer payment pays open invoices oldest first (due date,
// then invoice date, then id), one invoice payment per invoice touched, and the remainder
// becomes credit that pays invoices created later.
func TestAllocation(t *testing.T) {
	t.Parallel()

	t.Run("pays the oldest invoice first and leaves the rest outstanding (spec example, 100.00)", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			// Created newest first, so the order cannot come from the ids.
			inv123 := newInvoice(t, svc, cust, site, "120.00", "2024-02-29")
			inv101 := newInvoice(t, svc, cust, site, "80.00", "2024-01-31")
			wantBalance(t, svc, cust, "-200.00")

			e := customerPay(t, svc, cust, "100.00", "")
			if e.TxnType != "PAYMENT" || e.CustomerPaymentType != "CUSTOMER" || amt(e.Amount) != "100.00" {
				t.Errorf("entry = %s %s %s, want one PAYMENT CUSTOMER entry of 100.00", e.TxnType, e.CustomerPaymentType, amt(e.Amount))
			}
			wantInvoice(t, svc, inv101.ID, "0.00", "PAID")
			wantInvoice(t, svc, inv123.ID, "100.00", "PARTIALLY_PAID")
			wantBalance(t, svc, cust, "-100.00")
			wantCredit(t, svc, cust, "0.00")

			got := map[int64]string{}
			for _, p := range payments(t, svc, "NORMAL") {
				if p.CustomerPaymentID == nil || *p.CustomerPaymentID != e.ID || p.CustomerPaymentType != "CUSTOMER" || p.PaymentMethod != "BACS" || p.PaymentDate != today {
					t.Errorf("invoice payment %+v does not point at customer payment %d with its method and date", p, e.ID)
				}
				if _, dup := got[p.InvoiceID]; dup {
					t.Errorf("two invoice payments for invoice %d", p.InvoiceID)
				}
				got[p.InvoiceID] = amt(p.Amount)
			}
			if len(got) != 2 || got[inv101.ID] != "80.00" || got[inv123.ID] != "20.00" {
				t.Errorf("allocation = %v, want 80.00 → %d and 20.00 → %d", got, inv101.ID, inv123.ID)
			}
		})
	})

	t.Run("pays every invoice and keeps the overpayment as credit (spec example, 250.00)", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			inv101 := newInvoice(t, svc, cust, site, "80.00", "2024-01-31")
			inv123 := newInvoice(t, svc, cust, site, "120.00", "2024-02-29")

			customerPay(t, svc, cust, "250.00", "")
			wantInvoice(t, svc, inv101.ID, "0.00", "PAID")
			wantInvoice(t, svc, inv123.ID, "0.00", "PAID")
			wantBalance(t, svc, cust, "50.00")
			wantCredit(t, svc, cust, "50.00")
			if n := len(payments(t, svc, "NORMAL")); n != 2 {
				t.Errorf("%d invoice payments, want 2", n)
			}
		})
	})

	t.Run("orders by due date, then invoice date, then id", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			in := func(invoiceDate, due string) service.InvoiceInput {
				return service.InvoiceInput{CustomerID: cust.ID, SiteID: site.ID, Total: money.MustParse("10.00"), InvoiceDate: invoiceDate, DueDate: due}
			}
			// Expected order: d (earliest due), c (same due as a/b, earlier invoice date), a, b (same dates: lower id first).
			a := newInvoiceWith(t, svc, in("2024-02-01", "2024-03-31"))
			b := newInvoiceWith(t, svc, in("2024-02-01", "2024-03-31"))
			c := newInvoiceWith(t, svc, in("2024-01-15", "2024-03-31"))
			d := newInvoiceWith(t, svc, in("2024-02-20", "2024-03-01"))

			steps := []struct {
				amount string
				want   map[*ep.Invoice][2]string // outstanding, status
			}{
				{"10.00", map[*ep.Invoice][2]string{d: {"0.00", "PAID"}, c: {"10.00", "UNPAID"}, a: {"10.00", "UNPAID"}, b: {"10.00", "UNPAID"}}},
				{"10.00", map[*ep.Invoice][2]string{c: {"0.00", "PAID"}, a: {"10.00", "UNPAID"}, b: {"10.00", "UNPAID"}}},
				{"15.00", map[*ep.Invoice][2]string{a: {"0.00", "PAID"}, b: {"5.00", "PARTIALLY_PAID"}}},
				{"5.00", map[*ep.Invoice][2]string{b: {"0.00", "PAID"}}},
			}
			for i, s := range steps {
				customerPay(t, svc, cust, s.amount, "")
				for inv, w := range s.want {
					if got := invoice(t, svc, inv.ID); amt(got.Outstanding) != w[0] || string(got.PaymentStatus) != w[1] {
						t.Errorf("after payment %d: invoice %d %s/%s is %s, %s; want %s, %s", i+1, inv.ID, inv.InvoiceDate, inv.DueDate,
							amt(got.Outstanding), got.PaymentStatus, w[0], w[1])
					}
				}
			}
			wantBalance(t, svc, cust, "0.00")
			wantCredit(t, svc, cust, "0.00")
		})
	})

	t.Run("skips paid invoices and tops up partly paid ones", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			paid := newInvoice(t, svc, cust, site, "30.00", "2024-01-10")
			part := newInvoice(t, svc, cust, site, "40.00", "2024-01-20")
			later := newInvoice(t, svc, cust, site, "50.00", "2024-01-30")
			mustPay(t, svc, paid, "30.00")
			mustPay(t, svc, part, "15.50")

			customerPay(t, svc, cust, "30.00", "")
			wantInvoice(t, svc, paid.ID, "0.00", "PAID")
			wantInvoice(t, svc, part.ID, "0.00", "PAID")
			wantInvoice(t, svc, later.ID, "44.50", "PARTIALLY_PAID")
			wantBalance(t, svc, cust, "-44.50")
			var fromCustomer []string
			for _, p := range payments(t, svc, "NORMAL") {
				if p.CustomerPaymentType == "CUSTOMER" {
					fromCustomer = append(fromCustomer, amt(p.Amount))
				}
			}
			if len(fromCustomer) != 2 || fromCustomer[0] != "24.50" || fromCustomer[1] != "5.50" {
				t.Errorf("allocated pieces %v, want [24.50 5.50]", fromCustomer)
			}
		})
	})

	t.Run("with billRunType pays only invoices of that kind", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			normal := newInvoice(t, svc, cust, site, "60.00", "2024-01-01") // older, but the wrong kind
			adhoc := newInvoiceWith(t, svc, service.InvoiceInput{CustomerID: cust.ID, SiteID: site.ID, BillRunType: "ADHOC",
				Total: money.MustParse("25.00"), DueDate: "2024-05-01"})

			e := customerPay(t, svc, cust, "40.00", "ADHOC")
			if e.BillRunType == nil || *e.BillRunType != "ADHOC" {
				t.Errorf("entry billRunType = %v, want ADHOC echoed", e.BillRunType)
			}
			wantInvoice(t, svc, adhoc.ID, "0.00", "PAID")
			wantInvoice(t, svc, normal.ID, "60.00", "UNPAID")
			wantBalance(t, svc, cust, "-45.00")
			wantCredit(t, svc, cust, "15.00")
			if n, m := len(payments(t, svc, "ADHOC")), len(payments(t, svc, "NORMAL")); n != 1 || m != 0 {
				t.Errorf("%d adhoc and %d normal invoice payments, want 1 and 0", n, m)
			}

			customerPay(t, svc, cust, "10.00", "NORMAL")
			wantInvoice(t, svc, normal.ID, "50.00", "PARTIALLY_PAID")
			wantCredit(t, svc, cust, "15.00")
			wantBalance(t, svc, cust, "-35.00")
		})
	})

	t.Run("applies credit to an invoice created later, oldest credit first", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			first := customerPay(t, svc, cust, "30.00", "")
			customerPay(t, svc, cust, "20.00", "")
			wantCredit(t, svc, cust, "50.00")
			wantBalance(t, svc, cust, "50.00")

			inv1 := newInvoice(t, svc, cust, site, "40.00", "2024-07-01")
			if amt(inv1.Outstanding) != "0.00" || inv1.PaymentStatus != "PAID" {
				t.Errorf("returned invoice: %s %s, want 0.00 PAID", amt(inv1.Outstanding), inv1.PaymentStatus)
			}
			wantInvoice(t, svc, inv1.ID, "0.00", "PAID")
			wantCredit(t, svc, cust, "10.00")
			wantBalance(t, svc, cust, "10.00")
			ps := payments(t, svc, "NORMAL")
			if len(ps) != 2 || *ps[0].CustomerPaymentID != first.ID || amt(ps[0].Amount) != "30.00" || amt(ps[1].Amount) != "10.00" {
				t.Errorf("credit pieces = %+v, want 30.00 from the first customer payment then 10.00", ps)
			}
			entries, err := svc.Entries(ctx, root, cust.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 { // two PAYMENTs and one INVOICE_CREATED; applying credit posts nothing
				t.Errorf("%d entries, want 3", len(entries))
			}

			inv2 := newInvoice(t, svc, cust, site, "25.00", "2024-07-01")
			wantInvoice(t, svc, inv2.ID, "15.00", "PARTIALLY_PAID")
			wantCredit(t, svc, cust, "0.00")
			wantBalance(t, svc, cust, "-15.00")

			inv3 := newInvoice(t, svc, cust, site, "5.00", "2024-07-01")
			wantInvoice(t, svc, inv3.ID, "5.00", "UNPAID")
			wantBalance(t, svc, cust, "-20.00")
		})
	})

	t.Run("applies no more credit than the positive balance before the invoice", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			customerPay(t, svc, cust, "50.00", "")
			adjust(t, svc, cust, "-30.00") // a debit: balance 20.00, credit still 50.00
			wantBalance(t, svc, cust, "20.00")

			inv := newInvoice(t, svc, cust, site, "40.00", "2024-07-01")
			wantInvoice(t, svc, inv.ID, "20.00", "PARTIALLY_PAID")
			wantCredit(t, svc, cust, "30.00")
			wantBalance(t, svc, cust, "-20.00")

			// The balance is now negative: the next invoice gets none of the remaining credit.
			after := newInvoice(t, svc, cust, site, "10.00", "2024-07-01")
			wantInvoice(t, svc, after.ID, "10.00", "UNPAID")
			wantCredit(t, svc, cust, "30.00")
		})
	})

	t.Run("never allocates a positive balance adjustment", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			adjust(t, svc, cust, "50.00")
			inv := newInvoice(t, svc, cust, site, "30.00", "2024-07-01")
			wantInvoice(t, svc, inv.ID, "30.00", "UNPAID")
			wantCredit(t, svc, cust, "0.00")
			wantBalance(t, svc, cust, "20.00")
		})
	})

	t.Run("refuses amounts that are not positive or have too many decimals, posting nothing", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			site := newSite(t, svc, cust)
			inv := newInvoice(t, svc, cust, site, "10.00", "2024-07-01")
			for _, a := range []string{"0", "-5.00", "1.001"} {
				_, err := svc.CreateCustomerPayment(ctx, root, service.CustomerPaymentInput{CustomerID: cust.ID, Amount: money.MustParse(a), Type: "BACS"})
				wantError(t, err, ep.EINVALID, "amountInMajorCurrency")
			}
			wantInvoice(t, svc, inv.ID, "10.00", "UNPAID")
			wantBalance(t, svc, cust, "-10.00")
			wantCredit(t, svc, cust, "0.00")
		})
	})
}
