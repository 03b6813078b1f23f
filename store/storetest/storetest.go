// Package storetest is the conformance suite every store.Store implementation must pass.
// Each engine's package runs it against a real database: store/sqlite on a file in a temporary
// directory, store/postgres in a fresh schema of a real PostgreSQL server.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Opener returns a new, empty, migrated store for one test.
type Opener func(t *testing.T) store.Store

// Run runs the whole conformance suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Migrations", testMigrations},
		{"Settings", testSettings},
		{"Users", testUsers},
		{"LoginFailures", testLoginFailures},
		{"Currencies", testCurrencies},
		{"CustomersAndScope", testCustomers},
		{"Sites", testSites},
		{"InvoicesAndLists", testInvoices},
		{"Providers", testProviders},
		{"LedgerPosting", testLedger},
		{"ConcurrentPostings", testConcurrentPostings},
		{"Idempotency", testIdempotency},
		{"RollbackLeavesNothing", testRollback},
		{"ReadOnlyTransactions", testReadOnly},
	}
	for _, tc := range append(append(tests, moneyTests...), roundTripTests...) {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func ctx() context.Context { return context.Background() }

func tx(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Tx(ctx(), fn); err != nil {
		t.Fatalf("tx: %v", err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if ep.ErrorCode(err) != code {
		t.Fatalf("got error %v (code %q), want code %q", err, ep.ErrorCode(err), code)
	}
}

// fails runs fn in its own transaction and wants it to fail with code. A store error leaves
// its transaction unusable (PostgreSQL aborts it), so each expected failure gets its own.
func fails(t *testing.T, s store.Store, code string, fn func(store.Tx) error) {
	t.Helper()
	wantCode(t, s.Tx(ctx(), fn), code)
}

func page(size int, conds ...query.Cond) query.List {
	return query.List{Page: 1, PageSize: size, Conds: conds}
}

func str(s string) *string { return &s }

func testMigrations(t *testing.T, s store.Store) {
	ok, err := s.MigrationsCurrent(ctx())
	if err != nil || !ok {
		t.Fatalf("MigrationsCurrent = %v, %v; want true", ok, err)
	}
	if err := s.Ping(ctx()); err != nil {
		t.Fatal(err)
	}
}

func testSettings(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		if _, ok, err := tx.Setting("jwt"); ok || err != nil {
			t.Fatalf("missing setting: ok=%v err=%v", ok, err)
		}
		v, err := tx.SetSettingIfAbsent("jwt", "first")
		if err != nil || v != "first" {
			t.Fatalf("SetSettingIfAbsent = %q, %v", v, err)
		}
		v, err = tx.SetSettingIfAbsent("jwt", "second")
		if err != nil || v != "first" {
			t.Fatalf("second SetSettingIfAbsent = %q, %v; want the first value kept", v, err)
		}
		return nil
	})
}

func testUsers(t *testing.T, s store.Store) {
	u := &ep.User{Username: "api.billing", PasswordHash: "h", ContractOwnerIDs: []int32{7, 9}, Scopes: []string{"payments:read", "payments:write"}}
	tx(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error { return tx.CreateUser(&ep.User{Username: "api.billing", PasswordHash: "x"}) })
	tx(t, s, func(tx store.Tx) error {
		got, err := tx.UserByName("api.billing")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || got.ID != u.ID || got.Username != u.Username || got.PasswordHash != u.PasswordHash || fmt.Sprint(got.ContractOwnerIDs) != "[7 9]" || fmt.Sprint(got.Scopes) != "[payments:read payments:write]" || got.Disabled || got.Admin {
			t.Fatalf("UserByName = %+v", got)
		}
		_, err = tx.UserByName("nobody")
		wantCode(t, err, ep.ENOTFOUND)
		if err := tx.SetUserDisabled("api.billing", true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tx.SetUserDisabled("nobody", true), ep.ENOTFOUND)
		if err := tx.SetUserAttempts(u.ID, 3, 12345); err != nil {
			t.Fatal(err)
		}
		got, _ = tx.UserByName("api.billing")
		if !got.Disabled || got.Failures != 3 || got.LockedUntil != 12345 {
			t.Fatalf("after updates: %+v", got)
		}
		list, err := tx.ListUsers()
		if err != nil || len(list) != 1 {
			t.Fatalf("ListUsers = %v, %v", list, err)
		}
		return nil
	})
}

func testCurrencies(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		all, total, err := tx.ListCurrencies(page(10))
		if err != nil || total != 3 || len(all) != 3 || all[0].Code != "GBP" || all[0].ID != 1 || all[1].Code != "EUR" || all[2].Code != "USD" {
			t.Fatalf("seeded currencies = %+v total %d err %v", all, total, err)
		}
		jpy := &ep.Currency{Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		if err := tx.CreateCurrency(jpy); err != nil || jpy.ID != 4 {
			t.Fatalf("create JPY: id %d err %v", jpy.ID, err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateCurrency(&ep.Currency{Name: "x", Code: "JPY", MajorCurrencyName: "a", MinorCurrencyName: "b"})
	})
	tx(t, s, func(tx store.Tx) error {
		jpy := &ep.Currency{ID: 4, Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		got, err := tx.Currency(4)
		if err != nil || *got != *jpy {
			t.Fatalf("Currency(4) = %+v, %v", got, err)
		}
		_, err = tx.Currency(99)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListCurrencies(page(10, query.Cond{Param: "code", Op: "in", Strings: []string{"GBP", "JPY"}}))
		if err != nil || total != 2 || list[0].Code != "GBP" || list[1].Code != "JPY" {
			t.Fatalf("code in: %+v %d %v", list, total, err)
		}
		list, total, err = tx.ListCurrencies(page(10, query.Cond{Param: "name", Op: "like", Like: "*DOLLAR"}))
		if err != nil || total != 1 || list[0].Code != "USD" {
			t.Fatalf("name like: %+v %d %v", list, total, err)
		}
		list, total, err = tx.ListCurrencies(page(10, query.Cond{Param: "name", Op: "like", Like: "EURO"}))
		if err != nil || total != 1 || list[0].Code != "EUR" {
			t.Fatalf("name like without wildcard means contains: %+v %d %v", list, total, err)
		}
		l := page(2)
		l.Page = 2
		l.Sorts = []query.Sort{{Field: "code", Desc: true}}
		list, total, err = tx.ListCurrencies(l)
		if err != nil || total != 4 || len(list) != 2 || list[0].Code != "GBP" || list[1].Code != "EUR" {
			t.Fatalf("page 2 by code desc: %+v %d %v", list, total, err)
		}
		l.Page = 3
		list, total, err = tx.ListCurrencies(l)
		if err != nil || total != 4 || len(list) != 0 {
			t.Fatalf("page beyond the end: %+v %d %v", list, total, err)
		}
		return nil
	})
}

// seed creates a customer with a site for contract owner co.
func seed(t *testing.T, tx store.Tx, co int32, name string) (*ep.Customer, *ep.Site) {
	t.Helper()
	c := &ep.Customer{ContractOwnerID: co, CustomerName: name, CurrencyID: 1, Exp: 2}
	if err := tx.CreateCustomer(c); err != nil {
		t.Fatal(err)
	}
	site := &ep.Site{CustomerID: c.ID, ContractOwnerID: co, SiteName: name + " HQ", StartDate: "2023-06-01"}
	if err := tx.CreateSite(site); err != nil {
		t.Fatal(err)
	}
	return c, site
}

func testCustomers(t *testing.T, s store.Store) {
	mine := store.Scope{Owners: []int32{7}}
	tx(t, s, func(tx store.Tx) error {
		a := &ep.Customer{ContractOwnerID: 7, CustomerName: "Acme Ltd", CustomerAccountNumber: str("ACME0001"), CurrencyID: 1, Exp: 2, OpenBillRunValue: 6000}
		if err := tx.CreateCustomer(a); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Other", CustomerAccountNumber: str("ACME0001"), CurrencyID: 1, Exp: 2})
	})
	tx(t, s, func(tx store.Tx) error {
		a := &ep.Customer{ID: 1}
		b := &ep.Customer{ContractOwnerID: 8, CustomerName: "Beta GmbH", CustomerAccountNumber: str("ACME0001"), CurrencyID: 2, Exp: 2}
		if err := tx.CreateCustomer(b); err != nil {
			t.Fatalf("the same account number under another contract owner must be allowed: %v", err)
		}
		for _, n := range []string{"No number 1", "No number 2"} {
			if err := tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: n, CurrencyID: 1, Exp: 2}); err != nil {
				t.Fatalf("customers without account numbers: %v", err)
			}
		}
		got, err := tx.Customer(mine, a.ID, true)
		if err != nil || got.CustomerName != "Acme Ltd" || *got.CustomerAccountNumber != "ACME0001" || got.OpenBillRunValue != 6000 || got.CreditThreshold != nil {
			t.Fatalf("Customer = %+v, %v", got, err)
		}
		_, err = tx.Customer(mine, b.ID, false)
		wantCode(t, err, ep.ENOTFOUND)
		_, err = tx.Customer(store.Scope{}, a.ID, false)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListCustomers(mine, page(10))
		if err != nil || total != 3 {
			t.Fatalf("scoped list: %d %v", total, err)
		}
		for _, c := range list {
			if c.ContractOwnerID != 7 {
				t.Fatalf("another contract owner's customer listed: %+v", c)
			}
		}
		_, total, _ = tx.ListCustomers(store.Scope{}, page(10))
		if total != 0 {
			t.Fatalf("empty scope lists %d customers", total)
		}
		_, total, _ = tx.ListCustomers(store.AllOwners, page(10))
		if total != 4 {
			t.Fatalf("all owners lists %d customers", total)
		}
		list, total, _ = tx.ListCustomers(mine, page(10, query.Cond{Param: "customerName", Op: "like", Like: "acme"}))
		if total != 1 || list[0].ID != a.ID {
			t.Fatalf("customerName like:acme = %+v", list)
		}
		th := int64(50000)
		got.CreditThreshold = &th
		got.CustomerName = "Acme Limited"
		if err := tx.UpdateCustomer(got); err != nil {
			t.Fatal(err)
		}
		got, _ = tx.Customer(mine, a.ID, false)
		if got.CustomerName != "Acme Limited" || got.CreditThreshold == nil || *got.CreditThreshold != 50000 {
			t.Fatalf("after update: %+v", got)
		}
		return nil
	})
}

func testSites(t *testing.T, s store.Store) {
	mine := store.Scope{Owners: []int32{7}}
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		_, other := seed(t, tx, 8, "Beta")
		got, err := tx.Site(mine, site.ID)
		if err != nil || got.CustomerID != c.ID || got.StartDate != "2023-06-01" || got.EndDate != nil || got.Details.PaymentMethod != nil {
			t.Fatalf("Site = %+v, %v", got, err)
		}
		_, err = tx.Site(mine, other.ID)
		wantCode(t, err, ep.ENOTFOUND)
		prov := &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "GC", Status: "ACTIVE", ContractOwnerIDs: []int32{7}}
		if err := tx.CreateProvider(prov); err != nil {
			t.Fatal(err)
		}
		pid := prov.ID
		got.Details = ep.SiteInvoiceDetails{PaymentMethod: str("GO_CARDLESS"), MandateStatus: str("ACTIVE"), MandateReference: str("MD000XYZ"), PaymentProviderID: &pid}
		got.EndDate = str("2024-12-31")
		if err := tx.UpdateSite(got); err != nil {
			t.Fatal(err)
		}
		again, _ := tx.Site(mine, site.ID)
		if *again.EndDate != "2024-12-31" || *again.Details.MandateReference != "MD000XYZ" || *again.Details.PaymentProviderID != pid {
			t.Fatalf("after update: %+v", again)
		}
		list, total, err := tx.ListSites(mine, page(10, query.Cond{Param: "mandateStatus", Op: "eq", Strings: []string{"ACTIVE"}}))
		if err != nil || total != 1 || list[0].ID != site.ID {
			t.Fatalf("mandateStatus filter: %+v %d %v", list, total, err)
		}
		_, total, _ = tx.ListSites(mine, page(10, query.Cond{Param: "customerId", Op: "in", IDs: []int64{c.ID, 99999}}))
		if total != 1 {
			t.Fatalf("customerId in: %d", total)
		}
		return nil
	})
}

