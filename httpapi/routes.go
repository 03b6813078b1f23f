package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// handler serves one operation; a returned error is written as the standard error body.
type handler func(c *call) error

// route is one operation of the contract — its method, path and operationId — and the handler
// serving it; nil handler = not built yet (501).
type route struct {
	method, path, op string
	h                handler
}

// apiRoutes lists EVERY operation of api/openapi.yaml: method, path, operationId, handler.
// routes() fails when this list and the contract differ (an operation missing or invented, or
// a method or path that is not the contract's), so a route can be neither forgotten, invented
// nor misplaced.
func (s *Server) apiRoutes() []route {
	return []route{
		// payment providers (spec §4.1–§4.4)
		{"GET", "/v1/payment-providers", "getPaymentProviders", s.getPaymentProviders},
		{"POST", "/v1/payment-providers", "createPaymentProvider", s.createPaymentProvider},
		{"GET", "/v1/payment-providers/{payment_provider_id}", "getPaymentProvider", s.getPaymentProvider},
		{"PATCH", "/v1/payment-providers/{payment_provider_id}", "updatePaymentProvider", s.updatePaymentProvider},
		// invoice and adhoc invoice payments (§4.5–§4.10)
		{"GET", "/v1/invoice-payments", "getInvoicePayments", s.getInvoicePayments},
		{"POST", "/v1/invoice-payments", "createInvoicePayment", s.createInvoicePayment},
		{"GET", "/v1/invoice-payments/{invoice_payment_id}", "getInvoicePayment", s.getInvoicePayment},
		{"GET", "/v1/adhoc-invoice-payments", "getAdhocInvoicePayments", s.getAdhocInvoicePayments},
		{"POST", "/v1/adhoc-invoice-payments", "createAdhocInvoicePayment", s.createAdhocInvoicePayment},
		{"GET", "/v1/adhoc-invoice-payments/{adhoc_invoice_payment_id}", "getAdhocInvoicePayment", s.getAdhocInvoicePayment},
		// refunds (§4.11–§4.12)
		{"GET", "/v1/refunds", "getRefunds", s.getRefunds},
		{"POST", "/v1/refunds", "createRefund", s.createRefund},
		// mandates (§4.13–§4.15)
		{"GET", "/v1/site-payment-mandates", "getSitePaymentMandates", nil},
		{"POST", "/v1/site-payment-mandates", "createSitePaymentMandate", nil},
		{"GET", "/v1/payment-provider-mandates/{paymentMethod}/{mandateReference}", "getPaymentProviderMandate", nil},
		// customer payments, balances, credit status (§4.16–§4.21)
		{"GET", "/v1/customer-payments", "getCustomerPayments", s.getCustomerPayments},
		{"POST", "/v1/customer-payments", "createCustomerPayment", s.createCustomerPayment},
		{"GET", "/v1/customer-payments/{customer_payment_id}", "getCustomerPayment", s.getCustomerPayment},
		{"GET", "/v1/customer-balances", "getCustomerBalance", s.getCustomerBalance},
		{"POST", "/v1/customer-balance-adjustments", "createCustomerBalanceAdjustment", s.createCustomerBalanceAdjustment},
		{"GET", "/v1/customer-credit-status", "getCustomerCreditStatus", s.getCustomerCreditStatus},
		// payment links and reprocessing (§4.22–§4.26)
		{"POST", "/v1/payment-provider-payment-link", "createPaymentProviderPaymentLink", nil},
		{"POST", "/v1/payment-provider-reprocess", "reprocessPaymentProviderPayments", nil},
		{"POST", "/v1/invoice-payment-reprocess", "reprocessInvoicePayment", nil},
		{"POST", "/v1/invoice-payment-cancel", "cancelInvoicePayment", nil},
		{"GET", "/v1/instant-bank-payment-for-mandate", "getInstantBankPaymentForMandate", nil},
		// authentication (§4.27)
		{"POST", "/v1/authenticate", "authenticate", s.authenticate},
		// reference data (§4.28–§4.40)
		{"GET", "/v1/currencies", "getCurrencies", s.getCurrencies},
		{"POST", "/v1/currencies", "createCurrency", s.createCurrency},
		{"GET", "/v1/customers", "getCustomers", s.getCustomers},
		{"POST", "/v1/customers", "createCustomer", s.createCustomer},
		{"GET", "/v1/customers/{customer_id}", "getCustomer", s.getCustomer},
		{"PATCH", "/v1/customers/{customer_id}", "updateCustomer", s.updateCustomer},
		{"GET", "/v1/sites", "getSites", s.getSites},
		{"POST", "/v1/sites", "createSite", s.createSite},
		{"GET", "/v1/sites/{site_id}", "getSite", s.getSite},
		{"PATCH", "/v1/sites/{site_id}", "updateSite", s.updateSite},
		{"GET", "/v1/invoices", "getInvoices", s.getInvoices},
		{"POST", "/v1/invoices", "createInvoice", s.createInvoice},
		{"GET", "/v1/invoices/{invoice_id}", "getInvoice", s.getInvoice},
		// provider webhooks (§4.41)
		{"POST", "/v1/webhooks/{payment_provider_id}", "receivePaymentProviderWebhook", s.receivePaymentProviderWebhook},
	}
}

// routes registers the root routes and every API operation on the mux.
func (s *Server) routes() error { return s.register(s.apiRoutes()) }

// register registers the root routes and the API routes, which must match the contract.
func (s *Server) register(api []route) error {
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
	for _, rt := range api {
		op, ok := s.contract.Ops[rt.op]
		if !ok {
			return fmt.Errorf("route %s is not an operation of the contract", rt.op)
		}
		if seen[rt.op] {
			return fmt.Errorf("route %s listed twice", rt.op)
		}
		if rt.method != op.Method || rt.path != op.Path {
			return fmt.Errorf("route %s is listed as %s %s, but the contract has %s %s", rt.op, rt.method, rt.path, op.Method, op.Path)
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
