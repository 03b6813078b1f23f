package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestInvoicePayments(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		b := newBook(t, e, tok, 7, [4]string{"INV-000123", "NORMAL", "2024-02-29", "120"}, [4]string{"ADH-000045", "ADHOC", "2024-03-10", "45"})
		inv, adh := b.inv["INV-000123"], b.inv["ADH-000045"]
		resp := e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 50, "description": "Cheque 000123",
			"paymentMethod": "CHEQUE", "paymentDate": "2024-02-10"}).Want(t, 201)
		p := resp.Object(t)
		pid := num(t, p["id"])
		if resp.Header.Get("Location") != fmt.Sprintf("/v1/invoice-payments/%d", pid) {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
		want := fmt.Sprintf(`{"id":%d,"generatedInvoiceId":%d,"thirdPartyPaymentStatus":null,"amountInMajorCurrency":50,"currencyId":1,"description":"Cheque 000123","metaData":null,"errorInfo":null,"paymentMethod":"CHEQUE","paymentDate":"2024-02-10","customerPaymentType":"INVOICE","customerPaymentId":%d}`,
			pid, inv, num(t, p["customerPaymentId"]))
		if string(resp.Body) != want {
			t.Errorf("payment:\n got %s\nwant %s", resp.Body, want)
		}
		if s := invoiceState(t, e, tok, inv); s != "70 PARTIALLY_PAID" {
			t.Errorf("after 50 of 120: %s", s)
		}
		entry := e.Get(tok, fmt.Sprintf("/v1/customer-payments/%d", num(t, p["customerPaymentId"]))).Want(t, 200).Object(t)
		if entry["txnType"] != "PAYMENT" || fmt.Sprint(entry["amountInMajorCurrency"]) != "50" || entry["type"] != "CHEQUE" || entry["customerPaymentType"] != "INVOICE" ||
			num(t, entry["invoiceId"]) != inv || entry["paymentDate"] != "2024-02-10" {
			t.Errorf("PAYMENT entry: %v", entry)
		}
		// Rules.
		for name, tc := range map[string]struct {
			path   string
			body   map[string]any
			status int
			text   string
		}{
			"overpayment":          {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 70.01, "description": "x", "paymentMethod": "BACS"}, 400, "exceeds the amount owed"},
			"adhoc id":             {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": adh, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "BACS"}, 400, "is an ADHOC invoice; use /adhoc-invoice-payments"},
			"normal id":            {"/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": inv, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "BACS"}, 400, "NORMAL invoice"},
			"zero":                 {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 0, "description": "x", "paymentMethod": "BACS"}, 400, "must not be 0"},
			"site state":           {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "CANCELLED_DD"}, 400, "site state"},
			"external only":        {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "FINASTRA"}, 400, "thirdPartyPaymentStatus is required"},
			"future date":          {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "BACS", "paymentDate": "2999-01-01"}, 400, "future"},
			"unknown invoice":      {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": 999999, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "BACS"}, 404, ""},
			"collection (501)":     {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 1, "description": "x", "paymentMethod": "GO_CARDLESS"}, 501, "not implemented"},
			"correction too large": {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": -50.01, "description": "x", "paymentMethod": "CHEQUE"}, 400, ""},
			"over range":           {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 100000.01, "description": "x", "paymentMethod": "BACS"}, 400, "between -100000 and 100000"},
			"description required": {"/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 1, "paymentMethod": "BACS"}, 400, "description"},
		} {
			t.Run(name, func(t *testing.T) {
				r := e.Post(tok, tc.path, tc.body)
				if r.Status != tc.status || !strings.Contains(string(r.Body), tc.text) {
					t.Errorf("%s: %d %s", name, r.Status, r.Body)
				}
			})
		}
		// A manual DIRECT_DEBIT (no GoCardless provider) settles at once; a negative correction reverses.
		e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 70, "description": "DD outside", "paymentMethod": "DIRECT_DEBIT"}).Want(t, 201)
		if s := invoiceState(t, e, tok, inv); s != "0 PAID" {
			t.Errorf("after paying in full: %s", s)
		}
		corr := e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": -20, "description": "Cheque bounced", "paymentMethod": "CHEQUE"}).Want(t, 201).Object(t)
		if s := invoiceState(t, e, tok, inv); s != "20 PARTIALLY_PAID" {
			t.Errorf("after a -20 correction: %s", s)
		}
		rev := e.Get(tok, fmt.Sprintf("/v1/customer-payments/%d", num(t, corr["customerPaymentId"]))).Want(t, 200).Object(t)
		if rev["txnType"] != "PAYMENT_REVERSED" || fmt.Sprint(rev["amountInMajorCurrency"]) != "-20" {
			t.Errorf("correction entry: %v", rev)
		}
		// Adhoc payments.
		ap := e.Post(tok, "/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": adh, "amountInMajorCurrency": 45, "description": "BACS transfer ref ACME-45",
			"paymentMethod": "BACS", "paymentDate": "2024-02-20"}).Want(t, 201)
		apid := num(t, ap.Object(t)["id"])
		if ap.Header.Get("Location") != fmt.Sprintf("/v1/adhoc-invoice-payments/%d", apid) || !strings.Contains(string(ap.Body), `"generatedAdhocInvoiceId":`) ||
			!strings.Contains(string(ap.Body), `"customerPaymentType":"ADHOC_INVOICE"`) {
			t.Errorf("adhoc payment: %s", ap.Body)
		}
		e.Get(tok, fmt.Sprintf("/v1/invoice-payments/%d", apid)).Want(t, 404)
		e.Get(tok, fmt.Sprintf("/v1/adhoc-invoice-payments/%d", pid)).Want(t, 404)
		e.Get(tok, fmt.Sprintf("/v1/adhoc-invoice-payments/%d?fields=id,amountInMajorCurrency", apid)).Want(t, 200)
		// Lists and filters.
		list := e.Get(tok, fmt.Sprintf("/v1/invoice-payments?page=1&pageSize=10&generatedInvoiceId=%d&sort=amountInMajorCurrency:desc", inv)).Want(t, 200).Array(t)
		if len(list) != 3 || fmt.Sprint(list[0]["amountInMajorCurrency"]) != "70" || fmt.Sprint(list[2]["amountInMajorCurrency"]) != "-20" {
			t.Errorf("payments of the invoice: %v", list)
		}
		if n := len(e.Get(tok, "/v1/adhoc-invoice-payments?page=1&pageSize=10&customerPaymentType=ADHOC_INVOICE").Want(t, 200).Array(t)); n != 1 {
			t.Errorf("adhoc list: %d", n)
		}
		if n := len(e.Get(tok, fmt.Sprintf("/v1/invoice-payments?page=1&pageSize=10&customerPaymentId=%d", num(t, p["customerPaymentId"]))).Want(t, 200).Array(t)); n != 1 {
			t.Errorf("customerPaymentId filter: %d", n)
		}
		e.Get(tok, "/v1/invoice-payments?page=1&pageSize=10&billRunId=like:3").Want(t, 400)
		e.Get(tok, "/v1/invoice-payments?page=1&pageSize=10&customerPaymentType=ADHOC").Want(t, 400)
	})
}

