package storetest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Round-trip conformance (issue 7): every entity the store writes is written with every field
// set to a distinct, non-default value, read back by every read path, and compared whole. A
// column list whose positions disagree with its scan (customer_id read into ContractOwnerID)
// then fails, which no test caught before.
//
// Two guards keep the fixtures honest:
//   - written refuses a fixture with a field still at its zero value (nil pointer, empty slice,
//     false, 0, ""), walking into nested structs and pointers, so a field added to a struct
//     later fails here until the fixture sets it. Deliberate exceptions are named with a reason.
//   - it also refuses two integer fields, or two string fields, holding the same value: a swap
//     of two columns of one type must change what is read. Booleans cannot all be distinct, so
//     each struct with several booleans is written in phases whose patterns differ pairwise.
var roundTripTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"RoundTripSettings", testRoundTripSettings},
	{"RoundTripUsers", testRoundTripUsers},
	{"RoundTripCurrencies", testRoundTripCurrencies},
	{"RoundTripProviders", testRoundTripProviders},
	{"RoundTripCustomers", testRoundTripCustomers},
	{"RoundTripSites", testRoundTripSites},
	{"RoundTripInvoices", testRoundTripInvoices},
	{"RoundTripLedgerEntries", testRoundTripLedgerEntries},
	{"RoundTripInvoicePayments", testRoundTripInvoicePayments},
	{"RoundTripCredits", testRoundTripCredits},
	{"RoundTripRefunds", testRoundTripRefunds},
	{"RoundTripIdempotency", testRoundTripIdempotency},
	{"RoundTripGuards", testRoundTripGuards},
}

// ---- reflection helpers ----

// leaves calls visit for every scalar, nil pointer, empty slice and []byte under v; path names
// the field ("Details.PaymentMethod", "Scopes[1]").
func leaves(v reflect.Value, path string, visit func(path string, v reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			visit(path, v)
			return
		}
		leaves(v.Elem(), path, visit)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			leaves(v.Field(i), joinPath(path, v.Type().Field(i).Name), visit)
		}
	case reflect.Slice:
		if v.Len() == 0 || v.Type().Elem().Kind() == reflect.Uint8 {
			visit(path, v)
			return
		}
		for i := 0; i < v.Len(); i++ {
			leaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i), visit)
		}
	default:
		visit(path, v)
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func isZeroLeaf(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return v.IsNil()
	case reflect.Slice:
		return v.Len() == 0
	}
	return v.IsZero()
}

// written fails unless v (a struct or pointer to one, as it is about to be written) has every
// field set and no two integer or string fields equal. except names the fields allowed to stay
// zero (key "Field") and the pairs allowed to be equal (key "Field==Other"), each with its
// reason; an exception that is not needed fails too, so the list cannot go stale.
func written(t *testing.T, what string, v any, except map[string]string) {
	t.Helper()
	if problems := fixtureProblems(v, except); len(problems) > 0 {
		t.Fatalf("%s: fixture is not fully distinct:\n  %s", what, strings.Join(problems, "\n  "))
	}
}

// fixtureProblems is the check of written: what is zero, duplicated or needlessly excepted.
func fixtureProblems(v any, except map[string]string) []string {
	used := map[string]bool{}
	var problems []string
	ints := map[int64]string{}
	strs := map[string]string{}
	leaves(reflect.ValueOf(v), "", func(path string, f reflect.Value) {
		if isZeroLeaf(f) {
			if _, ok := except[path]; ok {
				used[path] = true
				return
			}
			problems = append(problems, fmt.Sprintf("%s is still its zero value: set it in the fixture (or list it as an exception with a reason)", path))
			return
		}
		var prev string
		var dup bool
		switch f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			prev, dup = ints[f.Int()]
			if !dup {
				ints[f.Int()] = path
			}
		case reflect.String:
			prev, dup = strs[f.String()]
			if !dup {
				strs[f.String()] = path
			}
		case reflect.Slice: // []byte
			prev, dup = strs[string(f.Bytes())]
			if !dup {
				strs[string(f.Bytes())] = path
			}
		}
		if dup {
			key := prev + "==" + path
			if _, ok := except[key]; ok {
				used[key] = true
				return
			}
			problems = append(problems, fmt.Sprintf("%s and %s are both %v: a swap of their columns would go unseen", prev, path, f.Interface()))
		}
	})
	for k := range except {
		if !used[k] {
			problems = append(problems, fmt.Sprintf("exception %q is not needed (the field is set, distinct or gone): remove it", k))
		}
	}
	sort.Strings(problems)
	return problems
}

