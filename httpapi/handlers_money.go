package httpapi

import (
	"strconv"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

func invoicePaymentOut(p *ep.InvoicePayment) api.InvoicePayment {
	return api.InvoicePayment{Id: p.ID, GeneratedInvoiceId: p.InvoiceID, ThirdPartyPaymentStatus: strEnum[api.ThirdPartyPaymentStatus](p.ThirdPartyPaymentStatus),
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

func refundOut(r *ep.Refund) api.Refund {
	return api.Refund{Id: r.ID, InvoiceId: r.InvoiceID, CustomerId: r.CustomerID, BillRunType: api.BillRunType(r.BillRunType),
		ThirdPartyRefundStatus: api.ThirdPartyRefundStatus(r.ThirdPartyRefundStatus), Description: r.Description, ErrorInfo: r.ErrorInfo,
		PaymentMethod: api.PaymentMethod(r.PaymentMethod), AmountInMajorCurrency: amount(r.Amount, r.Exp)}
}

func entryOut(e *ep.LedgerEntry) api.CustomerPayment {
	return api.CustomerPayment{Id: e.ID, CustomerId: e.CustomerID, AmountInMajorCurrency: amount(e.Amount, e.Exp),
		ResultingCustomerBalance: amount(e.ResultingBalance, e.Exp), CurrencyId: e.CurrencyID, Description: e.Description,
		Reference: e.Reference, Type: strEnum[api.PaymentMethod](e.Type), PaymentDate: date(e.PaymentDate),
		CustomerPaymentType: api.CustomerPaymentType(e.CustomerPaymentType), TxnType: api.TxnType(e.TxnType),
		InvoiceNumber: e.InvoiceNumber, InvoiceId: e.InvoiceID, BillRunType: strEnum[api.BillRunType](e.BillRunType)}
}

func creditStatusOut(c *ep.CreditStatus) api.CustomerCreditStatus {
	return api.CustomerCreditStatus{CustomerId: c.CustomerID, CreditThreshold: amount(c.CreditThreshold, c.Exp), BillAmount: money.FromBigMinor(c.BillAmount, c.Exp),
		ValueDifference: money.FromBigMinor(c.ValueDifference, c.Exp), PercentageDifference: money.FromBigMinor(c.Percent100, 2), OpenBillRunValue: amount(c.OpenBillRun, c.Exp)}
}

// getInvoicePayments serves GET /v1/invoice-payments (spec §4.5: Get a list of available invoice payments).
func (s *Server) getInvoicePayments(c *call) error {
	list, total, err := s.svc.ListInvoicePayments(c.ctx(), c.p, "NORMAL", c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, invoicePaymentOut), total)
}

// getAdhocInvoicePayments serves GET /v1/adhoc-invoice-payments (spec §4.8: Get a list of available adhoc invoice payments).
func (s *Server) getAdhocInvoicePayments(c *call) error {
	list, total, err := s.svc.ListInvoicePayments(c.ctx(), c.p, "ADHOC", c.list)
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
	pay, err := s.svc.CreateInvoicePayment(c.ctx(), c.p, service.PaymentInput{InvoiceID: req.GeneratedInvoiceId, BillRunType: "NORMAL",
		Amount: req.AmountInMajorCurrency, Description: req.Description, PaymentMethod: string(req.PaymentMethod),
		PaymentDate: dateString(req.PaymentDate), ThirdPartyPaymentStatus: enumStr(req.ThirdPartyPaymentStatus)})
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
	pay, err := s.svc.CreateInvoicePayment(c.ctx(), c.p, service.PaymentInput{InvoiceID: req.GeneratedAdhocInvoiceId, BillRunType: "ADHOC",
		Amount: req.AmountInMajorCurrency, Description: req.Description, PaymentMethod: string(req.PaymentMethod),
		PaymentDate: dateString(req.PaymentDate), ThirdPartyPaymentStatus: enumStr(req.ThirdPartyPaymentStatus)})
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
	pay, err := s.svc.InvoicePayment(c.ctx(), c.p, id, "NORMAL")
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
	pay, err := s.svc.InvoicePayment(c.ctx(), c.p, id, "ADHOC")
	if err != nil {
		return err
	}
	return c.ok(adhocPaymentOut(pay))
}

// getRefunds serves GET /v1/refunds (spec §4.11: Get a list of refunds).
func (s *Server) getRefunds(c *call) error {
	list, total, err := s.svc.ListRefunds(c.ctx(), c.p, c.list)
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
	r, err := s.svc.CreateRefund(c.ctx(), c.p, service.RefundInput{InvoiceID: req.InvoiceId, BillRunType: enumStr(req.BillRunType),
		Description: req.Description, PaymentMethod: enumStr(req.PaymentMethod), Amount: req.AmountInMajorCurrency})
	if err != nil {
		return err
	}
	return c.created("", refundOut(r))
}

// customerIDParam is the required typed customer_id query parameter.
func (c *call) customerIDParam() (int64, error) {
	for _, cond := range c.list.Conds {
		if cond.Param == "customer_id" && len(cond.IDs) == 1 {
			return cond.IDs[0], nil
		}
	}
	if v := c.list.Other["customer_id"]; len(v) == 1 {
		if id, err := strconv.ParseInt(v[0], 10, 64); err == nil && id >= 1 {
			return id, nil
		}
		return 0, ep.Invalid("customer_id", "must be an integer >= 1")
	}
	return 0, ep.Invalid("customer_id", "is required")
}

// getCustomerPayments serves GET /v1/customer-payments (spec §4.16: Get a list of customer or invoice payments).
func (s *Server) getCustomerPayments(c *call) error {
	id, err := c.customerIDParam()
	if err != nil {
		return err
	}
	list, total, err := s.svc.Statement(c.ctx(), c.p, id, c.list)
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
	e, err := s.svc.CreateCustomerPayment(c.ctx(), c.p, service.CustomerPaymentInput{CustomerID: int64(req.CustomerId), Amount: req.AmountInMajorCurrency,
		Description: req.Description, Reference: req.Reference, Type: string(req.Type), BillRunType: enumStr(req.BillRunType),
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
	e, err := s.svc.CustomerPayment(c.ctx(), c.p, id)
	if err != nil {
		return err
	}
	return c.ok(entryOut(e))
}

// getCustomerBalance serves GET /v1/customer-balances (spec §4.19: Get the outstanding balance for a customer).
func (s *Server) getCustomerBalance(c *call) error {
	id, err := c.customerIDParam()
	if err != nil {
		return err
	}
	b, err := s.svc.CustomerBalance(c.ctx(), c.p, id)
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
	e, err := s.svc.AdjustBalance(c.ctx(), c.p, service.BalanceAdjustmentInput{CustomerID: int64(req.CustomerId), Amount: req.AmountInMajorCurrency,
		Description: req.Description})
	if err != nil {
		return err
	}
	writeJSON(c.w, 200, api.CustomerBalanceAdjustment{Id: e.ID, CustomerId: req.CustomerId, AmountInMajorCurrency: amount(e.Amount, e.Exp),
		CurrencyId: e.CurrencyID, Description: e.Description})
	return nil
}

// getCustomerCreditStatus serves GET /v1/customer-credit-status (spec §4.21: Get a list of credit status threshold information).
func (s *Server) getCustomerCreditStatus(c *call) error {
	list, total, err := s.svc.CreditStatus(c.ctx(), c.p, c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, creditStatusOut), total)
}
