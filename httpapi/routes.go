package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// handler serves one operation; a returned error is written as the standard error body.
type handler func(c *call) error

// route is one operation of the contract and the handler serving it; nil handler = not built
// yet (501).
type route struct {
	op string
	h  handler
}

// apiRoutes lists EVERY operation of api/openapi.yaml by operationId. routes() fails when this
// list and the contract differ, so a route can be neither forgotten nor invented.
func (s *Server) apiRoutes() []route {
	return []route{
		// payment providers (spec §4.1–§4.4)
		{"getPaymentProviders", s.getPaymentProviders},
		{"createPaymentProvider", s.createPaymentProvider},
		{"getPaymentProvider", s.getPaymentProvider},
		{"updatePaymentProvider", s.updatePaymentProvider},
		// invoice and adhoc invoice payments (§4.5–§4.10)
		{"getInvoicePayments", s.getInvoicePayments},
		{"createInvoicePayment", s.createInvoicePayment},
		{"getInvoicePayment", s.getInvoicePayment},
		{"getAdhocInvoicePayments", s.getAdhocInvoicePayments},
		{"createAdhocInvoicePayment", s.createAdhocInvoicePayment},
		{"getAdhocInvoicePayment", s.getAdhocInvoicePayment},
		// refunds (§4.11–§4.12)
		{"getRefunds", s.getRefunds},
		{"createRefund", s.createRefund},
		// mandates (§4.13–§4.15)
		{"getSitePaymentMandates", nil},
		{"createSitePaymentMandate", nil},
		{"getPaymentProviderMandate", nil},
		// customer payments, balances, credit status (§4.16–§4.21)
		{"getCustomerPayments", s.getCustomerPayments},
		{"createCustomerPayment", s.createCustomerPayment},
		{"getCustomerPayment", s.getCustomerPayment},
		{"getCustomerBalance", s.getCustomerBalance},
		{"createCustomerBalanceAdjustment", s.createCustomerBalanceAdjustment},
		{"getCustomerCreditStatus", s.getCustomerCreditStatus},
		// payment links and reprocessing (§4.22–§4.26)
		{"createPaymentProviderPaymentLink", nil},
		{"reprocessPaymentProviderPayments", nil},
		{"reprocessInvoicePayment", nil},
		{"cancelInvoicePayment", nil},
		{"getInstantBankPaymentForMandate", nil},
		// authentication (§4.27)
		{"authenticate", s.authenticate},
		// reference data (§4.28–§4.40)
		{"getCurrencies", s.getCurrencies},
		{"createCurrency", s.createCurrency},
		{"getCustomers", s.getCustomers},
		{"createCustomer", s.createCustomer},
		{"getCustomer", s.getCustomer},
		{"updateCustomer", s.updateCustomer},
		{"getSites", s.getSites},
		{"createSite", s.createSite},
		{"getSite", s.getSite},
		{"updateSite", s.updateSite},
		{"getInvoices", s.getInvoices},
		{"createInvoice", s.createInvoice},
		{"getInvoice", s.getInvoice},
		// provider webhooks (§4.41)
		{"receivePaymentProviderWebhook", nil},
	}
}

// routes registers the root routes and every API operation on the mux.
func (s *Server) routes() error {
	mux := http.NewServeMux()
	// Every pattern has its route label; a request that matches none is "unmatched".
	s.labels = map[string]string{}
	root := func(pattern, label string, h http.Handler) {
		mux.Handle(pattern, h)
		s.labels[pattern] = label
	}
	root("GET /{$}", "GET /", http.HandlerFunc(s.handleHome))
	root("GET /healthz", "GET /healthz", http.HandlerFunc(s.handleHealthz))
	root("GET /readyz", "GET /readyz", http.HandlerFunc(s.handleReadyz))
	root("GET /metrics", "GET /metrics", s.handleMetrics())
	root("GET /openapi.yaml", "GET /openapi.yaml", http.HandlerFunc(s.handleOpenAPI))
	root("GET /docs", "GET /docs", http.HandlerFunc(s.handleDocs))

	seen := map[string]bool{}
	for _, rt := range s.apiRoutes() {
		op, ok := s.contract.Ops[rt.op]
		if !ok {
			return fmt.Errorf("route %s is not an operation of the contract", rt.op)
		}
		if seen[rt.op] {
			return fmt.Errorf("route %s listed twice", rt.op)
		}
		seen[rt.op] = true
		mux.Handle(op.Method+" "+op.Path, s.operation(op, rt.h))
		s.labels[op.Method+" "+op.Path] = op.Method + " " + op.Path
	}
	var missing []string
	for id := range s.contract.Ops {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("operations of the contract without a route: %s", strings.Join(missing, ", "))
	}
	s.mux = mux
	return nil
}

// NotImplemented lists the operationIds that answer 501, in contract order of apiRoutes.
func (s *Server) NotImplemented() []string {
	var out []string
	for _, rt := range s.apiRoutes() {
		if rt.h == nil {
			out = append(out, rt.op)
		}
	}
	return out
}