// diff lists the fields in which got differs from want.
func diff(path string, want, got reflect.Value, out *[]string) {
	switch want.Kind() {
	case reflect.Pointer:
		if want.IsNil() || got.IsNil() {
			if want.IsNil() != got.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got)))
			}
			return
		}
		diff(path, want.Elem(), got.Elem(), out)
	case reflect.Struct:
		for i := 0; i < want.NumField(); i++ {
			diff(joinPath(path, want.Type().Field(i).Name), want.Field(i), got.Field(i), out)
		}
	case reflect.Slice:
		if want.Type().Elem().Kind() != reflect.Uint8 && want.Len() == got.Len() {
			for i := 0; i < want.Len(); i++ {
				diff(fmt.Sprintf("%s[%d]", path, i), want.Index(i), got.Index(i), out)
			}
			return
		}
		fallthrough
	default:
		if !reflect.DeepEqual(want.Interface(), got.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got)))
		}
	}
}

func show(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "nil"
	case v.Kind() == reflect.Pointer:
		return "&" + show(v.Elem())
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		return fmt.Sprintf("%q", v.Bytes())
	}
	return fmt.Sprintf("%#v", v.Interface())
}

// same fails (without stopping the test) unless got equals want in every field, and reports
// each differing field.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	var d []string
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	if w.Type() != g.Type() {
		d = append(d, fmt.Sprintf("type: want %v, got %v", w.Type(), g.Type()))
	} else {
		diff("", w, g, &d)
	}
	if len(d) == 0 {
		d = append(d, fmt.Sprintf("want %#v, got %#v", want, got))
	}
	t.Errorf("%s: read back differs from what was written:\n  %s", what, strings.Join(d, "\n  "))
}

func idIs(id int64) query.List {
	return page(100, query.Cond{Param: "id", Op: query.OpEq, IDs: []int64{id}})
}

func i64(n int64) *int64 { return &n }
func i32(n int32) *int32 { return &n }

// rtOwner is the contract owner of the round-trip rows; spareOwner owns the throwaway rows.
const (
	rtOwner    int32 = 41
	spareOwner int32 = 99
)

var rtScope = store.Scope{Owners: []int32{rtOwner}}

// ---- fixture ----

// chain is the fully set reference data the money entities hang off. Throwaway rows are created
// first so that the ids of related rows differ from one another and from the other integers
// (currency 4, provider 2, customer 6, site 9, invoice 12 on a fresh database).
type chain struct {
	cur, cur2       *ep.Currency
	spareProv, prov *ep.PaymentProvider
	spareCust, cust *ep.Customer
	spareSite, site *ep.Site
	spareInv, inv   *ep.Invoice
	entries         []ep.LedgerEntry // the round-trip customer's, as PostEntry returned them
}

