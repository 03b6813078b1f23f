package service

import (
	"context"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// SiteInput is the writable state of a site.
type SiteInput struct {
	CustomerID int64
	SiteName   string
	StartDate  *string
	EndDate    *string
	Details    ep.SiteInvoiceDetails
}

func (s *Service) applySite(tx store.Tx, who Caller, site *ep.Site, cust *ep.Customer, in SiteInput) error {
	site.SiteName, site.EndDate, site.Details = in.SiteName, in.EndDate, in.Details
	if in.StartDate != nil {
		site.StartDate = *in.StartDate
	} else if site.StartDate == "" {
		site.StartDate = s.today()
	}
	if err := checkDate("startDate", site.StartDate); err != nil {
		return err
	}
	if site.EndDate != nil {
		if err := checkDate("endDate", *site.EndDate); err != nil {
			return err
		}
		if *site.EndDate < site.StartDate {
			return ep.Invalid("endDate", "must not be before startDate")
		}
	}
	d := site.Details
	if d.PaymentMethod != nil && !d.PaymentMethod.Valid() {
		return ep.Invalid("siteInvoiceDetails.paymentMethod", "is not a PaymentMethod")
	}
	if d.MandateStatus != nil && len([]rune(*d.MandateStatus)) > 50 {
		return ep.Invalid("siteInvoiceDetails.mandateStatus", "must be at most 50 characters")
	}
	if d.PaymentProviderID != nil {
		prov, err := tx.Provider(who.Scope(), *d.PaymentProviderID)
		if err != nil {
			return err
		}
		if !servesOwner(prov, cust.ContractOwnerID) {
			return ep.Invalid("siteInvoiceDetails.paymentProviderId", "payment provider does not serve the customer's contract owner")
		}
		if d.PaymentMethod == nil {
			return ep.Invalid("siteInvoiceDetails.paymentMethod", "is required when paymentProviderId is set")
		}
		if !prov.Type.Serves(*d.PaymentMethod) {
			return ep.Invalid("siteInvoiceDetails.paymentProviderId", fmt.Sprintf("payment provider of type %s cannot serve payment method %s", prov.Type, *d.PaymentMethod))
		}
		if d.MandateReference != nil && prov.Type.Family() == ep.FamilyGoCardless {
			// The reference must be checked live with the provider (OP-30); no provider is configured yet.
			return ep.Invalid("siteInvoiceDetails.mandateReference", "payment provider is not configured, so the mandate reference cannot be checked")
		}
	}
	return nil
}

func servesOwner(p *ep.PaymentProvider, co int32) bool {
	for _, id := range p.ContractOwnerIDs {
		if id == co {
			return true
		}
	}
	return false
}

// CreateSite creates a site of a visible customer.
func (s *Service) CreateSite(ctx context.Context, who Caller, in SiteInput) (site *ep.Site, err error) {
	err = s.write(ctx, who, func(tx store.Tx) error {
		cust, err := tx.Customer(who.Scope(), in.CustomerID, false)
		if err != nil {
			return err
		}
		site = &ep.Site{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID}
		if err := s.applySite(tx, who, site, cust, in); err != nil {
			return err
		}
		return tx.CreateSite(site)
	})
	return site, err
}

// Site returns a visible site.
func (s *Service) Site(ctx context.Context, who Caller, id int64) (*ep.Site, error) {
	return readOne(ctx, s, func(tx store.Tx) (*ep.Site, error) { return tx.Site(who.Scope(), id) })
}

// ListSites lists the caller's sites.
func (s *Service) ListSites(ctx context.Context, who Caller, l query.List) ([]ep.Site, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Site, int64, error) { return tx.ListSites(who.Scope(), l) })
}

// UpdateSite changes a site through edit (see UpdateCustomer); customerId is immutable.
func (s *Service) UpdateSite(ctx context.Context, who Caller, id int64, edit func(*ep.Site) (SiteInput, error)) (site *ep.Site, err error) {
	err = s.write(ctx, who, func(tx store.Tx) error {
		site, err = tx.Site(who.Scope(), id)
		if err != nil {
			return err
		}
		before := site.Details
		in, err := edit(site)
		if err != nil {
			return err
		}
		if in.CustomerID != site.CustomerID {
			return ep.Invalid("customerId", "is immutable")
		}
		cust, err := tx.Customer(store.AllOwners, site.CustomerID, false)
		if err != nil {
			return err
		}
		// Only a changed provider or mandate reference re-runs the provider checks (§4.37).
		if equalPtr(before.PaymentProviderID, in.Details.PaymentProviderID) && equalPtr(before.MandateReference, in.Details.MandateReference) &&
			equalPtr(before.PaymentMethod, in.Details.PaymentMethod) {
			saved := in.Details.PaymentProviderID
			in.Details.PaymentProviderID = nil
			if err := s.applySite(tx, who, site, cust, in); err != nil {
				return err
			}
			site.Details.PaymentProviderID = saved
		} else if err := s.applySite(tx, who, site, cust, in); err != nil {
			return err
		}
		return tx.UpdateSite(site)
	})
	if err != nil {
		return nil, err
	}
	return site, nil
}

// equalPtr reports whether a and b are both nil or point to equal values.
func equalPtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
