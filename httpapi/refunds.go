package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

func refundOut(r *ep.Refund) api.Refund {
	return api.Refund{Id: r.ID, InvoiceId: r.InvoiceID, CustomerId: r.CustomerID, BillRunType: api.BillRunType(r.BillRunType),
		ThirdPartyRefundStatus: api.ThirdPartyRefundStatus(r.ThirdPartyRefundStatus), Description: r.Description, ErrorInfo: r.ErrorInfo,
		PaymentMethod: api.PaymentMethod(r.PaymentMethod), AmountInMajorCurrency: amount(r.Amount, r.Exp)}
}

// getRefunds serves GET /v1/refunds (spec §4.11: Get a list of refunds).
func (s *Server) getRefunds(c *call) error {
	list, total, err := s.svc.ListRefunds(c.ctx(), c.who(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, refundOut), total)
}

// createRefund serves POST /v1/refunds (spec §4.12: Trigger a refund for an invoice or an adhoc invoice payment).
func (s *Server) createRefund(c *call) error {
	var req api.RefundRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	r, err := s.svc.CreateRefund(c.ctx(), c.who(), service.RefundInput{InvoiceID: req.InvoiceId, BillRunType: enum[ep.BillRunType](req.BillRunType),
		Description: req.Description, PaymentMethod: enum[ep.PaymentMethod](req.PaymentMethod), Amount: req.AmountInMajorCurrency})
	if err != nil {
		return err
	}
	return c.created("", refundOut(r))
}
