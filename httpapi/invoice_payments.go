package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func invoicePaymentOut(p *ep.InvoicePayment) api.InvoicePayment {
	return api.InvoicePayment{Id: p.ID, GeneratedInvoiceId: p.InvoiceID, ThirdPartyPaymentStatus: enum[api.ThirdPartyPaymentStatus](p.ThirdPartyPaymentStatus),
		AmountInMajorCurrency: amount(p.Amount, p.Exp), CurrencyId: p.CurrencyID, Description: p.Description, MetaData: p.MetaData,
		ErrorInfo: p.ErrorInfo, PaymentMethod: api.PaymentMethod(p.PaymentMethod), PaymentDate: date(p.PaymentDate),
		CustomerPaymentType: api.CustomerPaymentType(p.CustomerPaymentType), CustomerPaymentId: p.CustomerPaymentID}
}

func adhocPaymentOut(p *ep.InvoicePayment) api.AdhocInvoicePayment {
	return invoicePaymentAsAdhoc(invoicePaymentOut(p))
}

// invoicePaymentAsAdhoc renames generatedInvoiceId: the two wire types differ only there.
func invoicePaymentAsAdhoc(p api.InvoicePayment) api.AdhocInvoicePayment {
	return api.AdhocInvoicePayment{Id: p.Id, GeneratedAdhocInvoiceId: p.GeneratedInvoiceId, ThirdPartyPaymentStatus: p.ThirdPartyPaymentStatus,
		AmountInMajorCurrency: p.AmountInMajorCurrency, CurrencyId: p.CurrencyId, Description: p.Description, MetaData: p.MetaData,
		ErrorInfo: p.ErrorInfo, PaymentMethod: p.PaymentMethod, PaymentDate: p.PaymentDate, CustomerPaymentType: p.CustomerPaymentType,
		CustomerPaymentId: p.CustomerPaymentId}
}

// getInvoicePayments serves GET /v1/invoice-payments (spec §4.5: Get a list of available invoice payments).
func (s *Server) getInvoicePayments(c *call) error {
	list, total, err := s.svc.ListInvoicePayments(c.ctx(), c.who(), ep.BillRunNormal, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, invoicePaymentOut), total)
}

// getAdhocInvoicePayments serves GET /v1/adhoc-invoice-payments (spec §4.8: Get a list of available adhoc invoice payments).
func (s *Server) getAdhocInvoicePayments(c *call) error {
	list, total, err := s.svc.ListInvoicePayments(c.ctx(), c.who(), ep.BillRunAdhoc, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, adhocPaymentOut), total)
}

// createInvoicePayment serves POST /v1/invoice-payments (spec §4.6: Create a new invoice payment).
func (s *Server) createInvoicePayment(c *call) error {
	var req api.InvoicePaymentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	pay, err := s.svc.CreateInvoicePayment(c.ctx(), c.who(), service.PaymentInput{InvoiceID: req.GeneratedInvoiceId, BillRunType: ep.BillRunNormal,
		Amount: req.AmountInMajorCurrency, Description: req.Description, PaymentMethod: ep.PaymentMethod(req.PaymentMethod),
		PaymentDate: dateString(req.PaymentDate), ThirdPartyPaymentStatus: enum[ep.ThirdPartyPaymentStatus](req.ThirdPartyPaymentStatus)})
	if err != nil {
		return err
	}
	return c.created(location("invoice-payments", pay.ID), invoicePaymentOut(pay))
}

// createAdhocInvoicePayment serves POST /v1/adhoc-invoice-payments (spec §4.9: Create a new adhoc invoice payment).
func (s *Server) createAdhocInvoicePayment(c *call) error {
	var req api.AdhocInvoicePaymentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	pay, err := s.svc.CreateInvoicePayment(c.ctx(), c.who(), service.PaymentInput{InvoiceID: req.GeneratedAdhocInvoiceId, BillRunType: ep.BillRunAdhoc,
		Amount: req.AmountInMajorCurrency, Description: req.Description, PaymentMethod: ep.PaymentMethod(req.PaymentMethod),
		PaymentDate: dateString(req.PaymentDate), ThirdPartyPaymentStatus: enum[ep.ThirdPartyPaymentStatus](req.ThirdPartyPaymentStatus)})
	if err != nil {
		return err
	}
	return c.created(location("adhoc-invoice-payments", pay.ID), adhocPaymentOut(pay))
}

// getInvoicePayment serves GET /v1/invoice-payments/{invoice_payment_id} (spec §4.7: Get a specific invoice payment).
func (s *Server) getInvoicePayment(c *call) error {
	id, err := c.pathID("invoice_payment_id")
	if err != nil {
		return err
	}
	pay, err := s.svc.InvoicePayment(c.ctx(), c.who(), id, ep.BillRunNormal)
	if err != nil {
		return err
	}
	return c.ok(invoicePaymentOut(pay))
}

// getAdhocInvoicePayment serves GET /v1/adhoc-invoice-payments/{adhoc_invoice_payment_id} (spec §4.10: Get a specific adhoc invoice payment).
func (s *Server) getAdhocInvoicePayment(c *call) error {
	id, err := c.pathID("adhoc_invoice_payment_id")
	if err != nil {
		return err
	}
	pay, err := s.svc.InvoicePayment(c.ctx(), c.who(), id, ep.BillRunAdhoc)
	if err != nil {
		return err
	}
	return c.ok(adhocPaymentOut(pay))
}
