package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

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
		got.Details = ep.SiteInvoiceDetails{PaymentMethod: ptr(ep.MethodGoCardless), MandateStatus: str("ACTIVE"), MandateReference: str("MD000XYZ"), PaymentProviderID: &pid}
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
			siteColumnsLand(t, tx, phase, ch.site)
			return nil
		})
	}
	check("created")
	// UpdateSite writes everything but the customer and contract owner, which stay.
	st := ch.site
	st.SiteName, st.StartDate, st.EndDate = "Round Trip Annex", "2024-02-02", str("2032-01-31")
	st.Details = ep.SiteInvoiceDetails{PaymentMethod: ptr(ep.MethodStripeCard), MandateStatus: str("SUSPENDED_BY_PAYER"), MandateReference: str("MD-RT-0009-B"),
		ThirdPartyCustomerReference: str("CU-RT-0009-B"), PaymentProviderID: i32(ch.spareProv.ID)}
	written(t, "Site update", st, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateSite(st) })
	check("updated")
}

// siteColumnsLand: ListSites filters on id and customerId and scopes by contract owner, each of
// which must find the written site by its own value only.
func siteColumnsLand(t *testing.T, tx store.Tx, phase string, st *ep.Site) {
	t.Helper()
	landWhereNamed(t, phase+": ListSites", *st, func(s ep.Site) int64 { return s.ID },
		[]column{{"id", "ID"}, {"customerId", "CustomerID"}, {byScope, "ContractOwnerID"}}, tx.ListSites)
}
