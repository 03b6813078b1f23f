package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// ---- currencies ----

// ListCurrencies lists currencies (global).
func (s *Service) ListCurrencies(ctx context.Context, l query.List) ([]ep.Currency, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Currency, int64, error) { return tx.ListCurrencies(l) })
}

// CreateCurrency creates a currency; the code must be unused.
func (s *Service) CreateCurrency(ctx context.Context, c *ep.Currency) error {
	return s.tx(ctx, func(tx store.Tx) error { return tx.CreateCurrency(c) })
}

// ---- customers ----

// CustomerInput is the writable state of a customer.
type CustomerInput struct {
	ContractOwnerID       int32
	CustomerName          string
	CustomerAccountNumber *string
	CurrencyID            int64
	CreditThreshold       *money.Decimal
	OpenBillRunValue      *money.Decimal
}

func applyCustomer(tx store.Tx, c *ep.Customer, in CustomerInput) error {
	cur, err := tx.Currency(in.CurrencyID)
	if err != nil {
		return err
	}
	c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp = in.CustomerName, in.CustomerAccountNumber, cur.ID, cur.DecimalPlaces
	c.CreditThreshold = nil
	if in.CreditThreshold != nil {
		v, err := minor("creditThreshold", *in.CreditThreshold, cur.DecimalPlaces)
		if err != nil {
			return err
		}
		c.CreditThreshold = &v
	}
	c.OpenBillRunValue = 0
	if in.OpenBillRunValue != nil {
		v, err := minor("openBillRunValue", *in.OpenBillRunValue, cur.DecimalPlaces)
		if err != nil {
			return err
		}
		c.OpenBillRunValue = v
	}
	return nil
}

// CreateCustomer creates a customer of one of the caller's contract owners.
func (s *Service) CreateCustomer(ctx context.Context, p auth.Principal, in CustomerInput) (*ep.Customer, error) {
	if !p.SeesContractOwner(in.ContractOwnerID) {
		return nil, ep.Errorf(ep.EFORBIDDEN, "contract owner %d is not among the caller's contract owners", in.ContractOwnerID)
	}
	c := &ep.Customer{ContractOwnerID: in.ContractOwnerID}
	err := s.tx(ctx, func(tx store.Tx) error {
		if err := applyCustomer(tx, c, in); err != nil {
			return err
		}
		return tx.CreateCustomer(c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Customer returns a visible customer.
func (s *Service) Customer(ctx context.Context, p auth.Principal, id int64) (*ep.Customer, error) {
	return read(ctx, s, func(tx store.Tx) (*ep.Customer, error) { return tx.Customer(ScopeOf(p), id, false) })
}

// ListCustomers lists the caller's customers.
func (s *Service) ListCustomers(ctx context.Context, p auth.Principal, l query.List) ([]ep.Customer, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Customer, int64, error) { return tx.ListCustomers(ScopeOf(p), l) })
}

// UpdateCustomer changes a customer: edit receives the current state and returns the new
// writable state (the HTTP layer applies a JSON Patch there). contractOwnerId is immutable and
// currencyId can change only while the customer has no account entries.
func (s *Service) UpdateCustomer(ctx context.Context, p auth.Principal, id int64, edit func(*ep.Customer) (CustomerInput, error)) (c *ep.Customer, err error) {
	err = s.tx(ctx, func(tx store.Tx) error {
		c, err = tx.Customer(ScopeOf(p), id, true)
		if err != nil {
			return err
		}
		in, err := edit(c)
		if err != nil {
			return err
		}
		if in.ContractOwnerID != c.ContractOwnerID {
			return ep.Invalid("contractOwnerId", "is immutable")
		}
		if in.CurrencyID != c.CurrencyID && c.LastSeq > 0 {
			return ep.Invalid("currencyId", "cannot change once the customer has account entries")
		}
		if err := applyCustomer(tx, c, in); err != nil {
			return err
		}
		return tx.UpdateCustomer(c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ---- sites ----

// SiteInput is the writable state of a site.
type SiteInput struct {
	CustomerID int64
	SiteName   string
	StartDate  *string
	EndDate    *string
	Details    ep.SiteInvoiceDetails
}

func (s *Service) applySite(tx store.Tx, p auth.Principal, site *ep.Site, cust *ep.Customer, in SiteInput) error {
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
	if d.PaymentMethod != nil && !ep.Contains(ep.PaymentMethods, *d.PaymentMethod) {
		return ep.Invalid("siteInvoiceDetails.paymentMethod", "is not a PaymentMethod")
	}
	if d.MandateStatus != nil && len([]rune(*d.MandateStatus)) > 50 {
		return ep.Invalid("siteInvoiceDetails.mandateStatus", "must be at most 50 characters")
	}
	if d.PaymentProviderID != nil {
		prov, err := tx.Provider(ScopeOf(p), *d.PaymentProviderID)
		if err != nil {
			return err
		}
		if !servesOwner(prov, cust.ContractOwnerID) {
			return ep.Invalid("siteInvoiceDetails.paymentProviderId", "payment provider does not serve the customer's contract owner")
		}
		if d.PaymentMethod == nil {
			return ep.Invalid("siteInvoiceDetails.paymentMethod", "is required when paymentProviderId is set")
		}
		if !ep.ProviderServesMethod(prov.Type, *d.PaymentMethod) {
			return ep.Invalid("siteInvoiceDetails.paymentProviderId", "payment provider of type "+prov.Type+" cannot serve payment method "+*d.PaymentMethod)
		}
		if d.MandateReference != nil && ep.MethodFamily(prov.Type) == ep.FamilyGoCardless {
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
func (s *Service) CreateSite(ctx context.Context, p auth.Principal, in SiteInput) (site *ep.Site, err error) {
	err = s.tx(ctx, func(tx store.Tx) error {
		cust, err := tx.Customer(ScopeOf(p), in.CustomerID, false)
		if err != nil {
			return err
		}
		site = &ep.Site{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID}
		if err := s.applySite(tx, p, site, cust, in); err != nil {
			return err
		}
		return tx.CreateSite(site)
	})
	return site, err
}

// Site returns a visible site.
func (s *Service) Site(ctx context.Context, p auth.Principal, id int64) (*ep.Site, error) {
	return read(ctx, s, func(tx store.Tx) (*ep.Site, error) { return tx.Site(ScopeOf(p), id) })
}

// ListSites lists the caller's sites.
func (s *Service) ListSites(ctx context.Context, p auth.Principal, l query.List) ([]ep.Site, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Site, int64, error) { return tx.ListSites(ScopeOf(p), l) })
}

// UpdateSite changes a site through edit (see UpdateCustomer); customerId is immutable.
func (s *Service) UpdateSite(ctx context.Context, p auth.Principal, id int64, edit func(*ep.Site) (SiteInput, error)) (site *ep.Site, err error) {
	err = s.tx(ctx, func(tx store.Tx) error {
		site, err = tx.Site(ScopeOf(p), id)
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
		if equalInt32(before.PaymentProviderID, in.Details.PaymentProviderID) && equalString(before.MandateReference, in.Details.MandateReference) &&
			equalString(before.PaymentMethod, in.Details.PaymentMethod) {
			saved := in.Details.PaymentProviderID
			in.Details.PaymentProviderID = nil
			if err := s.applySite(tx, p, site, cust, in); err != nil {
				return err
			}
			site.Details.PaymentProviderID = saved
		} else if err := s.applySite(tx, p, site, cust, in); err != nil {
			return err
		}
		return tx.UpdateSite(site)
	})
	if err != nil {
		return nil, err
	}
	return site, nil
}

func equalString(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
func equalInt32(a, b *int32) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