func newChain(t *testing.T, tx store.Tx) *chain {
	t.Helper()
	ch := &chain{}
	ch.cur = &ep.Currency{Name: "Round-trip dinar", Code: "XRT", MajorCurrencyName: "dinars", MinorCurrencyName: "fils", DecimalPlaces: 3}
	ch.cur2 = &ep.Currency{Name: "Round-trip crown", Code: "XRU", MajorCurrencyName: "crowns", MinorCurrencyName: "hellers", DecimalPlaces: 1}
	for _, c := range []*ep.Currency{ch.cur, ch.cur2} {
		written(t, "Currency", c, map[string]string{"ID": "assigned by CreateCurrency"})
		if err := tx.CreateCurrency(c); err != nil {
			t.Fatal(err)
		}
	}
	ch.spareProv = &ep.PaymentProvider{Type: "STRIPE", Name: "Spare provider", DirectDebitWithName: str("Spare DD name"), Status: "INACTIVE",
		CreditorIdentifier: str("SPARE-CREDITOR"), InstantBankPayments: true, RetryIfPossible: true, ContractOwnerIDs: []int32{spareOwner}}
	written(t, "PaymentProvider (spare)", ch.spareProv, map[string]string{
		"ID":                     "assigned by CreateProvider",
		"AcceptExternalPayments": "bool pattern TTFF of the spare provider (the round-trip one is TFTF)",
		"SyncInstantBankPaymentsWithMandateCreation": "bool pattern TTFF of the spare provider",
	})
	ch.prov = &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "GoCardless round trip", DirectDebitWithName: str("Elevate Collections"), Status: "INACTIVE",
		CreditorIdentifier: str("GB12ZZZSDDBARC0000007495895"), InstantBankPayments: true, AcceptExternalPayments: true,
		ContractOwnerIDs: []int32{rtOwner, 43}}
	written(t, "PaymentProvider", ch.prov, map[string]string{
		"ID":              "assigned by CreateProvider",
		"RetryIfPossible": "bool pattern TFTF, so with the spare's TTFF every pair of bool columns differs once; the update sets all true",
		"SyncInstantBankPaymentsWithMandateCreation": "bool pattern TFTF (see RetryIfPossible)",
	})
	for _, p := range []*ep.PaymentProvider{ch.spareProv, ch.prov} {
		if err := tx.CreateProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	written(t, "PaymentProvider as created", ch.prov, map[string]string{
		"RetryIfPossible": "bool pattern TFTF", "SyncInstantBankPaymentsWithMandateCreation": "bool pattern TFTF"})
	for i := 0; i < 5; i++ {
		c := &ep.Customer{ContractOwnerID: spareOwner, CustomerName: fmt.Sprint("Spare customer ", i), CurrencyID: 1, Exp: 2}
		if err := tx.CreateCustomer(c); err != nil {
			t.Fatal(err)
		}
		ch.spareCust = c
	}
	ch.cust = &ep.Customer{ContractOwnerID: rtOwner, CustomerName: "Round Trip Ltd", CustomerAccountNumber: str("RT-ACCT-0006"), CurrencyID: ch.cur.ID,
		Exp: ch.cur.DecimalPlaces, CreditThreshold: i64(500_017), OpenBillRunValue: 60_029}
	written(t, "Customer", ch.cust, map[string]string{
		"ID":      "assigned by CreateCustomer",
		"Balance": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
		"LastSeq": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
	})
	if err := tx.CreateCustomer(ch.cust); err != nil {
		t.Fatal(err)
	}
	written(t, "Customer as created", ch.cust, map[string]string{
		"Balance": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
		"LastSeq": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
	})
	for i := 0; i < 8; i++ {
		s := &ep.Site{CustomerID: ch.spareCust.ID, ContractOwnerID: spareOwner, SiteName: fmt.Sprint("Spare site ", i), StartDate: "2020-01-01"}
		if err := tx.CreateSite(s); err != nil {
			t.Fatal(err)
		}
		ch.spareSite = s
	}
	ch.site = &ep.Site{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, SiteName: "Round Trip HQ", StartDate: "2023-06-01", EndDate: str("2031-12-31"),
		Details: ep.SiteInvoiceDetails{PaymentMethod: str("GO_CARDLESS"), MandateStatus: str("ACTIVE"), MandateReference: str("MD-RT-0009"),
			ThirdPartyCustomerReference: str("CU-RT-0009"), PaymentProviderID: i32(ch.prov.ID)}}
	written(t, "Site", ch.site, map[string]string{"ID": "assigned by CreateSite"})
	if err := tx.CreateSite(ch.site); err != nil {
		t.Fatal(err)
	}
	written(t, "Site as created", ch.site, nil)
	for i := 0; i < 11; i++ {
		inv := newInvoice(ch.spareCust, ch.spareSite, fmt.Sprint("SPARE-", i), "2020-02-01", 100)
		if err := tx.CreateInvoice(inv); err != nil {
			t.Fatal(err)
		}
		ch.spareInv = inv
	}
	ch.inv = &ep.Invoice{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, SiteID: ch.site.ID, BillRunType: "ADHOC", BillRunID: i64(977),
		InvoiceNumber: "ADH-RT-012", InvoiceDate: "2024-01-05", DueDate: "2024-02-04", Total: 1_234_567, Outstanding: 1_200_003,
		CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, PaymentMethod: str("DIRECT_DEBIT"), AutoCollect: true, PaymentStatus: "PARTIALLY_PAID",
		ThirdPartyPaymentStatus: str("SUBMITTED"), ThirdPartyRefundStatus: str("PENDING_SUBMISSION")}
	figures := "written only by UpdateInvoiceFigures: RoundTripInvoices sets and reads it"
	written(t, "Invoice", ch.inv, map[string]string{"ID": "assigned by CreateInvoice",
		"Collected": figures, "InFlight": figures, "RefundsPending": figures, "RefundsSettled": figures})
	if err := tx.CreateInvoice(ch.inv); err != nil {
		t.Fatal(err)
	}
	written(t, "Invoice as created", ch.inv, map[string]string{
		"Collected": figures, "InFlight": figures, "RefundsPending": figures, "RefundsSettled": figures})
	return ch
}

