package httpapi

import (
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/service"
)

// getCustomerBalance serves GET /v1/customer-balances (spec §4.19: Get the outstanding balance for a customer).
func (s *Server) getCustomerBalance(c *call) error {
	id, err := c.customerIDParam()
	if err != nil {
		return err
	}
	b, err := s.svc.CustomerBalance(c.ctx(), c.who(), id)
	if err != nil {
		return err
	}
	exp := b.Customer.Exp
	summary := api.PaymentMethodSummary{SummaryType: "NONE"}
	switch len(b.LiveSiteMethods) {
	case 0:
	case 1:
		m := api.PaymentMethod(b.LiveSiteMethods[0])
		summary = api.PaymentMethodSummary{PaymentMethod: &m, SummaryType: "SINGLE"}
	default:
		summary.SummaryType = "MULTIPLE"
	}
	return c.ok(api.CustomerOutstandingBalance{Id: b.Customer.ID, CustomerId: b.Customer.ID, Balance: amount(b.Balance, exp),
		TotalPayments: amount(b.TotalPayments, exp), TotalPaymentsSinceLastInvoice: amount(b.TotalPaymentsSinceLastInvoice, exp),
		PaymentMethodSummary: summary, RepaymentPlanSummary: api.RepaymentPlanSummary{SummaryType: "NONE"}})
}

// createCustomerBalanceAdjustment serves POST /v1/customer-balance-adjustments (spec §4.20: Make a manual adjustment to a customer's outstanding balance).
func (s *Server) createCustomerBalanceAdjustment(c *call) error {
	var req api.CustomerBalanceAdjustmentRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	e, err := s.svc.AdjustBalance(c.ctx(), c.who(), service.BalanceAdjustmentInput{CustomerID: int64(req.CustomerId), Amount: req.AmountInMajorCurrency,
		Description: req.Description})
	if err != nil {
		return err
	}
	writeJSON(c.w, 200, api.CustomerBalanceAdjustment{Id: e.ID, CustomerId: req.CustomerId, AmountInMajorCurrency: amount(e.Amount, e.Exp),
		CurrencyId: e.CurrencyID, Description: e.Description})
	return nil
}