func newInvoice(c *ep.Customer, site *ep.Site, number, due string, total int64) *ep.Invoice {
	return &ep.Invoice{CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, SiteID: site.ID, BillRunType: "NORMAL", InvoiceNumber: number,
		InvoiceDate: "2024-01-01", DueDate: due, Total: total, Outstanding: total, CurrencyID: c.CurrencyID, Exp: c.Exp, PaymentStatus: "UNPAID"}
}

func testInvoices(t *testing.T, s store.Store) {
	mine := store.Scope{Owners: []int32{7}}
	tx(t, s, func(tx store.Tx) error {
		c, site := seed(t, tx, 7, "Acme")
		i1 := newInvoice(c, site, "INV-000101", "2024-01-31", 8000)
		i2 := newInvoice(c, site, "INV-000123", "2024-02-29", 12000)
		i3 := newInvoice(c, site, "ADH-000045", "2024-03-15", 4500)
		i3.BillRunType = "ADHOC"
		i3.PaymentMethod = str("CHEQUE")
		for _, i := range []*ep.Invoice{i1, i2, i3} {
			if err := tx.CreateInvoice(i); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		c, _ := tx.Customer(store.AllOwners, 1, false)
		return tx.CreateInvoice(newInvoice(c, &ep.Site{ID: 1}, "INV-000101", "2024-05-01", 1))
	})
	tx(t, s, func(tx store.Tx) error {
		c, _ := tx.Customer(store.AllOwners, 1, false)
		site, _ := tx.Site(store.AllOwners, 1)
		i1, _ := tx.Invoice(store.AllOwners, 1, false)
		i2, _ := tx.Invoice(store.AllOwners, 2, false)
		i3, _ := tx.Invoice(store.AllOwners, 3, false)
		_, _ = site, c
		// A yen customer: 5000 yen is 5000 minor units but sorts above £80.00 (8000 minor units).
		jpy := &ep.Currency{Name: "Yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		if err := tx.CreateCurrency(jpy); err != nil {
			t.Fatal(err)
		}
		cy := &ep.Customer{ContractOwnerID: 7, CustomerName: "Yen Co", CurrencyID: jpy.ID, Exp: 0}
		if err := tx.CreateCustomer(cy); err != nil {
			t.Fatal(err)
		}
		sy := &ep.Site{CustomerID: cy.ID, ContractOwnerID: 7, SiteName: "Tokyo", StartDate: "2024-01-01"}
		if err := tx.CreateSite(sy); err != nil {
			t.Fatal(err)
		}
		iy := newInvoice(cy, sy, "JP-1", "2024-02-01", 5000)
		if err := tx.CreateInvoice(iy); err != nil {
			t.Fatal(err)
		}

		got, err := tx.Invoice(mine, i3.ID, true)
		if err != nil || got.BillRunType != "ADHOC" || *got.PaymentMethod != "CHEQUE" || got.Total != 4500 || got.BillRunID != nil {
			t.Fatalf("Invoice = %+v, %v", got, err)
		}
		_, err = tx.Invoice(store.Scope{Owners: []int32{8}}, i1.ID, false)
		wantCode(t, err, ep.ENOTFOUND)

		ids := func(list []ep.Invoice) string {
			var s []int64
			for _, i := range list {
				s = append(s, i.ID)
			}
			return fmt.Sprint(s)
		}
		cases := []struct {
			name  string
			conds []query.Cond
			sorts []query.Sort
			want  []int64
		}{
			{"dueDate lt", []query.Cond{{Param: "dueDate", Op: "lt", Strings: []string{"2024-02-29"}}}, nil, []int64{i1.ID, iy.ID}},
			{"dueDate gte and lte (AND)", []query.Cond{{Param: "dueDate", Op: "gte", Strings: []string{"2024-02-01"}}, {Param: "dueDate", Op: "lte", Strings: []string{"2024-02-29"}}}, nil, []int64{i2.ID, iy.ID}},
			{"billRunType", []query.Cond{{Param: "billRunType", Op: "eq", Strings: []string{"ADHOC"}}}, nil, []int64{i3.ID}},
			{"invoiceNumber like", []query.Cond{{Param: "invoiceNumber", Op: "like", Like: "inv-*"}}, nil, []int64{i1.ID, i2.ID}},
			{"paymentMethod null never matches", []query.Cond{{Param: "paymentMethod", Op: "in", Strings: []string{"CHEQUE", "BACS"}}}, nil, []int64{i3.ID}},
			{"id gt", []query.Cond{{Param: "id", Op: "gt", IDs: []int64{i2.ID}}}, nil, []int64{i3.ID, iy.ID}},
			{"sort by major amount across exponents", nil, []query.Sort{{Field: "totalInMajorCurrency", Desc: true}}, []int64{iy.ID, i2.ID, i1.ID, i3.ID}},
			{"sort dueDate desc", nil, []query.Sort{{Field: "dueDate", Desc: true}}, []int64{i3.ID, i2.ID, iy.ID, i1.ID}},
			{"nulls last ascending", nil, []query.Sort{{Field: "paymentMethod"}}, []int64{i3.ID, i1.ID, i2.ID, iy.ID}},
			{"nulls first descending, id tie-break", nil, []query.Sort{{Field: "paymentMethod", Desc: true}}, []int64{i1.ID, i2.ID, iy.ID, i3.ID}},
		}
		for _, tc := range cases {
			l := page(100, tc.conds...)
			l.Sorts = tc.sorts
			list, total, err := tx.ListInvoices(mine, l)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if ids(list) != fmt.Sprint(tc.want) || total != int64(len(tc.want)) {
				t.Errorf("%s: got %s (total %d), want %v", tc.name, ids(list), total, tc.want)
			}
		}
		// Numeric filter on a money field compares major units exactly: 80 equals 80.00.
		list, _, err := tx.ListInvoices(mine, page(10, query.Cond{Param: "totalInMajorCurrency", Op: "eq", Numbers: []money.Decimal{money.MustParse("80.00")}}))
		if err != nil || ids(list) != fmt.Sprint([]int64{i1.ID}) {
			t.Fatalf("total = 80.00: %s %v", ids(list), err)
		}
		return nil
	})
}

func testProviders(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		gc := &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "GoCardless UK", Status: "ACTIVE", InstantBankPayments: true, ContractOwnerIDs: []int32{7, 8}}
		if err := tx.CreateProvider(gc); err != nil {
			t.Fatal(err)
		}
		st := &ep.PaymentProvider{Type: "STRIPE", Name: "Stripe cards", Status: "ACTIVE", ContractOwnerIDs: []int32{9}}
		if err := tx.CreateProvider(st); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	// Names are unique per contract owner, compared trimmed and case-insensitively.
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateProvider(&ep.PaymentProvider{Type: "STRIPE", Name: "  gocardless uk ", Status: "ACTIVE", ContractOwnerIDs: []int32{8}})
	})
	tx(t, s, func(tx store.Tx) error {
		gc, st := &ep.PaymentProvider{ID: 1}, &ep.PaymentProvider{ID: 2}
		if err := tx.CreateProvider(&ep.PaymentProvider{Type: "STRIPE", Name: "GoCardless UK", Status: "ACTIVE", ContractOwnerIDs: []int32{9}}); err != nil {
			t.Fatalf("same name for another contract owner: %v", err)
		}
		got, err := tx.Provider(store.Scope{Owners: []int32{8}}, gc.ID)
		if err != nil || fmt.Sprint(got.ContractOwnerIDs) != "[7 8]" || !got.InstantBankPayments || got.DirectDebitWithName != nil {
			t.Fatalf("Provider = %+v, %v", got, err)
		}
		_, err = tx.Provider(store.Scope{Owners: []int32{7}}, st.ID)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListProviders(store.Scope{Owners: []int32{7}}, page(10))
		if err != nil || total != 1 || list[0].ID != gc.ID {
			t.Fatalf("scoped list: %+v %d %v", list, total, err)
		}
		list, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "contractOwnerId", Op: "eq", IDs: []int64{9}}))
		if total != 2 {
			t.Fatalf("contractOwnerId=9: %+v", list)
		}
		_, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "instantBankPayments", Op: "eq", Bool: true}))
		if total != 1 {
			t.Fatalf("instantBankPayments=true: %d", total)
		}
		_, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "type", Op: "in", Strings: []string{"GO_CARDLESS", "STRIPE"}}))
		if total != 3 {
			t.Fatalf("type in: %d", total)
		}

		got.ContractOwnerIDs = []int32{7}
		got.Status = "INACTIVE"
		got.Name = "GC"
		if err := tx.UpdateProvider(got); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Provider(store.Scope{Owners: []int32{8}}, gc.ID)
		wantCode(t, err, ep.ENOTFOUND)
		again, _ := tx.Provider(store.AllOwners, gc.ID)
		if again.Status != "INACTIVE" || again.Name != "GC" || fmt.Sprint(again.ContractOwnerIDs) != "[7]" {
			t.Fatalf("after update: %+v", again)
		}
		return nil
	})
}