// postEntries posts the round-trip customer's two ledger entries, after 13 throwaway ones on
// the spare customer (entry ids 14 and 15 on a fresh database).
func (ch *chain) postEntries(t *testing.T, tx store.Tx) {
	t.Helper()
	for _, c := range []*ep.Customer{ch.spareCust, ch.cust} {
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 13; i++ {
		if err := tx.PostEntry(entry(ch.spareCust, int64(i+1), "PAYMENT")); err != nil {
			t.Fatal(err)
		}
	}
	e0 := ep.LedgerEntry{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, Amount: -1_234_567, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces,
		Description: str("Adhoc invoice raised"), Reference: str("REF-RT-1"), Type: str("DIRECT_DEBIT"), PaymentDate: "2024-01-05",
		CustomerPaymentType: "ADHOC_INVOICE", TxnType: "ADHOC_INVOICE_CREATED", InvoiceID: i64(ch.inv.ID), InvoiceNumber: str(ch.inv.InvoiceNumber),
		BillRunType: str("ADHOC")}
	e1 := ep.LedgerEntry{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, Amount: 30_011, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces,
		Description: str("Payment received"), Reference: str("REF-RT-2"), Type: str("GO_CARDLESS"), PaymentDate: "2024-01-20",
		CustomerPaymentType: "INVOICE", TxnType: "PAYMENT", InvoiceID: i64(ch.inv.ID), InvoiceNumber: str("ADH-RT-012/P"),
		BillRunType: str("NORMAL")}
	server := "assigned by PostEntry"
	for i, e := range []*ep.LedgerEntry{&e0, &e1} {
		written(t, fmt.Sprint("LedgerEntry ", i), e, map[string]string{"ID": server, "Seq": server, "ResultingBalance": server})
		if err := tx.PostEntry(e); err != nil {
			t.Fatal(err)
		}
		ch.entries = append(ch.entries, *e)
	}
	// After posting, every field is set; the first posting on an empty ledger necessarily has
	// its resulting balance equal to its amount, so the second entry is the fully distinct one.
	written(t, "LedgerEntry 0 as posted", &ch.entries[0], map[string]string{
		"Amount==ResultingBalance": "the first posting on an empty ledger (entry 1 is fully distinct)"})
	written(t, "LedgerEntry 1 as posted", &ch.entries[1], nil)
	ch.cust.Balance = e1.ResultingBalance
	ch.cust.LastSeq = e1.Seq
}

// payment creates the round-trip invoice payment after 7 throwaway ones (id 8 on a fresh database).
func (ch *chain) payment(t *testing.T, tx store.Tx) *ep.InvoicePayment {
	t.Helper()
	for i := 0; i < 7; i++ {
		p := &ep.InvoicePayment{InvoiceID: ch.spareInv.ID, CustomerID: ch.spareCust.ID, ContractOwnerID: spareOwner, BillRunType: "NORMAL",
			Amount: 1, CurrencyID: 1, Exp: 2, Description: "spare", PaymentMethod: "CHEQUE", PaymentDate: "2020-01-01", CustomerPaymentType: "CUSTOMER", CreatedAt: 1}
		if err := tx.CreateInvoicePayment(p); err != nil {
			t.Fatal(err)
		}
	}
	p := &ep.InvoicePayment{InvoiceID: ch.inv.ID, CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, BillRunType: "ADHOC", BillRunID: i64(977),
		Amount: 30_011, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, Description: "Collection round trip", MetaData: str(`{"run":"rt"}`),
		ErrorInfo: str("retried once"), PaymentMethod: "GO_CARDLESS", PaymentDate: "2024-01-20", CustomerPaymentType: "INVOICE",
		CustomerPaymentID: i64(ch.entries[1].ID), ThirdPartyPaymentStatus: str("PAID_OUT"), PaymentProviderID: i32(ch.prov.ID),
		CountsCollected: true, CreatedAt: 1_705_700_001}
	written(t, "InvoicePayment", p, map[string]string{"ID": "assigned by CreateInvoicePayment"})
	if err := tx.CreateInvoicePayment(p); err != nil {
		t.Fatal(err)
	}
	written(t, "InvoicePayment as created", p, nil)
	return p
}

// ---- tests ----

func testRoundTripSettings(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		for k, v := range map[string]string{"rt.other": "other value", "rt.key": "value with 'quotes', \"dquotes\" and ✓"} {
			if got, err := tx.SetSettingIfAbsent(k, v); err != nil || got != v {
				t.Fatalf("SetSettingIfAbsent(%q) = %q, %v", k, got, err)
			}
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		got, ok, err := tx.Setting("rt.key")
		if err != nil || !ok || got != "value with 'quotes', \"dquotes\" and ✓" {
			t.Errorf("Setting(rt.key) = %q, %v, %v", got, ok, err)
		}
		return nil
	})
}

