package main

import (
	"context"
	"fmt"
	"io"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/service"
)

// Demo account of POST /v1/authenticate (created only by --demo).
const (
	demoUser     = "demo"
	demoPassword = "demo-password"
	demoOwner    = 7
)

// seedDemo fills an empty database with a demo contract owner's data, then prints an admin
// token and example requests. A database that already has customers is left as it is, and the
// output says so and how to start afresh; the examples then still work (they only read), and
// the demo login is printed only when the demo account exists.
func seedDemo(ctx context.Context, svc *service.Service, tokens *auth.Tokens, base, database string, out io.Writer) error {
	admin := auth.Principal{Subject: "demo-admin", Admin: true, Scopes: []string{auth.ScopeAdmin}}
	_, total, err := svc.ListCustomers(ctx, service.System(), query.List{Page: 1, PageSize: 1})
	if err != nil {
		return err
	}
	if total == 0 {
		if err := seedDemoData(ctx, svc); err != nil {
			return err
		}
		fmt.Fprintln(out, "demo data created for contract owner 7 (customers, sites, invoices, payments, payment providers)")
	} else {
		fmt.Fprintln(out, alreadyHasData(database, total))
	}
	tok, err := tokens.Issue(admin, 24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, `
Admin token (valid 24 hours):
%[2]s

Try:
curl -s -H 'Authorization: Bearer %[2]s' '%[1]s/v1/customers?page=1&pageSize=20'
curl -s -H 'Authorization: Bearer %[2]s' '%[1]s/v1/invoices?page=1&pageSize=50&paymentStatus=in:UNPAID,PARTIALLY_PAID&sort=dueDate'
curl -s -H 'Authorization: Bearer %[2]s' '%[1]s/v1/customer-credit-status?page=1&pageSize=50&percentageDifference=gte:80'
curl -s -H 'Authorization: Bearer %[2]s' '%[1]s/v1/payment-providers?page=1&pageSize=10&fields=id,name,type,status'
`, base, tok)
	users, err := svc.ListUsers(ctx)
	if err != nil {
		return err
	}
	demoAccount := false
	for _, u := range users {
		if u.Username == demoUser && !u.Disabled {
			demoAccount = true
		}
	}
	if demoAccount {
		fmt.Fprintf(out, `
Log in as the demo user (POST /v1/authenticate):
curl -s -H 'Content-Type: application/json' -d '{"brand":"%[2]s","username":"%[3]s","password":"%[4]s"}' '%[1]s/v1/authenticate'
`, base, svc.Brand, demoUser, demoPassword)
	} else {
		fmt.Fprintf(out, "\n(No login example: this database has no enabled %q account; add one with 'elevatepay users add'.)\n", demoUser)
	}
	fmt.Fprintf(out, "\nAPI reference: %s/docs\n", base)
	return nil
}

// alreadyHasData tells why --demo added nothing and how to start afresh.
func alreadyHasData(database string, customers int64) string {
	if path, ok := sqlitePath(database); ok {
		return fmt.Sprintf("the database %[1]s already has data (%[2]d customers); demo data was not added.\n"+
			"To start afresh: stop the server and remove %[1]s (and %[1]s-wal, %[1]s-shm), or pass --database sqlite:other.db.",
			path, customers)
	}
	return fmt.Sprintf("the PostgreSQL database already has data (%d customers); demo data was not added.\n"+
		"To start afresh: point --database (DATABASE_URL) at an empty database.", customers)
}

