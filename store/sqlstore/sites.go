// Sites of customers, with their payment set-up.

package sqlstore

import (
	"database/sql"
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

const siteColumns = "s.id, s.customer_id, s.contract_owner_id, s.site_name, s.start_date, s.end_date, s.payment_method, s.mandate_status, s.mandate_reference, s.third_party_customer_reference, s.payment_provider_id"

func scanSite(r rowScanner) (*ep.Site, error) {
	var s ep.Site
	var end, method, mstatus, mref, tpref sql.NullString
	var prov sql.NullInt32
	if err := r.Scan(&s.ID, &s.CustomerID, &s.ContractOwnerID, &s.SiteName, &s.StartDate, &end, &method, &mstatus, &mref, &tpref, &prov); err != nil {
		return nil, err
	}
	s.EndDate = nullString(end)
	s.Details = ep.SiteInvoiceDetails{PaymentMethod: nullString(method), MandateStatus: nullString(mstatus),
		MandateReference: nullString(mref), ThirdPartyCustomerReference: nullString(tpref)}
	if prov.Valid {
		s.Details.PaymentProviderID = &prov.Int32
	}
	return &s, nil
}

func (t *tx) CreateSite(s *ep.Site) error {
	d := s.Details
	id, err := t.insert(`INSERT INTO sites (customer_id, contract_owner_id, site_name, start_date, end_date, payment_method, mandate_status, mandate_reference, third_party_customer_reference, payment_provider_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.CustomerID, s.ContractOwnerID, s.SiteName, s.StartDate, s.EndDate,
		d.PaymentMethod, d.MandateStatus, d.MandateReference, d.ThirdPartyCustomerReference, d.PaymentProviderID)
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) Site(sc store.Scope, id int64) (*ep.Site, error) {
	cond, args := scopeCond(sc, "s.contract_owner_id")
	s, err := scanSite(t.queryRow("SELECT "+siteColumns+" FROM sites s WHERE s.id = ? AND "+cond, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("site")
	} else if err != nil {
		return nil, fmt.Errorf("read site %d: %w", id, err)
	}
	return s, nil
}

func (t *tx) UpdateSite(s *ep.Site) error {
	d := s.Details
	_, err := t.exec(`UPDATE sites SET site_name = ?, start_date = ?, end_date = ?, payment_method = ?, mandate_status = ?, mandate_reference = ?, third_party_customer_reference = ?, payment_provider_id = ? WHERE id = ?`,
		s.SiteName, s.StartDate, s.EndDate, d.PaymentMethod, d.MandateStatus, d.MandateReference, d.ThirdPartyCustomerReference, d.PaymentProviderID, s.ID)
	if err != nil {
		return fmt.Errorf("update site %d: %w", s.ID, err)
	}
	return nil
}

func (t *tx) ListSites(sc store.Scope, l query.List) ([]ep.Site, int64, error) {
	return listOf(t, sites, sc, l, siteColumns, scanSite, "list sites")
}