func testRoundTripUsers(t *testing.T, s store.Store) {
	spare := &ep.User{Username: "spare.user", PasswordHash: "spare-hash", ContractOwnerIDs: []int32{spareOwner}, Scopes: []string{"payments:read"}, Disabled: true}
	written(t, "User (spare)", spare, map[string]string{"ID": "assigned by CreateUser",
		"Admin":    "bool pattern FT of the spare user (the round-trip user is created TF)",
		"Failures": "written by SetUserAttempts, not CreateUser", "LockedUntil": "written by SetUserAttempts, not CreateUser"})
	u := &ep.User{Username: "rt.user", PasswordHash: "$argon2id$rt-hash", ContractOwnerIDs: []int32{rtOwner, 43}, Admin: true,
		Scopes: []string{"payments:read", "payments:write", "customers:read"}}
	written(t, "User", u, map[string]string{"ID": "assigned by CreateUser",
		"Disabled": "bool pattern TF (the spare is FT); SetUserDisabled sets it below",
		"Failures": "written by SetUserAttempts, not CreateUser", "LockedUntil": "written by SetUserAttempts, not CreateUser"})
	tx(t, s, func(tx store.Tx) error {
		for _, x := range []*ep.User{spare, u} {
			if err := tx.CreateUser(x); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, want := range []*ep.User{spare, u} {
				got, err := tx.UserByName(want.Username)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": UserByName("+want.Username+")", want, got)
			}
			list, err := tx.ListUsers()
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListUsers", []ep.User{*u, *spare}, list) // ordered by username
			return nil
		})
	}
	check("created")
	tx(t, s, func(tx store.Tx) error {
		if err := tx.SetUserAttempts(u.ID, 5, 1_800_000_123); err != nil {
			t.Fatal(err)
		}
		return tx.SetUserDisabled(u.Username, true)
	})
	u.Failures, u.LockedUntil, u.Disabled = 5, 1_800_000_123, true
	written(t, "User after SetUserAttempts and SetUserDisabled", u, nil)
	check("updated")
}

func testRoundTripCurrencies(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	tx(t, s, func(tx store.Tx) error {
		for _, want := range []*ep.Currency{ch.cur, ch.cur2} {
			written(t, "Currency as created", want, nil)
			got, err := tx.Currency(want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "Currency", want, got)
			list, _, err := tx.ListCurrencies(idIs(want.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, "ListCurrencies", []ep.Currency{*want}, list)
		}
		return nil
	})
}

func testRoundTripProviders(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, want := range []*ep.PaymentProvider{ch.spareProv, ch.prov} {
				got, err := tx.Provider(store.Scope{Owners: want.ContractOwnerIDs[:1]}, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": Provider("+want.Name+")", want, got)
				list, _, err := tx.ListProviders(store.AllOwners, idIs(int64(want.ID)))
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": ListProviders("+want.Name+")", []ep.PaymentProvider{*want}, list)
			}
			return nil
		})
	}
	check("created")
	// Update in two more bool patterns (TTFF, then TTTT): with the creation's TFTF every pair of
	// the four bool columns holds different values in some phase. Type is not written by
	// UpdateProvider and stays as created.
	p := ch.prov
	p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier = "GoCardless renamed", str("Elevate Renamed DD"), "ACTIVE", str("GB98ZZZSDDBARC0000001111111")
	p.InstantBankPayments, p.RetryIfPossible, p.AcceptExternalPayments, p.SyncInstantBankPaymentsWithMandateCreation = true, true, false, false
	p.ContractOwnerIDs = []int32{rtOwner, 47}
	tx(t, s, func(tx store.Tx) error { return tx.UpdateProvider(p) })
	check("updated TTFF")
	p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier = "GoCardless final", str("Elevate Final DD"), "INACTIVE", str("GB55ZZZSDDBARC0000002222222")
	p.AcceptExternalPayments, p.SyncInstantBankPaymentsWithMandateCreation = true, true
	p.ContractOwnerIDs = []int32{rtOwner, 43, 47}
	written(t, "PaymentProvider after update", p, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateProvider(p) })
	check("updated TTTT")
}

