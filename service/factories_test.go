package service_test

// Factories and assertions shared by the service tests of the money rules. Every test runs on
// both engines through forEachStore, each subtest on its own fresh database, so subtests are
// parallel. Amounts are written and compared as decimal strings in the customer's currency
// (GBP, two decimal places), never as floats.

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// owner is the contract owner the factories create customers for.
const owner int32 = 7

// today is the service clock of every test: default payment dates and refund dates are this day.
const today = "2024-06-15"

// root sees every contract owner.
var root = service.As(auth.Principal{Subject: "service-test", Admin: true, Scopes: []string{auth.ScopeAdmin}})

// ownerPrincipal is a non-admin caller acting for the given contract owners.
func ownerPrincipal(ids ...int32) service.Caller {
	return service.As(auth.Principal{Subject: fmt.Sprintf("owner-%v", ids), ContractOwnerIDs: ids, Scopes: []string{auth.ScopeWrite, auth.ScopeRead}})
}

var ctx = context.Background()

// allRows is one page big enough for every list of a test database.
var allRows = query.List{Page: 1, PageSize: 1000}

// forEachStore runs fn as one parallel subtest per engine, each on a fresh migrated database.
func forEachStore(t *testing.T, fn func(t *testing.T, svc *service.Service)) {
	t.Helper()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			var st store.Store
			if engine == "sqlite" {
				st = testdb.SQLite(t)
			} else {
				st = testdb.Postgres(t)
			}
			clock := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
			fn(t, &service.Service{Store: st, Now: func() time.Time { return clock }})
		})
	}
}

var serial atomic.Int64

func next() int64 { return serial.Add(1) }

// newCustomer creates a GBP customer of contract owner co.
func newCustomer(t *testing.T, svc *service.Service, co int32) *ep.Customer {
	t.Helper()
	return newCustomerWith(t, svc, service.CustomerInput{ContractOwnerID: co})
}

// newCustomerWith creates a customer from in, filling the name and currency (GBP) when blank.
func newCustomerWith(t *testing.T, svc *service.Service, in service.CustomerInput) *ep.Customer {
	t.Helper()
	if in.CustomerName == "" {
		in.CustomerName = fmt.Sprintf("Customer %d", next())
	}
	if in.CurrencyID == 0 {
		in.CurrencyID = 1
	}
	c, err := svc.CreateCustomer(ctx, root, in)
	if err != nil {
		t.Fatalf("create customer: %v", err)
	}
	return c
}

// newSite creates a site of cust.
func newSite(t *testing.T, svc *service.Service, cust *ep.Customer) *ep.Site {
	t.Helper()
	site, err := svc.CreateSite(ctx, root, service.SiteInput{CustomerID: cust.ID, SiteName: fmt.Sprintf("Site %d", next())})
	if err != nil {
		t.Fatalf("create site: %v", err)
	}
	return site
}

// newInvoice creates a NORMAL invoice of cust at site, dated 2024-01-01, due on due.
func newInvoice(t *testing.T, svc *service.Service, cust *ep.Customer, site *ep.Site, total, due string) *ep.Invoice {
	t.Helper()
	return newInvoiceWith(t, svc, service.InvoiceInput{CustomerID: cust.ID, SiteID: site.ID, Total: money.MustParse(total), DueDate: due})
}

// newInvoiceWith creates an invoice from in, filling bill run type (NORMAL), number and
// invoice date (2024-01-01) when blank.
func newInvoiceWith(t *testing.T, svc *service.Service, in service.InvoiceInput) *ep.Invoice {
	t.Helper()
	if in.BillRunType == "" {
		in.BillRunType = "NORMAL"
	}
	if in.InvoiceNumber == "" {
		in.InvoiceNumber = fmt.Sprintf("INV-%06d", next())
	}
	if in.InvoiceDate == "" {
		in.InvoiceDate = "2024-01-01"
	}
	inv, err := svc.CreateInvoice(ctx, root, in)
	if err != nil {
		t.Fatalf("create invoice: %v", err)
	}
	return inv
}

// pay records a manual BACS payment (or, negative, a correction) of amount on inv.
func pay(svc *service.Service, inv *ep.Invoice, amount string) (*ep.InvoicePayment, error) {
	return svc.CreateInvoicePayment(ctx, root, service.PaymentInput{InvoiceID: inv.ID, BillRunType: inv.BillRunType,
		Amount: money.MustParse(amount), PaymentMethod: "BACS"})
}

// mustPay is pay that fails the test on error.
func mustPay(t *testing.T, svc *service.Service, inv *ep.Invoice, amount string) *ep.InvoicePayment {
	t.Helper()
	p, err := pay(svc, inv, amount)
	if err != nil {
		t.Fatalf("pay %s on invoice %d: %v", amount, inv.ID, err)
	}
	return p
}

// refund records a manual refund of amount ("" = the whole refundable amount) on inv.
func refund(svc *service.Service, inv *ep.Invoice, amount string) (*ep.Refund, error) {
	in := service.RefundInput{InvoiceID: inv.ID, BillRunType: &inv.BillRunType}
	if amount != "" {
		a := money.MustParse(amount)
		in.Amount = &a
	}
	return svc.CreateRefund(ctx, root, in)
}