func entry(c *ep.Customer, amount int64, txn string) *ep.LedgerEntry {
	return &ep.LedgerEntry{CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, Amount: amount, CurrencyID: c.CurrencyID, Exp: c.Exp,
		PaymentDate: "2024-01-01", CustomerPaymentType: "CUSTOMER", TxnType: txn}
}

func testLedger(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Acme")
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		amounts := []int64{-8000, -12000, 10000, -150, 25000}
		var sum int64
		for i, a := range amounts {
			e := entry(c, a, "BALANCE_ADJUSTMENT")
			if err := tx.PostEntry(e); err != nil {
				t.Fatal(err)
			}
			sum += a
			if e.Seq != int64(i+1) || e.ResultingBalance != sum || e.ID == 0 {
				t.Fatalf("entry %d: %+v", i, e)
			}
		}
		got, _ := tx.Customer(store.AllOwners, c.ID, false)
		if got.Balance != sum || got.LastSeq != int64(len(amounts)) {
			t.Fatalf("customer after postings: %+v", got)
		}
		list, err := tx.Entries(store.Scope{Owners: []int32{7}}, c.ID)
		if err != nil || len(list) != len(amounts) || list[4].ResultingBalance != sum {
			t.Fatalf("Entries = %+v, %v", list, err)
		}
		list, _ = tx.Entries(store.Scope{Owners: []int32{8}}, c.ID)
		if len(list) != 0 {
			t.Fatalf("another owner sees %d entries", len(list))
		}
		return nil
	})
}