func testRoundTripCustomers(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, lock := range []bool{false, true} {
				got, err := tx.Customer(rtScope, ch.cust.ID, lock)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%s: Customer(lock=%v)", phase, lock), ch.cust, got)
			}
			list, _, err := tx.ListCustomers(rtScope, idIs(ch.cust.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListCustomers", []ep.Customer{*ch.cust}, list)
			return nil
		})
	}
	check("created")
	c := ch.cust
	c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp = "Round Trip Limited", str("RT-ACCT-0006-B"), ch.cur2.ID, ch.cur2.DecimalPlaces
	c.CreditThreshold, c.OpenBillRunValue = i64(700_019), 80_039
	written(t, "Customer update", c, map[string]string{
		"Balance": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
		"LastSeq": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
	})
	tx(t, s, func(tx store.Tx) error { return tx.UpdateCustomer(c) })
	check("updated")
}

func testRoundTripSites(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			got, err := tx.Site(rtScope, ch.site.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": Site", ch.site, got)
			list, _, err := tx.ListSites(rtScope, idIs(ch.site.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListSites", []ep.Site{*ch.site}, list)
			return nil
		})
	}
	check("created")
	// UpdateSite writes everything but the customer and contract owner, which stay.
	st := ch.site
	st.SiteName, st.StartDate, st.EndDate = "Round Trip Annex", "2024-02-02", str("2032-01-31")
	st.Details = ep.SiteInvoiceDetails{PaymentMethod: str("STRIPE_CARD"), MandateStatus: str("SUSPENDED_BY_PAYER"), MandateReference: str("MD-RT-0009-B"),
		ThirdPartyCustomerReference: str("CU-RT-0009-B"), PaymentProviderID: i32(ch.spareProv.ID)}
	written(t, "Site update", st, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateSite(st) })
	check("updated")
}

func testRoundTripInvoices(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string, open bool) {
		tx(t, s, func(tx store.Tx) error {
			for _, lock := range []bool{false, true} {
				got, err := tx.Invoice(rtScope, ch.inv.ID, lock)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%s: Invoice(lock=%v)", phase, lock), ch.inv, got)
			}
			list, _, err := tx.ListInvoices(rtScope, idIs(ch.inv.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListInvoices", []ep.Invoice{*ch.inv}, list)
			if open {
				adhoc := "ADHOC"
				list, err := tx.OpenInvoices(ch.cust.ID, &adhoc)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": OpenInvoices", []ep.Invoice{*ch.inv}, list)
			}
			return nil
		})
	}
	check("created", true)
	i := ch.inv
	i.Collected, i.InFlight, i.RefundsPending, i.RefundsSettled, i.Outstanding = 30_011, 4_553, 1_009, 2_017, 1_199_994
	i.PaymentStatus, i.ThirdPartyPaymentStatus, i.ThirdPartyRefundStatus = "PART_REFUNDED", str("CONFIRMED"), str("REFUND_SETTLED")
	written(t, "Invoice after UpdateInvoiceFigures", i, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateInvoiceFigures(i) })
	check("figures updated", false) // in flight: no longer an open invoice
}

func testRoundTripLedgerEntries(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); ch.postEntries(t, tx); return nil })
	tx(t, s, func(tx store.Tx) error {
		list, err := tx.Entries(rtScope, ch.cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Entries", ch.entries, list)
		for _, want := range ch.entries {
			got, err := tx.Entry(rtScope, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("Entry(%d)", want.ID), &want, got)
		}
		list, _, err = tx.ListEntries(rtScope, page(100, query.Cond{Param: "customer_id", Op: query.OpEq, IDs: []int64{ch.cust.ID}}))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ListEntries", ch.entries, list)
		// PostEntry's cached balance and ledger position on the customer.
		written(t, "Customer after postings", ch.cust, nil)
		got, err := tx.Customer(rtScope, ch.cust.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Customer after postings", ch.cust, got)
		return nil
	})
}

func testRoundTripInvoicePayments(t *testing.T, s store.Store) {
	var ch *chain
	var p *ep.InvoicePayment
	tx(t, s, func(tx store.Tx) error {
		ch = newChain(t, tx)
		ch.postEntries(t, tx)
		p = ch.payment(t, tx)
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		got, err := tx.InvoicePayment(rtScope, p.ID, p.BillRunType)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "InvoicePayment", p, got)
		list, _, err := tx.ListInvoicePayments(rtScope, p.BillRunType, idIs(p.ID))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ListInvoicePayments", []ep.InvoicePayment{*p}, list)
		last, err := tx.LastSuccessfulPayment(ch.inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "LastSuccessfulPayment", p, last)
		return nil
	})
}