func TestExternalReports(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		b := newBook(t, e, tok, 7, [4]string{"INV-1", "NORMAL", "2024-02-29", "100"})
		inv := b.inv["INV-1"]
		report := func(status string, amount any) *apitest.Response {
			return e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": amount, "description": "report",
				"paymentMethod": "FAST_PAY", "thirdPartyPaymentStatus": status})
		}
		report("CONFIRMED", 10).Want(t, 400) // no FAST_PAY provider
		prov := e.Post(tok, "/v1/payment-providers", map[string]any{"type": "FAST_PAY", "name": "Fast Pay", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)
		if r := report("CONFIRMED", 10).Want(t, 400); !strings.Contains(string(r.Body), "does not accept external payments") {
			t.Errorf("acceptExternalPayments false: %s", r.Body)
		}
		e.Patch(tok, fmt.Sprintf("/v1/payment-providers/%d", num(t, prov["id"])), []any{map[string]any{"op": "replace", "path": "/acceptExternalPayments", "value": true}}).Want(t, 200)
		p := report("CONFIRMED", 30).Want(t, 201).Object(t)
		if p["thirdPartyPaymentStatus"] != "CONFIRMED" || !strings.Contains(fmt.Sprint(p["metaData"]), `"paymentProviderId":`) || p["customerPaymentId"] == nil {
			t.Errorf("collected report: %v", p)
		}
		if s := invoiceState(t, e, tok, inv); s != "70 PARTIALLY_PAID" {
			t.Errorf("after CONFIRMED 30: %s", s)
		}
		report("PENDING_SUBMISSION", 20).Want(t, 201)
		if s := invoiceState(t, e, tok, inv); s != "70 PENDING" {
			t.Errorf("after an in-flight report: %s", s)
		}
		report("CONFIRMED", 50.01).Want(t, 400) // available = 70 - 20 in flight
		report("FAILED", 5).Want(t, 201)
		report("CHARGED_BACK", 30.01).Want(t, 400) // cover: only 30 collected
		cb := report("CHARGED_BACK", 30).Want(t, 201).Object(t)
		entry := e.Get(tok, fmt.Sprintf("/v1/customer-payments/%d", num(t, cb["customerPaymentId"]))).Want(t, 200).Object(t)
		if entry["txnType"] != "PAYMENT_REVERSED" || fmt.Sprint(entry["amountInMajorCurrency"]) != "-30" {
			t.Errorf("chargeback entry: %v", entry)
		}
		inv1 := e.Get(tok, fmt.Sprintf("/v1/invoices/%d", inv)).Want(t, 200).Object(t)
		if inv1["thirdPartyPaymentStatus"] != "CHARGED_BACK" || fmt.Sprint(inv1["outstandingInMajorCurrency"]) != "100" || inv1["paymentStatus"] != "PENDING" {
			t.Errorf("invoice after the reports: %v", inv1)
		}
		report("CONFIRMED", -5).Want(t, 400)
		e.Patch(tok, fmt.Sprintf("/v1/payment-providers/%d", num(t, prov["id"])), []any{map[string]any{"op": "replace", "path": "/status", "value": "INACTIVE"}}).Want(t, 200)
		if r := report("CONFIRMED", 1).Want(t, 400); !strings.Contains(string(r.Body), "inactive") {
			t.Errorf("inactive provider: %s", r.Body)
		}
	})
}
