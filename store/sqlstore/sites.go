// Sites of customers, with their payment set-up.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var sites = &resource{
	from:  "sites s",
	owner: "s.contract_owner_id",
	id:    "s.id",
	fields: map[string]field{
		"id": {expr: "s.id", kind: kInt}, "customerId": {expr: "s.customer_id", kind: kInt},
		"siteName": {expr: "s.site_name", kind: kText}, "startDate": {expr: "s.start_date", kind: kDate},
		"endDate":       {expr: "s.end_date", kind: kDate},
		"mandateStatus": {expr: "s.mandate_status", kind: kText}, "mandateReference": {expr: "s.mandate_reference", kind: kText},
	},
}

var siteCols = columns[ep.Site]{
	col("id", func(s *ep.Site) *int64 { return &s.ID }),
	col("customer_id", func(s *ep.Site) *int64 { return &s.CustomerID }),
	col("contract_owner_id", func(s *ep.Site) *int32 { return &s.ContractOwnerID }),
	col("site_name", func(s *ep.Site) *string { return &s.SiteName }),
	col("start_date", func(s *ep.Site) *string { return &s.StartDate }),
	nullCol("end_date", func(s *ep.Site) **string { return &s.EndDate }),
	nullCol("payment_method", func(s *ep.Site) **ep.PaymentMethod { return &s.Details.PaymentMethod }),
	nullCol("mandate_status", func(s *ep.Site) **string { return &s.Details.MandateStatus }),
	nullCol("mandate_reference", func(s *ep.Site) **string { return &s.Details.MandateReference }),
	nullCol("third_party_customer_reference", func(s *ep.Site) **string { return &s.Details.ThirdPartyCustomerReference }),
	nullCol("payment_provider_id", func(s *ep.Site) **int32 { return &s.Details.PaymentProviderID }),
}

var (
	siteInsert = siteCols.except("id")
	// siteUpdate: a site stays with its customer and contract owner.
	siteUpdate = siteCols.except("id", "customer_id", "contract_owner_id")
)

func (t *tx) CreateSite(s *ep.Site) error {
	id, err := t.insert(siteInsert.insertSQL("sites"), siteInsert.values(s)...)
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) Site(sc store.Scope, id int64) (*ep.Site, error) {
	cond, args := scopeCond(sc, "s.contract_owner_id")
	s, err := siteCols.scan(t.queryRow("SELECT "+siteCols.sel("s")+" FROM sites s WHERE s.id = ? AND "+cond, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("site")
	} else if err != nil {
		return nil, fmt.Errorf("read site %d: %w", id, err)
	}
	return s, nil
}

func (t *tx) UpdateSite(s *ep.Site) error {
	_, err := t.exec("UPDATE sites SET "+siteUpdate.set()+" WHERE id = ?", append(siteUpdate.values(s), s.ID)...)
	if err != nil {
		return fmt.Errorf("update site %d: %w", s.ID, err)
	}
	return nil
}

func (t *tx) ListSites(sc store.Scope, l query.List) ([]ep.Site, int64, error) {
	return listOf(t, sites, sc, l, siteCols, "s", "list sites")
}
