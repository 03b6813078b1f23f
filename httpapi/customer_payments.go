package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func entryOut(e *ep.LedgerEntry) api.CustomerPayment {
	return api.CustomerPayment{Id: e.ID, CustomerId: e.CustomerID, AmountInMajorCurrency: amount(e.Amount, e.Exp),
		ResultingCustomerBalance: amount(e.ResultingBalance, e.Exp), CurrencyId: e.CurrencyID, Description: e.Description,
		Reference: e.Reference, Type: enum[api.PaymentMethod](e.Type), PaymentDate: date(e.PaymentDate),
		CustomerPaymentType: api.CustomerPaymentType(e.CustomerPaymentType), TxnType: api.TxnType(e.TxnType),
		InvoiceNumber: e.InvoiceNumber, InvoiceId: e.InvoiceID, BillRunType: enum[api.BillRunType](e.BillRunType)}
}

// getCustomerPayments serves GET /v1/customer-payments (spec §4.16: Get a list of customer or invoice payments).
func (s *Server) getCustomerPayments(c *call) error {
	id, err := c.customerIDParam()
	if err != nil {
		return err
	}
	list, total, err := s.svc.ListCustomerPayments(c.ctx(), c.who(), id, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, entryOut), total)
}

// createCustomerPayment serves POST /v1/customer-payments (spec §4.17: Create a new customer payment).
func (s *Server) createCustomerPayment(c *call) error {
	var req api.CustomerPaymentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	e, err := s.svc.CreateCustomerPayment(c.ctx(), c.who(), service.CustomerPaymentInput{CustomerID: int64(req.CustomerId), Amount: req.AmountInMajorCurrency,
		Description: req.Description, Reference: req.Reference, Type: ep.PaymentMethod(req.Type), BillRunType: enum[ep.BillRunType](req.BillRunType),
		PaymentDate: dateString(req.PaymentDate)})
	if err != nil {
		return err
	}
	writeJSON(c.w, 200, entryOut(e))
	return nil
}

// getCustomerPayment serves GET /v1/customer-payments/{customer_payment_id} (spec §4.18: Get a specific customer payment).
func (s *Server) getCustomerPayment(c *call) error {
	id, err := c.pathID("customer_payment_id")
	if err != nil {
		return err
	}
	e, err := s.svc.CustomerPayment(c.ctx(), c.who(), id)
	if err != nil {
		return err
	}
	return c.ok(entryOut(e))
}