// testConcurrentPostings posts from many goroutines at once: the per-customer sequence must
// have no gaps or duplicates and every resulting balance must be previous + amount.
func testConcurrentPostings(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error { c, _ = seed(t, tx, 7, "Acme"); return nil })
	const workers, each = 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- s.Tx(ctx(), func(tx store.Tx) error {
					if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
						return err
					}
					return tx.PostEntry(entry(c, int64(w*100+i+1), "PAYMENT"))
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent posting: %v", err)
		}
	}
	var list []ep.LedgerEntry
	tx(t, s, func(tx store.Tx) error {
		var err error
		list, err = tx.Entries(store.AllOwners, c.ID)
		return err
	})
	if len(list) != workers*each {
		t.Fatalf("%d entries, want %d", len(list), workers*each)
	}
	var prev int64
	for i, e := range list {
		if e.Seq != int64(i+1) || e.ResultingBalance != prev+e.Amount {
			t.Fatalf("entry %d: seq %d balance %d, previous balance %d", i, e.Seq, e.ResultingBalance, prev)
		}
		prev = e.ResultingBalance
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		k := &store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f1", CreatedAt: 1000}
		existing, err := tx.IdempotencyBegin(k)
		if err != nil || existing != nil {
			t.Fatalf("first begin: %+v %v", existing, err)
		}
		existing, err = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f2", CreatedAt: 1001})
		if err != nil || existing == nil || existing.Completed || existing.Fingerprint != "f1" {
			t.Fatalf("second begin while running: %+v %v", existing, err)
		}
		if other, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "bob", Key: "k1", Fingerprint: "f1", CreatedAt: 1000}); other != nil || err != nil {
			t.Fatalf("keys are per subject: %+v %v", other, err)
		}
		k.Status, k.Header, k.Body = 201, `{"Location":["/v1/x/1"]}`, []byte(`{"id":1}`)
		if err := tx.IdempotencyComplete(k); err != nil {
			t.Fatal(err)
		}
		existing, _ = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f1", CreatedAt: 1002})
		if existing == nil || !existing.Completed || existing.Status != 201 || string(existing.Body) != `{"id":1}` || existing.Header != k.Header {
			t.Fatalf("completed record: %+v", existing)
		}
		if err := tx.IdempotencyRelease("bob", "k1"); err != nil {
			t.Fatal(err)
		}
		if again, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "bob", Key: "k1", Fingerprint: "f9", CreatedAt: 5000}); again != nil {
			t.Fatalf("released key still there: %+v", again)
		}
		n, err := tx.IdempotencyPurge(2000)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		return nil
	})
	// Take-over of a key whose request never executed; a marked (executed) key cannot be taken.
	stale := &store.IdempotencyRecord{Subject: "carol", Key: "k", Fingerprint: "f", CreatedAt: 100}
	tx(t, s, func(tx store.Tx) error { _, err := tx.IdempotencyBegin(stale); return err })
	tx(t, s, func(tx store.Tx) error {
		again := &store.IdempotencyRecord{Subject: "carol", Key: "k", Fingerprint: "f", CreatedAt: 500}
		if won, err := tx.IdempotencyTakeOver(again, 99); won || err != nil {
			t.Fatalf("take-over with a stale view: %v %v", won, err)
		}
		if won, err := tx.IdempotencyTakeOver(again, 100); !won || err != nil {
			t.Fatalf("take-over: %v %v", won, err)
		}
		if won, _ := tx.IdempotencyTakeOver(again, 100); won {
			t.Fatal("a key was taken over twice")
		}
		return nil
	})
	testIdempotencyParking(t, s)
}

