package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestNotImplementedOperations prints the operations that still answer 501 and checks each
// one does. The list may only shrink: an operation that is not in allowed501 must be built.
func TestNotImplementedOperations(t *testing.T) {
	t.Parallel()
	allowed501 := map[string]bool{
		"getSitePaymentMandates": true, "createSitePaymentMandate": true, "getPaymentProviderMandate": true,
		"createPaymentProviderPaymentLink": true, "reprocessPaymentProviderPayments": true, "reprocessInvoicePayment": true,
		"cancelInvoicePayment": true, "getInstantBankPaymentForMandate": true,
	}
	e := apitest.New(t, "sqlite")
	list := e.Server.NotImplemented()
	t.Logf("%d operations answer 501 Not Implemented: %s", len(list), strings.Join(list, ", "))
	tok := e.AdminToken()
	byID := map[string]contractOp{}
	for _, op := range contractOps(t) {
		byID[op.id] = op
	}
	for _, id := range list {
		if !allowed501[id] {
			t.Errorf("%s answers 501 but was built before: the list of 501 operations may only shrink", id)
		}
		op := byID[id]
		r := apitest.Request{Method: op.method, Path: concrete(op.path, ids{customer: 1, site: 1, invoice: 1, adhoc: 1}, 1), Token: tok}
		if op.method != http.MethodGet {
			r.Body = "{}"
		}
		resp := e.Do(r)
		checkError(t, id, resp, 501, r.Path)
	}
}