// mustRefund is refund that fails the test on error.
func mustRefund(t *testing.T, svc *service.Service, inv *ep.Invoice, amount string) *ep.Refund {
	t.Helper()
	r, err := refund(svc, inv, amount)
	if err != nil {
		t.Fatalf("refund %q on invoice %d: %v", amount, inv.ID, err)
	}
	return r
}

// customerPay posts a customer payment of amount by BACS, restricted to billRunType when not "".
func customerPay(t *testing.T, svc *service.Service, cust *ep.Customer, amount string, billRunType ep.BillRunType) *ep.LedgerEntry {
	t.Helper()
	in := service.CustomerPaymentInput{CustomerID: cust.ID, Amount: money.MustParse(amount), Type: "BACS"}
	if billRunType != "" {
		in.BillRunType = &billRunType
	}
	e, err := svc.CreateCustomerPayment(ctx, root, in)
	if err != nil {
		t.Fatalf("customer payment %s: %v", amount, err)
	}
	return e
}

// adjust posts a balance adjustment of amount.
func adjust(t *testing.T, svc *service.Service, cust *ep.Customer, amount string) *ep.LedgerEntry {
	t.Helper()
	e, err := svc.AdjustBalance(ctx, root, service.BalanceAdjustmentInput{CustomerID: cust.ID, Amount: money.MustParse(amount)})
	if err != nil {
		t.Fatalf("adjust balance by %s: %v", amount, err)
	}
	return e
}

// amt formats minor units of GBP with exactly two decimals ("20.00", "-0.05"); the service's
// own messages use money.Format, which drops trailing zeros.
func amt(minor int64) string {
	sign, v := "", minor
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// invoice reloads an invoice.
func invoice(t *testing.T, svc *service.Service, id int64) *ep.Invoice {
	t.Helper()
	inv, err := svc.Invoice(ctx, root, id)
	if err != nil {
		t.Fatalf("read invoice %d: %v", id, err)
	}
	return inv
}

// wantInvoice asserts the stored outstanding amount and payment status of invoice id.
func wantInvoice(t *testing.T, svc *service.Service, id int64, outstanding string, status ep.PaymentStatus) *ep.Invoice {
	t.Helper()
	inv := invoice(t, svc, id)
	if got := amt(inv.Outstanding); got != outstanding || inv.PaymentStatus != status {
		t.Errorf("invoice %d: outstanding %s, status %s; want %s, %s", id, got, inv.PaymentStatus, outstanding, status)
	}
	return inv
}

// wantBalance asserts the customer's ledger balance, both as served and as the resulting
// balance of the last entry.
func wantBalance(t *testing.T, svc *service.Service, cust *ep.Customer, want string) {
	t.Helper()
	b, err := svc.CustomerBalance(ctx, root, cust.ID)
	if err != nil {
		t.Fatalf("balance of customer %d: %v", cust.ID, err)
	}
	if got := amt(b.Balance); got != want {
		t.Errorf("balance of customer %d = %s, want %s", cust.ID, got, want)
	}
	entries, err := svc.Entries(ctx, root, cust.ID)
	if err != nil {
		t.Fatalf("entries of customer %d: %v", cust.ID, err)
	}
	var sum int64
	for _, e := range entries {
		sum += e.Amount
	}
	if amt(sum) != want {
		t.Errorf("entries of customer %d sum to %s, want %s", cust.ID, amt(sum), want)
	}
	if len(entries) > 0 && amt(entries[len(entries)-1].ResultingBalance) != want {
		t.Errorf("last entry of customer %d has resulting balance %s, want %s", cust.ID, amt(entries[len(entries)-1].ResultingBalance), want)
	}
}

// wantCredit asserts the customer's unallocated credit from customer payments.
func wantCredit(t *testing.T, svc *service.Service, cust *ep.Customer, want string) {
	t.Helper()
	var sum int64
	err := svc.Store.Read(ctx, func(tx store.Tx) error {
		credits, err := tx.Credits(cust.ID)
		for _, c := range credits {
			sum += c.Remaining
		}
		return err
	})
	if err != nil {
		t.Fatalf("credits of customer %d: %v", cust.ID, err)
	}
	if got := amt(sum); got != want {
		t.Errorf("unallocated credit of customer %d = %s, want %s", cust.ID, got, want)
	}
}

// payments lists the invoice payments of one kind ("NORMAL" or "ADHOC") of the database.
func payments(t *testing.T, svc *service.Service, billRunType ep.BillRunType) []ep.InvoicePayment {
	t.Helper()
	list, _, err := svc.ListInvoicePayments(ctx, root, billRunType, allRows)
	if err != nil {
		t.Fatalf("list %s invoice payments: %v", billRunType, err)
	}
	return list
}

// wantError asserts err has code and a message containing every fragment.
func wantError(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	if ep.ErrorCode(err) != code {
		t.Fatalf("error %v: code %q, want %q", err, ep.ErrorCode(err), code)
	}
	msg := ep.ErrorMessage(err)
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error message %q does not contain %q", msg, f)
		}
	}
}
