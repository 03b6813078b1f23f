package storetest

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Fixtures: the rows the conformance tests write. seed, newInvoice and entry make plain rows;
// chain is the fully set, fully distinct reference data of the round-trip tests.

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

func newInvoice(c *ep.Customer, site *ep.Site, number, due string, total int64) *ep.Invoice {
	return &ep.Invoice{CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, SiteID: site.ID, BillRunType: "NORMAL", InvoiceNumber: number,
		InvoiceDate: "2024-01-01", DueDate: due, Total: total, Outstanding: total, CurrencyID: c.CurrencyID, Exp: c.Exp, PaymentStatus: "UNPAID"}
}

// seedInvoiced creates, in a transaction of its own, a customer of contract owner 7 with a site
// and one NORMAL invoice of total, posted on its ledger (INVOICE_CREATED) as invoice creation
// does.
func seedInvoiced(t *testing.T, s store.Store, name, number string, total int64) (*ep.Customer, *ep.Invoice) {
	t.Helper()
	var c *ep.Customer
	var inv *ep.Invoice
	tx(t, s, func(tx store.Tx) error {
		var site *ep.Site
		c, site = seed(t, tx, 7, name)
		inv = newInvoice(c, site, number, "2024-02-01", total)
		if err := tx.CreateInvoice(inv); err != nil {
			return err
		}
		return tx.PostEntry(c, entry(c, -total, ep.TxnInvoiceCreated))
	})
	return c, inv
}

func entry(c *ep.Customer, amount int64, txn ep.TxnType) *ep.LedgerEntry {
	return &ep.LedgerEntry{CustomerID: c.ID, ContractOwnerID: c.ContractOwnerID, Amount: amount, CurrencyID: c.CurrencyID, Exp: c.Exp,
		PaymentDate: "2024-01-01", CustomerPaymentType: "CUSTOMER", TxnType: txn}
}

func i64(n int64) *int64 { return &n }

func i32(n int32) *int32 { return &n }

func idIs(id int64) query.List {
	return page(100, query.Cond{Param: "id", Op: query.OpEq, IDs: []int64{id}})
}

// rtOwner is the contract owner of the round-trip rows; spareOwner owns the throwaway rows.
const (
	rtOwner    int32 = 41
	spareOwner int32 = 99
)

var rtScope = store.Scope{Owners: []int32{rtOwner}}

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
		Details: ep.SiteInvoiceDetails{PaymentMethod: ptr(ep.MethodGoCardless), MandateStatus: str("ACTIVE"), MandateReference: str("MD-RT-0009"),
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
		CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, PaymentMethod: ptr(ep.MethodDirectDebit), AutoCollect: true, PaymentStatus: "PARTIALLY_PAID",
		ThirdPartyPaymentStatus: ptr(ep.PaySubmitted), ThirdPartyRefundStatus: ptr(ep.RefundPendingSubmission)}
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
		if err := tx.PostEntry(ch.spareCust, entry(ch.spareCust, int64(i+1), "PAYMENT")); err != nil {
			t.Fatal(err)
		}
	}
	e0 := ep.LedgerEntry{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, Amount: -1_234_567, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces,
		Description: str("Adhoc invoice raised"), Reference: str("REF-RT-1"), Type: ptr(ep.MethodDirectDebit), PaymentDate: "2024-01-05",
		CustomerPaymentType: "ADHOC_INVOICE", TxnType: "ADHOC_INVOICE_CREATED", InvoiceID: i64(ch.inv.ID), InvoiceNumber: str(ch.inv.InvoiceNumber),
		BillRunType: ptr(ep.BillRunAdhoc)}
	e1 := ep.LedgerEntry{CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, Amount: 30_011, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces,
		Description: str("Payment received"), Reference: str("REF-RT-2"), Type: ptr(ep.MethodGoCardless), PaymentDate: "2024-01-20",
		CustomerPaymentType: "INVOICE", TxnType: "PAYMENT", InvoiceID: i64(ch.inv.ID), InvoiceNumber: str("ADH-RT-012/P"),
		BillRunType: ptr(ep.BillRunNormal)}
	server := "assigned by PostEntry"
	for i, e := range []*ep.LedgerEntry{&e0, &e1} {
		written(t, fmt.Sprint("LedgerEntry ", i), e, map[string]string{"ID": server, "Seq": server, "ResultingBalance": server})
		if err := tx.PostEntry(ch.cust, e); err != nil {
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
		CustomerPaymentID: i64(ch.entries[1].ID), ThirdPartyPaymentStatus: ptr(ep.PayPaidOut), PaymentProviderID: i32(ch.prov.ID),
		CountsCollected: true, CreatedAt: 1_705_700_001}
	written(t, "InvoicePayment", p, map[string]string{"ID": "assigned by CreateInvoicePayment"})
	if err := tx.CreateInvoicePayment(p); err != nil {
		t.Fatal(err)
	}
	written(t, "InvoicePayment as created", p, nil)
	return p
}

// normalPayment creates a NORMAL invoice of the round-trip customer and a payment of it, after
// the round-trip (ADHOC) payment (invoice 13 and payment 9 on a fresh database).
func (ch *chain) normalPayment(t *testing.T, tx store.Tx) *ep.InvoicePayment {
	t.Helper()
	inv := newInvoice(ch.cust, ch.site, "INV-RT-013", "2024-03-04", 50_021)
	inv.BillRunID = i64(983)
	if err := tx.CreateInvoice(inv); err != nil {
		t.Fatal(err)
	}
	p := &ep.InvoicePayment{InvoiceID: inv.ID, CustomerID: ch.cust.ID, ContractOwnerID: rtOwner, BillRunType: "NORMAL", BillRunID: i64(983),
		Amount: 20_011, CurrencyID: ch.cur.ID, Exp: ch.cur.DecimalPlaces, Description: "Normal collection round trip", MetaData: str(`{"run":"rt-normal"}`),
		ErrorInfo: str("retried twice"), PaymentMethod: "BACS", PaymentDate: "2024-03-10", CustomerPaymentType: "CUSTOMER",
		CustomerPaymentID: i64(ch.entries[0].ID), ThirdPartyPaymentStatus: ptr(ep.PayConfirmed), PaymentProviderID: i32(ch.spareProv.ID),
		CountsCollected: true, CreatedAt: 1_705_700_003}
	written(t, "InvoicePayment (normal)", p, map[string]string{"ID": "assigned by CreateInvoicePayment"})
	if err := tx.CreateInvoicePayment(p); err != nil {
		t.Fatal(err)
	}
	written(t, "InvoicePayment (normal) as created", p, nil)
	return p
}
