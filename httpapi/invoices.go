package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func invoiceOut(i *ep.Invoice) api.Invoice {
	return api.Invoice{Id: i.ID, CustomerId: i.CustomerID, SiteId: i.SiteID, BillRunType: api.BillRunType(i.BillRunType), BillRunId: i.BillRunID,
		InvoiceNumber: i.InvoiceNumber, InvoiceDate: date(i.InvoiceDate), DueDate: date(i.DueDate), TotalInMajorCurrency: amount(i.Total, i.Exp),
		OutstandingInMajorCurrency: amount(i.Outstanding, i.Exp), CurrencyId: i.CurrencyID, PaymentMethod: enum[api.PaymentMethod](i.PaymentMethod),
		AutoCollect: i.AutoCollect, PaymentStatus: api.PaymentStatus(i.PaymentStatus),
		ThirdPartyPaymentStatus: enum[api.ThirdPartyPaymentStatus](i.ThirdPartyPaymentStatus),
		ThirdPartyRefundStatus:  enum[api.ThirdPartyRefundStatus](i.ThirdPartyRefundStatus)}
}

// getInvoices serves GET /v1/invoices (spec §4.38: Get a list of invoices).
func (s *Server) getInvoices(c *call) error {
	list, total, err := s.svc.ListInvoices(c.ctx(), c.who(), c.list)
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
	in := service.InvoiceInput{CustomerID: req.CustomerId, SiteID: req.SiteId, BillRunType: ep.BillRunType(req.BillRunType), BillRunID: req.BillRunId,
		InvoiceNumber: req.InvoiceNumber, InvoiceDate: req.InvoiceDate.Format("2006-01-02"), DueDate: req.DueDate.Format("2006-01-02"),
		Total: req.TotalInMajorCurrency, CurrencyID: req.CurrencyId, PaymentMethod: enum[ep.PaymentMethod](req.PaymentMethod), AutoCollect: req.AutoCollect}
	inv, err := s.svc.CreateInvoice(c.ctx(), c.who(), in)
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
	inv, err := s.svc.Invoice(c.ctx(), c.who(), id)
	if err != nil {
		return err
	}
	return c.ok(invoiceOut(inv))
}