// TestNotImplementedRequests prints and checks the requests of built operations that still
// answer 501 because they need a payment provider adapter: provider collections and refunds.
func TestNotImplementedRequests(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	w := seedWorld(t, e)
	type request struct {
		name, path string
		body       map[string]any
	}
	var cases []request
	for _, m := range []string{"GO_CARDLESS", "GC_INSTANT_BANK_PAYMENTS", "STRIPE", "STRIPE_CARD", "STRIPE_DD", "DIRECT_DEBIT"} {
		cases = append(cases, request{"createInvoicePayment collection by " + m, "/v1/invoice-payments",
			map[string]any{"generatedInvoiceId": w.mine.invoice, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": m}})
		if m != "DIRECT_DEBIT" {
			cases = append(cases, request{"createRefund through " + m, "/v1/refunds", map[string]any{"invoiceId": w.mine.invoice, "amountInMajorCurrency": 1, "paymentMethod": m}})
		}
	}
	cases = append(cases, request{"createAdhocInvoicePayment collection by GO_CARDLESS", "/v1/adhoc-invoice-payments",
		map[string]any{"generatedAdhocInvoiceId": w.mine.adhoc, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "GO_CARDLESS"}})
	var names []string
	for _, tc := range cases {
		checkError(t, tc.name, e.Post(w.admin, tc.path, tc.body), 501, tc.path)
		names = append(names, tc.name)
	}
	t.Logf("%d requests answer 501 until the provider adapters land: %s", len(names), strings.Join(names, "; "))
}

func TestRootRoutes(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		for _, tc := range []struct {
			path, contentType, contains string
		}{
			{"/healthz", "application/json", `"ok"`},
			{"/readyz", "application/json", `"ready"`},
			{"/openapi.yaml", "application/yaml", "operationId: getPaymentProviders"},
			{"/docs", "text/html", "getPaymentProviders"},
		} {
			resp := e.Get("", tc.path).Want(t, 200)
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(string(resp.Body), tc.contains) {
				t.Errorf("%s: %s %q…", tc.path, resp.Header.Get("Content-Type"), string(resp.Body[:min(200, len(resp.Body))]))
			}
		}
		e.Get(e.AdminToken(), "/v1/currencies?page=1&pageSize=1").Want(t, 200)
		m := string(e.Get("", "/metrics").Want(t, 200).Body)
		for _, want := range []string{`elevatepay_http_requests_total{method="GET",route="GET /v1/currencies",status="200"}`,
			"elevatepay_http_request_duration_seconds_bucket", "elevatepay_db_connections_open", "go_goroutines"} {
			if !strings.Contains(m, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// Request ids are echoed, or generated.
		resp := e.Do(apitest.Request{Method: "GET", Path: "/healthz", Header: map[string]string{"X-Request-Id": "abc-123"}})
		if resp.Header.Get("X-Request-Id") != "abc-123" {
			t.Errorf("X-Request-Id not echoed: %q", resp.Header.Get("X-Request-Id"))
		}
		if id := e.Get("", "/healthz").Header.Get("X-Request-Id"); len(id) != 32 {
			t.Errorf("generated X-Request-Id %q", id)
		}
	})
}

// TestRequestConventions covers spec §2.3 and §2.10 on both stores.
func TestRequestConventions(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		w := seedWorld(t, e)
		tok := w.admin
		customer := map[string]any{"contractOwnerId": 7, "customerName": "Zeta", "currencyId": 1}
		cases := []struct {
			name   string
			req    apitest.Request
			status int
			field  string // expected FieldError field, if any
		}{
			{"unknown route", apitest.Request{Method: "GET", Path: "/v1/nothing", Token: tok}, 404, ""},
			{"no /v1 prefix", apitest.Request{Method: "GET", Path: "/customers?page=1&pageSize=1", Token: tok}, 404, ""},
			{"method not allowed", apitest.Request{Method: "DELETE", Path: "/v1/customers", Token: tok}, 405, ""},
			{"not acceptable", apitest.Request{Method: "GET", Path: "/v1/customers?page=1&pageSize=1", Token: tok, Header: map[string]string{"Accept": "text/html"}}, 406, ""},
			{"accept wildcard ok", apitest.Request{Method: "GET", Path: "/v1/customers?page=1&pageSize=1", Token: tok, Header: map[string]string{"Accept": "text/html, */*;q=0.1"}}, 200, ""},
			{"wrong content type", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: customer, ContentType: "text/plain"}, 415, ""},
			{"patch needs json-patch", apitest.Request{Method: "PATCH", Path: fmt.Sprintf("/v1/customers/%d", w.mine.customer), Token: tok, Body: []any{}, ContentType: "application/json"}, 415, ""},
			{"patch of a missing resource is 404 before 415", apitest.Request{Method: "PATCH", Path: "/v1/customers/999999", Token: tok, Body: []any{}, ContentType: "text/plain"}, 404, ""},
			{"body too large", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"customerName":"` + strings.Repeat("a", 1<<20) + `"}`}, 413, ""},
			{"empty body", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: ""}, 400, ""},
			{"malformed JSON", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"customerName":`}, 400, ""},
			{"trailing data", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","currencyId":1} {}`}, 400, ""},
			{"invalid UTF-8", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: []byte("{\"contractOwnerId\":7,\"customerName\":\"\xff\",\"currencyId\":1}")}, 400, ""},
			{"duplicate key", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","customerName":"B","currencyId":1}`}, 400, ""},
			{"unknown field", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": 7, "customerName": "A", "currencyId": 1, "colour": "red"}}, 400, "colour"},
			{"read-only field", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"id": 5, "contractOwnerId": 7, "customerName": "A", "currencyId": 1}}, 400, "id"},
			{"wrong type", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": "7", "customerName": "A", "currencyId": 1}}, 400, "contractOwnerId"},
			{"missing required", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": 7, "currencyId": 1}}, 400, "customerName"},
			{"null for required", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":null,"currencyId":1}`}, 400, "customerName"},
			{"null for optional is omitted", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"Null Ltd","currencyId":1,"creditThreshold":null}`}, 201, ""},
			{"free-text rule", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": 7, "customerName": "Bad $ name", "currencyId": 1}}, 400, "customerName"},
			{"free-text length in code points", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": 7, "customerName": strings.Repeat("é", 255), "currencyId": 1}}, 201, ""},
			{"too long", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: map[string]any{"contractOwnerId": 7, "customerName": strings.Repeat("é", 256), "currencyId": 1}}, 400, "customerName"},
			{"amount as string", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","currencyId":1,"creditThreshold":"10.50"}`}, 400, "creditThreshold"},
			{"too many decimals", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","currencyId":1,"creditThreshold":10.123}`}, 400, "creditThreshold"},
			{"amount out of range", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","currencyId":1,"creditThreshold":10000000}`}, 400, "creditThreshold"},
			{"huge exponent", apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7,"customerName":"A","currencyId":1,"creditThreshold":1e999999999}`}, 400, ""},
			{"bad path id", apitest.Request{Method: "GET", Path: "/v1/customers/0", Token: tok}, 400, "customer_id"},
			{"non-numeric path id", apitest.Request{Method: "GET", Path: "/v1/customers/abc", Token: tok}, 400, "customer_id"},
			{"unknown query parameter", apitest.Request{Method: "GET", Path: "/v1/customers?page=1&pageSize=1&colour=red", Token: tok}, 400, "colour"},
			{"query parameter on a POST", apitest.Request{Method: "POST", Path: "/v1/customers?x=1", Token: tok, Body: customer}, 400, "x"},
			{"unsupported filter", apitest.Request{Method: "GET", Path: "/v1/customers?page=1&pageSize=1&customerType=x", Token: tok}, 400, "customerType"},
			{"paging on a single GET", apitest.Request{Method: "GET", Path: fmt.Sprintf("/v1/customers/%d?page=1", w.mine.customer), Token: tok}, 400, "page"},
		}
		for _, tc := range cases {
			resp := e.Do(tc.req)
			if resp.Status != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, resp.Status, tc.status, resp.Body[:min(len(resp.Body), 500)])
				continue
			}
			if tc.status == 405 && resp.Header.Get("Allow") != "GET, HEAD, POST" {
				t.Errorf("%s: Allow %q", tc.name, resp.Header.Get("Allow"))
			}
			if tc.field != "" {
				if !strings.Contains(string(resp.Body), `"field":"`+tc.field+`"`) {
					t.Errorf("%s: no FieldError for %s: %s", tc.name, tc.field, resp.Body)
				}
			}
		}
	})
}

// TestListConventions covers paging, sorting, sparse fields, filters and the list headers (§2.4–§2.8).
func TestListConventions(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		for i := 1; i <= 5; i++ {
			e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": fmt.Sprintf("Cust %c", 'E'-rune(i-1)),
				"customerAccountNumber": fmt.Sprintf("A%d", i), "currencyId": 1}).Want(t, 201)
		}
		resp := e.Get(tok, "/v1/customers?page=2&pageSize=2").Want(t, 200)
		if resp.Header.Get("X-Total-Count") != "5" {
			t.Errorf("X-Total-Count %q", resp.Header.Get("X-Total-Count"))
		}
		link := resp.Header.Get("Link")
		for _, want := range []string{`page=1&pageSize=2>; rel="first"`, `page=1&pageSize=2>; rel="prev"`, `page=3&pageSize=2>; rel="next"`, `page=3&pageSize=2>; rel="last"`} {
			if !strings.Contains(link, want) {
				t.Errorf("Link %q lacks %s", link, want)
			}
		}
		if items := resp.Array(t); len(items) != 2 || items[0]["customerName"] != "Cust C" {
			t.Errorf("page 2: %s", resp.Body)
		}
		if body := string(e.Get(tok, "/v1/customers?page=9&pageSize=2").Want(t, 200).Body); body != "[]" {
			t.Errorf("beyond the last page: %s", body)
		}
		items := e.Get(tok, "/v1/customers?page=1&pageSize=10&sort=customerName").Want(t, 200).Array(t)
		if items[0]["customerName"] != "Cust A" || items[4]["customerName"] != "Cust E" {
			t.Errorf("sort=customerName: %v", items)
		}
		items = e.Get(tok, "/v1/customers?page=1&pageSize=10&sort=customerName:desc").Want(t, 200).Array(t)
		if items[0]["customerName"] != "Cust E" {
			t.Errorf("sort=customerName:desc: %v", items)
		}
		resp = e.Get(tok, "/v1/customers?page=1&pageSize=1&fields=customerName,id").Want(t, 200)
		if string(resp.Body) != `[{"id":1,"customerName":"Cust E"}]` {
			t.Errorf("fields in schema order: %s", resp.Body)
		}
		resp = e.Get(tok, "/v1/customers/1?fields=currencyId").Want(t, 200)
		if string(resp.Body) != `{"currencyId":1}` {
			t.Errorf("fields on a single GET: %s", resp.Body)
		}
		items = e.Get(tok, "/v1/customers?page=1&pageSize=10&customerName=like:cust%20b").Want(t, 200).Array(t)
		if len(items) != 1 || items[0]["customerName"] != "Cust B" {
			t.Errorf("like: %v", items)
		}
		items = e.Get(tok, "/v1/customers?page=1&pageSize=10&customerAccountNumber=in:A1,A3&currencyId=1&contractOwnerId=gte:7").Want(t, 200).Array(t)
		if len(items) != 2 || items[0]["customerAccountNumber"] != "A1" || items[1]["customerAccountNumber"] != "A3" {
			t.Errorf("in: AND gte: %v", items)
		}
		for _, q := range []string{"", "page=1", "pageSize=10", "page=0&pageSize=10", "page=1&pageSize=1001", "page=x&pageSize=1",
			"page=1&pageSize=1&sort=nope", "page=1&pageSize=1&fields=nope", "page=1&pageSize=1&id=like:1", "page=1&pageSize=1&id=",
			"page=1&pageSize=1&customerName=gt:a", "page=1&pageSize=1&contractOwnerId=in:", "page=1&pageSize=1&page=2"} {
			resp := e.Get(tok, "/v1/customers?"+q)
			if resp.Status != 400 {
				t.Errorf("?%s: status %d, want 400", q, resp.Status)
			}
		}
	})
}
