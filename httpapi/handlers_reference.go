package httpapi

import (
	"strconv"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func location(collection string, id int64) string {
	return "/v1/" + collection + "/" + strconv.FormatInt(id, 10)
}

func mapSlice[T, U any](in []T, f func(*T) U) []U {
	out := make([]U, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}

// authenticate serves POST /v1/authenticate (spec §4.27: Create bearer token).
func (s *Server) authenticate(c *call) error {
	var req api.AuthenticateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	token, err := s.svc.Authenticate(c.ctx(), req.Brand, req.Username, req.Password)
	if err != nil {
		return err
	}
	writeJSON(c.w, 200, api.AuthenticateResponse{Token: token, Username: req.Username})
	return nil
}

// getCurrencies serves GET /v1/currencies (spec §4.28: Get a list of currencies).
func (s *Server) getCurrencies(c *call) error {
	list, total, err := s.svc.ListCurrencies(c.ctx(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, currencyOut), total)
}

// createCurrency serves POST /v1/currencies (spec §4.29: Create a currency).
func (s *Server) createCurrency(c *call) error {
	var req api.CurrencyRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	cur := &ep.Currency{Name: req.Name, Code: req.Code, MajorCurrencyName: req.MajorCurrencyName, MinorCurrencyName: req.MinorCurrencyName, DecimalPlaces: 2}
	if req.DecimalPlaces != nil {
		cur.DecimalPlaces = *req.DecimalPlaces
	}
	if err := s.svc.CreateCurrency(c.ctx(), cur); err != nil {
		return err
	}
	return c.created("", currencyOut(cur))
}

func customerIn(r *api.CustomerRequest) service.CustomerInput {
	return service.CustomerInput{ContractOwnerID: r.ContractOwnerId, CustomerName: r.CustomerName, CustomerAccountNumber: r.CustomerAccountNumber,
		CurrencyID: r.CurrencyId, CreditThreshold: r.CreditThreshold, OpenBillRunValue: r.OpenBillRunValue}
}

// getCustomers serves GET /v1/customers (spec §4.30: Get a list of customers).
func (s *Server) getCustomers(c *call) error {
	list, total, err := s.svc.ListCustomers(c.ctx(), c.p, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, customerOut), total)
}

// createCustomer serves POST /v1/customers (spec §4.31: Create a customer).
func (s *Server) createCustomer(c *call) error {
	var req api.CustomerRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	cust, err := s.svc.CreateCustomer(c.ctx(), c.p, customerIn(&req))
	if err != nil {
		return err
	}
	return c.created(location("customers", cust.ID), customerOut(cust))
}

// getCustomer serves GET /v1/customers/{customer_id} (spec §4.32: Get a specific customer).
func (s *Server) getCustomer(c *call) error {
	id, err := c.pathID("customer_id")
	if err != nil {
		return err
	}
	cust, err := s.svc.Customer(c.ctx(), c.p, id)
	if err != nil {
		return err
	}
	return c.ok(customerOut(cust))
}

// updateCustomer serves PATCH /v1/customers/{customer_id} (spec §4.33: Update a customer).
func (s *Server) updateCustomer(c *call) error {
	id, err := c.pathID("customer_id")
	if err != nil {
		return err
	}
	cust, err := s.svc.UpdateCustomer(c.ctx(), c.p, id, func(cur *ep.Customer) (service.CustomerInput, error) {
		var req api.CustomerRequest
		if err := c.patch(customerOut(cur), "CustomerRequest", []string{"id", "contractOwnerId"}, &req); err != nil {
			return service.CustomerInput{}, err
		}
		return customerIn(&req), nil
	})
	if err != nil {
		return err
	}
	return c.ok(customerOut(cust))
}

func siteIn(r *api.SiteRequest) service.SiteInput {
	return service.SiteInput{CustomerID: r.CustomerId, SiteName: r.SiteName, StartDate: dateString(r.StartDate), EndDate: dateString(r.EndDate),
		Details: siteDetailsIn(r.SiteInvoiceDetails)}
}

// getSites serves GET /v1/sites (spec §4.34: Get a list of sites).
func (s *Server) getSites(c *call) error {
	list, total, err := s.svc.ListSites(c.ctx(), c.p, c.list)
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
	site, err := s.svc.CreateSite(c.ctx(), c.p, siteIn(&req))
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
	site, err := s.svc.Site(c.ctx(), c.p, id)
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
	site, err := s.svc.UpdateSite(c.ctx(), c.p, id, func(cur *ep.Site) (service.SiteInput, error) {
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

// getInvoices serves GET /v1/invoices (spec §4.38: Get a list of invoices).
func (s *Server) getInvoices(c *call) error {
	list, total, err := s.svc.ListInvoices(c.ctx(), c.p, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, invoiceOut), total)
}

// createInvoice serves POST /v1/invoices (spec §4.39: Create an invoice).
func (s *Server) createInvoice(c *call) error {
	var req api.InvoiceRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	in := service.InvoiceInput{CustomerID: req.CustomerId, SiteID: req.SiteId, BillRunType: string(req.BillRunType), BillRunID: req.BillRunId,
		InvoiceNumber: req.InvoiceNumber, InvoiceDate: req.InvoiceDate.Format("2006-01-02"), DueDate: req.DueDate.Format("2006-01-02"),
		Total: req.TotalInMajorCurrency, CurrencyID: req.CurrencyId, PaymentMethod: enumStr(req.PaymentMethod), AutoCollect: req.AutoCollect}
	inv, err := s.svc.CreateInvoice(c.ctx(), c.p, in)
	if err != nil {
		return err
	}
	return c.created(location("invoices", inv.ID), invoiceOut(inv))
}

// getInvoice serves GET /v1/invoices/{invoice_id} (spec §4.40: Get a specific invoice).
func (s *Server) getInvoice(c *call) error {
	id, err := c.pathID("invoice_id")
	if err != nil {
		return err
	}
	inv, err := s.svc.Invoice(c.ctx(), c.p, id)
	if err != nil {
		return err
	}
	return c.ok(invoiceOut(inv))
}

// getPaymentProviders serves GET /v1/payment-providers (spec §4.1: Get a list of payment providers).
func (s *Server) getPaymentProviders(c *call) error {
	list, total, err := s.svc.ListProviders(c.ctx(), c.p, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, providerOut), total)
}

// createPaymentProvider serves POST /v1/payment-providers (spec §4.2: Create a payment provider).
func (s *Server) createPaymentProvider(c *call) error {
	var req api.PaymentProviderRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	prov := providerIn(&req)
	if err := s.svc.CreateProvider(c.ctx(), c.p, prov); err != nil {
		return err
	}
	return c.created(location("payment-providers", int64(prov.ID)), providerOut(prov))
}

// getPaymentProvider serves GET /v1/payment-providers/{payment_provider_id} (spec §4.3: Get a specific payment provider).
func (s *Server) getPaymentProvider(c *call) error {
	id, err := c.pathID32("payment_provider_id")
	if err != nil {
		return err
	}
	prov, err := s.svc.Provider(c.ctx(), c.p, id)
	if err != nil {
		return err
	}
	return c.ok(providerOut(prov))
}

// updatePaymentProvider serves PATCH /v1/payment-providers/{payment_provider_id} (spec §4.4: Update the payment provider).
func (s *Server) updatePaymentProvider(c *call) error {
	id, err := c.pathID32("payment_provider_id")
	if err != nil {
		return err
	}
	prov, err := s.svc.UpdateProvider(c.ctx(), c.p, id, func(cur *ep.PaymentProvider) (*ep.PaymentProvider, error) {
		var req api.PaymentProviderRequest
		if err := c.patch(providerOut(cur), "PaymentProviderRequest", []string{"id", "type"}, &req); err != nil {
			return nil, err
		}
		return providerIn(&req), nil
	})
	if err != nil {
		return err
	}
	return c.ok(providerOut(prov))
}