// testIdempotencyParking: a keyed request's write transaction is parked instead of committing,
// and commits only together with its stored response (or is rolled back whole).
func testIdempotencyParking(t *testing.T, s store.Store) {
	m := &store.IdempotencyMark{Subject: "carol", Key: "k"}
	marked := store.WithIdempotencyMark(ctx(), m)
	if err := s.Tx(marked, func(store.Tx) error { return errRollback }); !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if m.HasParked() {
		t.Fatal("a failed transaction was parked")
	}
	if err := s.Read(marked, func(store.Tx) error { return nil }); err != nil || m.HasParked() {
		t.Fatalf("a read was parked (%v)", err)
	}
	var cust *ep.Customer
	if err := s.Tx(marked, func(tx store.Tx) error { cust, _ = seed(t, tx, 7, "Parked Ltd"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !m.HasParked() {
		t.Fatal("a successful keyed transaction committed by itself")
	}
	visible := func() bool {
		var found bool
		if err := s.Read(ctx(), func(tx store.Tx) error {
			_, err := tx.Customer(store.AllOwners, cust.ID, false)
			found = err == nil
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	if visible() {
		t.Fatal("the parked transaction's work is visible before its response is stored")
	}
	if err := s.Tx(marked, func(store.Tx) error { return nil }); !errors.Is(err, store.ErrSecondWrite) {
		t.Fatalf("a second write transaction of a keyed request: %v", err)
	}
	rec := &store.IdempotencyRecord{Subject: "carol", Key: "k", Status: 201, Header: `{"Location":["/v1/customers/1"]}`, Body: []byte(`{"id":1}`)}
	if err := m.Parked().Commit(rec); err != nil {
		t.Fatal(err)
	}
	if m.HasParked() || !visible() {
		t.Fatal("Commit did not commit the parked work")
	}
	tx(t, s, func(tx store.Tx) error {
		r, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "carol", Key: "k", CreatedAt: 1})
		if !r.Executed || !r.Completed || r.Status != 201 || string(r.Body) != `{"id":1}` || r.Header != rec.Header || r.CreatedAt != 500 {
			t.Fatalf("after a committed keyed transaction: %+v", r)
		}
		if won, _ := tx.IdempotencyTakeOver(&store.IdempotencyRecord{Subject: "carol", Key: "k", CreatedAt: 900}, 500); won {
			t.Fatal("an executed key was taken over")
		}
		return nil
	})
	// Rolled back while parked: nothing of it stays, the key is not executed.
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "dave", Key: "k", Fingerprint: "f", CreatedAt: 700})
		return err
	})
	m2 := &store.IdempotencyMark{Subject: "dave", Key: "k"}
	var gone *ep.Customer
	if err := s.Tx(store.WithIdempotencyMark(ctx(), m2), func(tx store.Tx) error { gone, _ = seed(t, tx, 7, "Gone Ltd"); return nil }); err != nil {
		t.Fatal(err)
	}
	m2.Parked().Rollback()
	tx(t, s, func(tx store.Tx) error {
		if _, err := tx.Customer(store.AllOwners, gone.ID, false); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Fatalf("rolled-back parked work is visible: %v", err)
		}
		r, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "dave", Key: "k", CreatedAt: 1})
		if r.Executed || r.Completed {
			t.Fatalf("a rolled-back keyed transaction marked its key: %+v", r)
		}
		return nil
	})
}

