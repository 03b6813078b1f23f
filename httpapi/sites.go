package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func siteOut(s *ep.Site) api.Site {
	d := s.Details
	return api.Site{Id: s.ID, CustomerId: s.CustomerID, SiteName: s.SiteName, StartDate: date(s.StartDate), EndDate: datePtr(s.EndDate),
		SiteInvoiceDetails: api.SiteInvoiceDetails{PaymentMethod: enum[api.PaymentMethod](d.PaymentMethod), MandateStatus: d.MandateStatus,
			MandateReference: d.MandateReference, ThirdPartyCustomerReference: d.ThirdPartyCustomerReference, PaymentProviderId: d.PaymentProviderID}}
}

func siteIn(r *api.SiteRequest) service.SiteInput {
	return service.SiteInput{CustomerID: r.CustomerId, SiteName: r.SiteName, StartDate: dateString(r.StartDate), EndDate: dateString(r.EndDate),
		Details: siteDetailsIn(r.SiteInvoiceDetails)}
}

func siteDetailsIn(d *api.SiteInvoiceDetailsRequest) ep.SiteInvoiceDetails {
	if d == nil {
		return ep.SiteInvoiceDetails{}
	}
	return ep.SiteInvoiceDetails{PaymentMethod: enum[ep.PaymentMethod](d.PaymentMethod), MandateStatus: d.MandateStatus, MandateReference: d.MandateReference,
		ThirdPartyCustomerReference: d.ThirdPartyCustomerReference, PaymentProviderID: d.PaymentProviderId}
}

// getSites serves GET /v1/sites (spec §4.34: Get a list of sites).
func (s *Server) getSites(c *call) error {
	list, total, err := s.svc.ListSites(c.ctx(), c.who(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, siteOut), total)
}

// createSite serves POST /v1/sites (spec §4.35: Create a site).
func (s *Server) createSite(c *call) error {
	var req api.SiteRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	site, err := s.svc.CreateSite(c.ctx(), c.who(), siteIn(&req))
	if err != nil {
		return err
	}
	return c.created(location("sites", site.ID), siteOut(site))
}

// getSite serves GET /v1/sites/{site_id} (spec §4.36: Get a specific site).
func (s *Server) getSite(c *call) error {
	id, err := c.pathID("site_id")
	if err != nil {
		return err
	}
	site, err := s.svc.Site(c.ctx(), c.who(), id)
	if err != nil {
		return err
	}
	return c.ok(siteOut(site))
}

// updateSite serves PATCH /v1/sites/{site_id} (spec §4.37: Update a site).
func (s *Server) updateSite(c *call) error {
	id, err := c.pathID("site_id")
	if err != nil {
		return err
	}
	site, err := s.svc.UpdateSite(c.ctx(), c.who(), id, func(cur *ep.Site) (service.SiteInput, error) {
		var req api.SiteRequest
		if err := c.patch(siteOut(cur), "SiteRequest", []string{"id", "customerId"}, &req); err != nil {
			return service.SiteInput{}, err
		}
		return siteIn(&req), nil
	})
	if err != nil {
		return err
	}
	return c.ok(siteOut(site))
}