func seedDemoData(ctx context.Context, svc *service.Service) error {
	// The seed is work no user is behind: it runs as the system caller.
	sys := service.System()
	str := func(s string) *string { return &s }
	dec := func(s string) *money.Decimal { d := money.MustParse(s); return &d }
	if err := svc.AddUser(ctx, &ep.User{Username: demoUser, ContractOwnerIDs: []int32{demoOwner},
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite, auth.ScopeProviders}}, demoPassword); err != nil && ep.ErrorCode(err) != ep.ECONFLICT {
		return err
	}
	gc := &ep.PaymentProvider{Type: ep.MethodGoCardless, Name: "GoCardless UK", DirectDebitWithName: str("ACME UTILITIES"), Status: ep.ProviderActive,
		CreditorIdentifier: str("GB12ZZZSDDBARC0000007495895"), InstantBankPayments: true, RetryIfPossible: true,
		ContractOwnerIDs: []int32{demoOwner}, SyncInstantBankPaymentsWithMandateCreation: true}
	stripe := &ep.PaymentProvider{Type: ep.MethodStripe, Name: "Stripe cards", Status: ep.ProviderActive, AcceptExternalPayments: true, ContractOwnerIDs: []int32{demoOwner}}
	for _, p := range []*ep.PaymentProvider{gc, stripe} {
		if err := svc.CreateProvider(ctx, sys, p); err != nil {
			return err
		}
	}
	type siteSeed struct {
		name     string
		method   ep.PaymentMethod
		provider *int32
	}
	type invoiceSeed struct {
		number           string
		kind             ep.BillRunType
		date, due, total string
	}
	customers := []struct {
		in       service.CustomerInput
		site     siteSeed
		invoices []invoiceSeed
	}{
		{service.CustomerInput{ContractOwnerID: demoOwner, CustomerName: "Acme Ltd", CustomerAccountNumber: str("ACME0001"), CurrencyID: 1,
			CreditThreshold: dec("500"), OpenBillRunValue: dec("60")},
			siteSeed{"Acme HQ", ep.MethodGoCardless, &gc.ID},
			[]invoiceSeed{{"INV-000101", ep.BillRunNormal, "2024-01-01", "2024-01-31", "80"}, {"INV-000123", ep.BillRunNormal, "2024-02-01", "2024-02-29", "120"},
				{"ADH-000045", ep.BillRunAdhoc, "2024-02-10", "2024-03-10", "45"}}},
		{service.CustomerInput{ContractOwnerID: demoOwner, CustomerName: "Beta GmbH", CustomerAccountNumber: str("BETA0001"), CurrencyID: 2,
			CreditThreshold: dec("300")}, // owes 250.50: 83.5 % of the threshold, so percentageDifference=gte:80 finds it
			siteSeed{"Beta Office", ep.MethodBACS, nil},
			[]invoiceSeed{{"INV-000201", ep.BillRunNormal, "2024-02-01", "2024-03-01", "250.5"}}},
		{service.CustomerInput{ContractOwnerID: demoOwner, CustomerName: "Gamma Inc", CustomerAccountNumber: str("GAMMA001"), CurrencyID: 3},
			siteSeed{"Gamma Store", ep.MethodCheque, nil},
			[]invoiceSeed{{"INV-000301", ep.BillRunNormal, "2024-03-01", "2024-03-31", "99.99"}}},
	}
	for _, c := range customers {
		cust, err := svc.CreateCustomer(ctx, sys, c.in)
		if err != nil {
			return err
		}
		site, err := svc.CreateSite(ctx, sys, service.SiteInput{CustomerID: cust.ID, SiteName: c.site.name, StartDate: str("2023-06-01"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: &c.site.method, PaymentProviderID: c.site.provider}})
		if err != nil {
			return err
		}
		for _, inv := range c.invoices {
			created, err := svc.CreateInvoice(ctx, sys, service.InvoiceInput{CustomerID: cust.ID, SiteID: site.ID, BillRunType: inv.kind,
				InvoiceNumber: inv.number, InvoiceDate: inv.date, DueDate: inv.due, Total: money.MustParse(inv.total)})
			if err != nil {
				return err
			}
			if inv.number == "INV-000101" { // paid by cheque
				if _, err := svc.CreateInvoicePayment(ctx, sys, service.PaymentInput{InvoiceID: created.ID, BillRunType: ep.BillRunNormal,
					Amount: money.MustParse("80"), Description: "Cheque 000123", PaymentMethod: "CHEQUE", PaymentDate: str("2024-01-20")}); err != nil {
					return err
				}
			}
		}
		if c.in.CustomerName == "Acme Ltd" { // a bank transfer spread over the oldest open invoices
			if _, err := svc.CreateCustomerPayment(ctx, sys, service.CustomerPaymentInput{CustomerID: cust.ID, Amount: money.MustParse("50"),
				Description: str("Payment received"), Reference: str("BANK-REF-7781"), Type: "BACS", PaymentDate: str("2024-02-05")}); err != nil {
				return err
			}
		}
	}
	return nil
}