var errRollback = errors.New("roll back")

func testRollback(t *testing.T, s store.Store) {
	var id int64
	err := s.Tx(ctx(), func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Gone")
		id = c.ID
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			return err
		}
		if err := tx.PostEntry(entry(c, -100, "BALANCE_ADJUSTMENT")); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Tx returned %v", err)
	}
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.Customer(store.AllOwners, id, false)
		wantCode(t, err, ep.ENOTFOUND)
		list, _ := tx.Entries(store.AllOwners, id)
		if len(list) != 0 {
			t.Fatalf("rolled back entries visible: %d", len(list))
		}
		return nil
	})
}

// testReadOnly: Read sees committed data and refuses writes; concurrent reads and writes both finish.
func testReadOnly(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error { c, _ = seed(t, tx, 7, "Acme"); return nil })
	err := s.Read(ctx(), func(tx store.Tx) error {
		got, err := tx.Customer(store.AllOwners, c.ID, false)
		if err != nil || got.CustomerName != "Acme" {
			t.Fatalf("read: %+v %v", got, err)
		}
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Nope", CurrencyID: 1, Exp: 2})
	})
	if err == nil {
		t.Fatal("a write inside a read-only transaction succeeded")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.Read(ctx(), func(tx store.Tx) error { _, err := tx.Entries(store.AllOwners, c.ID); return err })
		}()
		go func(i int) {
			defer wg.Done()
			errs <- s.Tx(ctx(), func(tx store.Tx) error {
				if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
					return err
				}
				return tx.PostEntry(entry(c, int64(i+1), "PAYMENT"))
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent read/write: %v", err)
		}
	}
}
