package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func customerOut(c *ep.Customer) api.Customer {
	return api.Customer{Id: c.ID, ContractOwnerId: c.ContractOwnerID, CustomerName: c.CustomerName, CustomerAccountNumber: c.CustomerAccountNumber,
		CurrencyId: c.CurrencyID, CreditThreshold: amountPtr(c.CreditThreshold, c.Exp), OpenBillRunValue: amount(c.OpenBillRunValue, c.Exp)}
}

func customerIn(r *api.CustomerRequest) service.CustomerInput {
	return service.CustomerInput{ContractOwnerID: r.ContractOwnerId, CustomerName: r.CustomerName, CustomerAccountNumber: r.CustomerAccountNumber,
		CurrencyID: r.CurrencyId, CreditThreshold: r.CreditThreshold, OpenBillRunValue: r.OpenBillRunValue}
}

// getCustomers serves GET /v1/customers (spec §4.30: Get a list of customers).
func (s *Server) getCustomers(c *call) error {
	list, total, err := s.svc.ListCustomers(c.ctx(), c.who(), c.list)
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
	cust, err := s.svc.CreateCustomer(c.ctx(), c.who(), customerIn(&req))
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
	cust, err := s.svc.Customer(c.ctx(), c.who(), id)
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
	cust, err := s.svc.UpdateCustomer(c.ctx(), c.who(), id, func(cur *ep.Customer) (service.CustomerInput, error) {
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
