package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/money"
)

func creditStatusOut(c *ep.CreditStatus) api.CustomerCreditStatus {
	return api.CustomerCreditStatus{CustomerId: c.CustomerID, CreditThreshold: amount(c.CreditThreshold, c.Exp), BillAmount: money.FromBigMinor(c.BillAmount, c.Exp),
		ValueDifference: money.FromBigMinor(c.ValueDifference, c.Exp), PercentageDifference: money.FromBigMinor(c.Percent100, 2), OpenBillRunValue: amount(c.OpenBillRun, c.Exp)}
}

// getCustomerCreditStatus serves GET /v1/customer-credit-status (spec §4.21: Get a list of credit status threshold information).
func (s *Server) getCustomerCreditStatus(c *call) error {
	list, total, err := s.svc.CreditStatus(c.ctx(), c.who(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, creditStatusOut), total)
}