func testRoundTripCredits(t *testing.T, s store.Store) {
	var ch *chain
	var c *ep.CustomerCredit
	tx(t, s, func(tx store.Tx) error {
		ch = newChain(t, tx)
		ch.postEntries(t, tx)
		c = &ep.CustomerCredit{EntryID: ch.entries[1].ID, CustomerID: ch.cust.ID, Remaining: 20_003}
		written(t, "CustomerCredit", c, nil)
		return tx.AddCredit(c)
	})
	tx(t, s, func(tx store.Tx) error {
		list, err := tx.Credits(ch.cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Credits", []ep.CustomerCredit{*c}, list)
		return nil
	})
}

func testRoundTripRefunds(t *testing.T, s store.Store) {
	var r *ep.Refund
	tx(t, s, func(tx store.Tx) error {
		ch := newChain(t, tx)
		ch.postEntries(t, tx)
		p := ch.payment(t, tx)
		r = &ep.Refund{InvoiceID: ch.inv.ID, CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, BillRunType: "ADHOC", ThirdPartyRefundStatus: "FUNDS_RETURNED",
			Description: str("Refund round trip"), ErrorInfo: str("bank reported late"), PaymentMethod: "STRIPE_DD", Amount: 1_009,
			CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, PaymentProviderID: i32(ch.prov.ID), InvoicePaymentID: i64(p.ID),
			EntryID: i64(ch.entries[0].ID), CreatedAt: 1_705_800_002}
		written(t, "Refund", r, map[string]string{"ID": "assigned by CreateRefund"})
		if err := tx.CreateRefund(r); err != nil {
			t.Fatal(err)
		}
		written(t, "Refund as created", r, nil)
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		list, _, err := tx.ListRefunds(rtScope, idIs(r.ID))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ListRefunds", []ep.Refund{*r}, list)
		return nil
	})
}

func testRoundTripIdempotency(t *testing.T, s store.Store) {
	rec := store.IdempotencyRecord{Subject: "svc-rt", Key: "key-rt-1", Fingerprint: "fp-rt", CreatedAt: 1_700_000_111}
	// read returns the stored record through IdempotencyBegin on the same key (a later request).
	read := func(tx store.Tx, k store.IdempotencyRecord) *store.IdempotencyRecord {
		got, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: k.Subject, Key: k.Key, Fingerprint: "another request", CreatedAt: 1})
		if err != nil || got == nil {
			t.Fatalf("IdempotencyBegin on a stored key: %+v, %v", got, err)
		}
		return got
	}
	tx(t, s, func(tx store.Tx) error {
		if got, err := tx.IdempotencyBegin(&rec); got != nil || err != nil {
			t.Fatalf("first IdempotencyBegin: %+v, %v", got, err)
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error { same(t, "begun", &rec, read(tx, rec)); return nil })
	// Completed, not executed: with the final completed and executed, the two bools differ once.
	rec.Status, rec.Header, rec.Body = 409, `{"X-Phase":["one"]}`, []byte(`{"phase":1}`)
	tx(t, s, func(tx store.Tx) error { return tx.IdempotencyComplete(&rec) })
	rec.Completed = true
	tx(t, s, func(tx store.Tx) error { same(t, "completed", &rec, read(tx, rec)); return nil })
	rec.Executed, rec.Status, rec.Header, rec.Body = true, 201, `{"Location":["/v1/rt/1"]}`, []byte(`{"id":1}`)
	written(t, "IdempotencyRecord", &rec, nil)
	tx(t, s, func(tx store.Tx) error { return tx.IdempotencyComplete(&rec) })
	tx(t, s, func(tx store.Tx) error { same(t, "completed and executed", &rec, read(tx, rec)); return nil })

	// IdempotencyTakeOver rewrites created_at and fingerprint.
	other := store.IdempotencyRecord{Subject: "svc-rt-2", Key: "key-rt-2", Fingerprint: "fp-old", CreatedAt: 1_700_000_222}
	tx(t, s, func(tx store.Tx) error { _, err := tx.IdempotencyBegin(&other); return err })
	taken := other
	taken.Fingerprint, taken.CreatedAt = "fp-new", 1_700_000_333
	tx(t, s, func(tx store.Tx) error {
		if won, err := tx.IdempotencyTakeOver(&taken, other.CreatedAt); !won || err != nil {
			t.Fatalf("IdempotencyTakeOver: %v, %v", won, err)
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error { same(t, "taken over", &taken, read(tx, taken)); return nil })
}

// testRoundTripGuards: the fixture guard and the field diff themselves fail when they must, so
// the round-trip tests above cannot pass vacuously.
func testRoundTripGuards(t *testing.T, _ store.Store) {
	full := func() *ep.Site {
		return &ep.Site{ID: 9, CustomerID: 6, ContractOwnerID: 41, SiteName: "a", StartDate: "b", EndDate: str("c"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: str("d"), MandateStatus: str("e"), MandateReference: str("f"),
				ThirdPartyCustomerReference: str("g"), PaymentProviderID: i32(2)}}
	}
	if p := fixtureProblems(full(), nil); len(p) != 0 {
		t.Fatalf("a fully distinct site is refused: %v", p)
	}
	wants := func(what string, p []string, fragments ...string) {
		t.Helper()
		joined := strings.Join(p, "\n")
		for _, f := range fragments {
			if !strings.Contains(joined, f) {
				t.Errorf("%s: problems %q do not mention %q", what, p, f)
			}
		}
		if len(p) != len(fragments) {
			t.Errorf("%s: %d problems %q, want %d", what, len(p), p, len(fragments))
		}
	}
	nested := full()
	nested.Details.MandateReference = nil
	wants("nil nested pointer", fixtureProblems(nested, nil), "Details.MandateReference is still its zero value")
	flag := &ep.Invoice{ID: 1, CustomerID: 2, ContractOwnerID: 3, SiteID: 4, BillRunType: "a", BillRunID: i64(5), InvoiceNumber: "b", InvoiceDate: "c",
		DueDate: "d", Total: 6, Outstanding: 7, CurrencyID: 8, Exp: 9, PaymentMethod: str("e"), PaymentStatus: "f",
		ThirdPartyPaymentStatus: str("g"), ThirdPartyRefundStatus: str("h"), Collected: 10, InFlight: 11, RefundsPending: 12, RefundsSettled: 13}
	wants("false bool", fixtureProblems(flag, nil), "AutoCollect is still its zero value")
	dup := full()
	dup.ContractOwnerID = int32(dup.CustomerID)
	dup.Details.MandateStatus = str("d")
	wants("equal fields", fixtureProblems(dup, nil), "CustomerID and ContractOwnerID are both 6", "Details.PaymentMethod and Details.MandateStatus are both d:")
	wants("excepted pair", fixtureProblems(dup, map[string]string{"CustomerID==ContractOwnerID": "x"}), "Details.PaymentMethod and Details.MandateStatus")
	wants("empty slice", fixtureProblems(&ep.User{ID: 1, Username: "u", PasswordHash: "h", Admin: true, Scopes: []string{"s"}, Disabled: true,
		Failures: 2, LockedUntil: 3}, nil), "ContractOwnerIDs is still its zero value")
	wants("stale exception", fixtureProblems(full(), map[string]string{"SiteName": "x"}), `exception "SiteName" is not needed`)

	var d []string
	swapped := full()
	swapped.CustomerID, swapped.ContractOwnerID = 41, 6
	swapped.Details.PaymentProviderID = nil
	diff("", reflect.ValueOf(full()), reflect.ValueOf(swapped), &d)
	want := []string{"CustomerID: want 6, got 41", "ContractOwnerID: want 41, got 6", "Details.PaymentProviderID: want &2, got nil"}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("diff = %q, want %q", d, want)
	}
	d = nil
	diff("", reflect.ValueOf([]byte("ab")), reflect.ValueOf([]byte("ba")), &d)
	if !reflect.DeepEqual(d, []string{`: want "ab", got "ba"`}) {
		t.Errorf("diff of bytes = %q", d)
	}
}
