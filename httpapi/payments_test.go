package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// book is a customer with invoices, made through the API.
type book struct {
	customer, site int64
	inv            map[string]int64 // invoice number → id
}

func newBook(t *testing.T, e *apitest.Env, tok string, owner int, invoices ...[4]string) book {
	t.Helper()
	c := e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": owner, "customerName": "Book", "currencyId": 1, "creditThreshold": 500, "openBillRunValue": 60}).Want(t, 201).Object(t)
	s := e.Post(tok, "/v1/sites", map[string]any{"customerId": c["id"], "siteName": "Site", "siteInvoiceDetails": map[string]any{"paymentMethod": "BACS"}}).Want(t, 201).Object(t)
	b := book{customer: num(t, c["id"]), site: num(t, s["id"]), inv: map[string]int64{}}
	for _, iv := range invoices { // number, kind, due date, total
		b.add(t, e, tok, iv)
	}
	return b
}

func (b book) add(t *testing.T, e *apitest.Env, tok string, iv [4]string) int64 {
	t.Helper()
	r := e.Post(tok, "/v1/invoices", fmt.Sprintf(`{"customerId":%d,"siteId":%d,"billRunType":%q,"invoiceNumber":%q,"invoiceDate":"2024-01-01","dueDate":%q,"totalInMajorCurrency":%s}`,
		b.customer, b.site, iv[1], iv[0], iv[2], iv[3])).Want(t, 201).Object(t)
	b.inv[iv[0]] = num(t, r["id"])
	return b.inv[iv[0]]
}

func invoiceState(t *testing.T, e *apitest.Env, tok string, id int64) string {
	t.Helper()
	inv := e.Get(tok, fmt.Sprintf("/v1/invoices/%d?fields=outstandingInMajorCurrency,paymentStatus", id)).Want(t, 200).Object(t)
	return fmt.Sprintf("%v %v", inv["outstandingInMajorCurrency"], inv["paymentStatus"])
}

func balance(t *testing.T, e *apitest.Env, tok string, customer int64) map[string]any {
	t.Helper()
	return e.Get(tok, fmt.Sprintf("/v1/customer-balances?customer_id=%d", customer)).Want(t, 200).Object(t)
}

func TestInvoicePayments(t *testing.T) {
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

// TestCustomerPayments is the worked example of spec §6.2 plus credit, restriction and the statement.
func TestCustomerPayments(t *testing.T) {
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		b := newBook(t, e, tok, 7, [4]string{"INV-000123", "NORMAL", "2024-02-29", "120"}, [4]string{"INV-000101", "NORMAL", "2024-01-31", "80"})
		r := e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 100, "description": "Payment received",
			"reference": "BANK-REF-7781", "type": "BACS", "paymentDate": "2024-02-05"}).Want(t, 200)
		cp := r.Object(t)
		cpid := num(t, cp["id"])
		want := fmt.Sprintf(`{"id":%d,"customerId":%d,"amountInMajorCurrency":100,"resultingCustomerBalance":-100,"currencyId":1,"description":"Payment received","reference":"BANK-REF-7781","type":"BACS","paymentDate":"2024-02-05","customerPaymentType":"CUSTOMER","txnType":"PAYMENT","invoiceNumber":null,"invoiceId":null,"billRunType":null}`, cpid, b.customer)
		if string(r.Body) != want {
			t.Errorf("customer payment:\n got %s\nwant %s", r.Body, want)
		}
		if s := invoiceState(t, e, tok, b.inv["INV-000101"]); s != "0 PAID" {
			t.Errorf("INV-000101: %s", s)
		}
		if s := invoiceState(t, e, tok, b.inv["INV-000123"]); s != "100 PARTIALLY_PAID" {
			t.Errorf("INV-000123: %s", s)
		}
		allocs := e.Get(tok, fmt.Sprintf("/v1/invoice-payments?page=1&pageSize=10&customerPaymentId=%d&customerPaymentType=CUSTOMER", cpid)).Want(t, 200).Array(t)
		if len(allocs) != 2 || num(t, allocs[0]["generatedInvoiceId"]) != b.inv["INV-000101"] || fmt.Sprint(allocs[0]["amountInMajorCurrency"]) != "80" ||
			fmt.Sprint(allocs[1]["amountInMajorCurrency"]) != "20" || allocs[0]["paymentMethod"] != "BACS" || allocs[0]["paymentDate"] != "2024-02-05" ||
			allocs[0]["description"] != "Payment received" || allocs[0]["thirdPartyPaymentStatus"] != nil {
			t.Errorf("allocations: %v", allocs)
		}
		// Overpayment: 150 pays the remaining 100 and leaves 50 credit, which pays a new invoice.
		e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 150, "type": "CHEQUE"}).Want(t, 200)
		bal := balance(t, e, tok, b.customer)
		if fmt.Sprint(bal["balance"]) != "50" || fmt.Sprint(bal["totalPayments"]) != "250" {
			t.Errorf("balance after overpaying: %v", bal)
		}
		id := b.add(t, e, tok, [4]string{"INV-3", "NORMAL", "2024-04-30", "30"})
		if s := invoiceState(t, e, tok, id); s != "0 PAID" {
			t.Errorf("credit applied to a new invoice: %s", s)
		}
		id = b.add(t, e, tok, [4]string{"INV-4", "ADHOC", "2024-05-30", "30"})
		if s := invoiceState(t, e, tok, id); s != "10 PARTIALLY_PAID" {
			t.Errorf("the rest of the credit: %s", s)
		}
		if fmt.Sprint(balance(t, e, tok, b.customer)["balance"]) != "-10" {
			t.Errorf("balance: %v", balance(t, e, tok, b.customer))
		}
		// billRunType restricts allocation; the remainder is credit.
		b.add(t, e, tok, [4]string{"INV-5", "NORMAL", "2024-01-01", "5"})
		e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 12, "type": "BACS", "billRunType": "ADHOC"}).Want(t, 200)
		if s := invoiceState(t, e, tok, b.inv["INV-5"]); s != "5 UNPAID" {
			t.Errorf("NORMAL invoice touched by an ADHOC-only payment: %s", s)
		}
		if s := invoiceState(t, e, tok, b.inv["INV-4"]); s != "0 PAID" {
			t.Errorf("INV-4: %s", s)
		}
		// Statement.
		st := e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100", b.customer)).Want(t, 200).Array(t)
		var running int64
		for _, x := range st {
			running += cents(t, x["amountInMajorCurrency"])
			if cents(t, x["resultingCustomerBalance"]) != running {
				t.Fatalf("running balance broken at %v", x)
			}
		}
		if n := len(e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100&excludeDebits=true", b.customer)).Want(t, 200).Array(t)); n != 3 {
			t.Errorf("credits only: %d", n)
		}
		if n := len(e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100&excludeCredits=true", b.customer)).Want(t, 200).Array(t)); n != len(st)-3 {
			t.Errorf("debits only: %d of %d", n, len(st))
		}
		for q, n := range map[string]int{"filter=bank-ref": 1, "filter=like:BANK*": 1, "filter=in:BANK-REF-7781,nothing": 1, "filter=like:invoice*": 4, "filter=like:*invoice*": 5,
			"customerPaymentType=CUSTOMER": 3, "customerPaymentType=in:INVOICE,ADHOC_INVOICE": 5} {
			t.Run(q, func(t *testing.T) {
				if got := len(e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100&%s", b.customer, q)).Want(t, 200).Array(t)); got != n {
					t.Errorf("%s: %d entries, want %d", q, got, n)
				}
			})
		}
		e.Get(tok, "/v1/customer-payments?page=1&pageSize=10").Want(t, 400)
		e.Get(tok, "/v1/customer-payments?customer_id=999999&page=1&pageSize=10").Want(t, 404)
		e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=in:%d&page=1&pageSize=10", b.customer)).Want(t, 400)
		e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 0, "type": "BACS"}).Want(t, 400)
		e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 10, "type": "CANCELLED_CARD"}).Want(t, 400)
		e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": 999999, "amountInMajorCurrency": 10, "type": "BACS"}).Want(t, 404)
	})
}

func cents(t *testing.T, v any) int64 {
	t.Helper()
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	var w, f int64
	fmt.Sscan(whole, &w)
	fmt.Sscan(frac, &f)
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

func TestBalancesAndCreditStatus(t *testing.T) {
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		b := newBook(t, e, tok, 7, [4]string{"INV-1", "NORMAL", "2024-02-29", "360"})
		bal := e.Get(tok, fmt.Sprintf("/v1/customer-balances?customer_id=%d", b.customer)).Want(t, 200)
		want := fmt.Sprintf(`{"id":%d,"customerId":%d,"balance":-360,"totalPayments":0,"totalPaymentsSinceLastInvoice":0,"paymentMethodSummary":{"paymentMethod":"BACS","summaryType":"SINGLE"},"repaymentPlanSummary":{"repaymentPlanAmount":null,"repaymentPlanRemainingPeriods":0,"summaryType":"NONE"}}`, b.customer, b.customer)
		if string(bal.Body) != want {
			t.Errorf("balance:\n got %s\nwant %s", bal.Body, want)
		}
		// spec §6.13 example: balance -360, open bill run 60, threshold 500 → 420, 80, 84.
		cs := e.Get(tok, fmt.Sprintf("/v1/customer-credit-status?page=1&pageSize=10&customerId=%d", b.customer)).Want(t, 200)
		if string(cs.Body) != fmt.Sprintf(`[{"customerId":%d,"creditThreshold":500,"billAmount":420,"valueDifference":80,"percentageDifference":84,"openBillRunValue":60}]`, b.customer) {
			t.Errorf("credit status: %s", cs.Body)
		}
		for q, n := range map[string]int{"percentageDifference=gt:80": 1, "percentageDifference=gte:84&percentageDifference=lt:84.01": 1,
			"percentageDifference=lt:84": 0, "percentageDifference=84.00": 1, "percentageDifference=in:1,84": 1} {
			t.Run(q, func(t *testing.T) {
				if got := len(e.Get(tok, fmt.Sprintf("/v1/customer-credit-status?page=1&pageSize=10&customerId=%d&%s", b.customer, q)).Want(t, 200).Array(t)); got != n {
					t.Errorf("%s: %d, want %d", q, got, n)
				}
			})
		}
		e.Get(tok, "/v1/customer-credit-status?page=1&pageSize=10&percentageDifference=like:8").Want(t, 400)
		// Payments, adjustments and rounding.
		e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": b.inv["INV-1"], "amountInMajorCurrency": 100, "description": "x", "paymentMethod": "CHEQUE"}).Want(t, 201)
		adj := e.Post(tok, "/v1/customer-balance-adjustments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": -12.5, "description": "Late payment fee"}).Want(t, 200)
		aid := num(t, adj.Object(t)["id"])
		if string(adj.Body) != fmt.Sprintf(`{"id":%d,"customerId":%d,"amountInMajorCurrency":-12.5,"currencyId":1,"description":"Late payment fee"}`, aid, b.customer) {
			t.Errorf("adjustment: %s", adj.Body)
		}
		entry := e.Get(tok, fmt.Sprintf("/v1/customer-payments/%d", aid)).Want(t, 200).Object(t)
		if entry["txnType"] != "BALANCE_ADJUSTMENT" || entry["customerPaymentType"] != "CUSTOMER" || entry["type"] != nil {
			t.Errorf("adjustment entry: %v", entry)
		}
		e.Post(tok, "/v1/customer-balance-adjustments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 0}).Want(t, 400)
		e.Post(tok, "/v1/customer-balance-adjustments", map[string]any{"customerId": b.customer, "amountInMajorCurrency": 100000.01}).Want(t, 400)
		bal2 := balance(t, e, tok, b.customer)
		if fmt.Sprint(bal2["balance"]) != "-272.5" || fmt.Sprint(bal2["totalPayments"]) != "100" || fmt.Sprint(bal2["totalPaymentsSinceLastInvoice"]) != "100" {
			t.Errorf("balance: %v", bal2)
		}
		c := e.Get(tok, fmt.Sprintf("/v1/customer-credit-status?page=1&pageSize=10&customerId=%d", b.customer)).Want(t, 200).Array(t)[0]
		// bill 272.50 + 60 = 332.50 → 66.5 %.
		if fmt.Sprint(c["billAmount"]) != "332.5" || fmt.Sprint(c["valueDifference"]) != "167.5" || fmt.Sprint(c["percentageDifference"]) != "66.5" {
			t.Errorf("credit status: %v", c)
		}
		// Threshold 300.03 → 332.50 / 300.03 × 100 = 110.8222… → 110.82.
		e.Patch(tok, fmt.Sprintf("/v1/customers/%d", b.customer), []any{map[string]any{"op": "replace", "path": "/creditThreshold", "value": 300.03}}).Want(t, 200)
		c = e.Get(tok, fmt.Sprintf("/v1/customer-credit-status?page=1&pageSize=10&customerId=%d", b.customer)).Want(t, 200).Array(t)[0]
		if fmt.Sprint(c["percentageDifference"]) != "110.82" || fmt.Sprint(c["valueDifference"]) != "-32.47" {
			t.Errorf("credit status over the threshold: %v", c)
		}
		// Sites: MULTIPLE methods; a site that ended is not live; a customer with no site method → NONE.
		e.Post(tok, "/v1/sites", map[string]any{"customerId": b.customer, "siteName": "Second", "siteInvoiceDetails": map[string]any{"paymentMethod": "CHEQUE"}}).Want(t, 201)
		if s := balance(t, e, tok, b.customer)["paymentMethodSummary"]; fmt.Sprint(s) != "map[paymentMethod:<nil> summaryType:MULTIPLE]" {
			t.Errorf("two methods: %v", s)
		}
		other := e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "No threshold", "currencyId": 1}).Want(t, 201).Object(t)
		e.Post(tok, "/v1/sites", map[string]any{"customerId": other["id"], "siteName": "Old", "startDate": "2020-01-01", "endDate": "2020-12-31",
			"siteInvoiceDetails": map[string]any{"paymentMethod": "CHEQUE"}}).Want(t, 201)
		if s := balance(t, e, tok, num(t, other["id"]))["paymentMethodSummary"]; fmt.Sprint(s) != "map[paymentMethod:<nil> summaryType:NONE]" {
			t.Errorf("ended site: %v", s)
		}
		for _, it := range e.Get(tok, "/v1/customer-credit-status?page=1&pageSize=100").Want(t, 200).Array(t) {
			if num(t, it["customerId"]) == num(t, other["id"]) {
				t.Error("a customer without a threshold is listed")
			}
		}
		e.Get(tok, "/v1/customer-balances").Want(t, 400)
		e.Get(tok, "/v1/customer-balances?customer_id=999999").Want(t, 404)
		e.Get(tok, fmt.Sprintf("/v1/customer-balances?customer_id=%d&page=1", b.customer)).Want(t, 400)
		if got := string(e.Get(tok, fmt.Sprintf("/v1/customer-balances?customer_id=%d&fields=balance", b.customer)).Want(t, 200).Body); got != `{"balance":-272.5}` {
			t.Errorf("fields: %s", got)
		}
	})
}

func TestRefunds(t *testing.T) {
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		b := newBook(t, e, tok, 7, [4]string{"INV-1", "NORMAL", "2024-02-29", "120"}, [4]string{"ADH-1", "ADHOC", "2024-03-10", "45"})
		inv := b.inv["INV-1"]
		e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv}).Want(t, 400) // nothing paid: no method, nothing refundable
		e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 100, "description": "x", "paymentMethod": "CHEQUE"}).Want(t, 201)
		r := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv, "description": "Goodwill refund", "amountInMajorCurrency": 20}).Want(t, 201)
		rf := r.Object(t)
		if r.Header.Get("Location") != "" || string(r.Body) != fmt.Sprintf(`{"id":%d,"invoiceId":%d,"customerId":%d,"billRunType":"NORMAL","thirdPartyRefundStatus":"MANUALLY_REFUNDED","description":"Goodwill refund","errorInfo":null,"paymentMethod":"CHEQUE","amountInMajorCurrency":20}`, num(t, rf["id"]), inv, b.customer) {
			t.Errorf("refund: %s", r.Body)
		}
		invObj := e.Get(tok, fmt.Sprintf("/v1/invoices/%d", inv)).Want(t, 200).Object(t)
		if invObj["paymentStatus"] != "PART_REFUNDED" || fmt.Sprint(invObj["outstandingInMajorCurrency"]) != "20" || invObj["thirdPartyRefundStatus"] != "MANUALLY_REFUNDED" {
			t.Errorf("invoice after a refund: %v", invObj)
		}
		over := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv, "amountInMajorCurrency": 80.01, "paymentMethod": "BACS"}).Want(t, 400)
		if !strings.Contains(string(over.Body), "80.01") || !strings.Contains(string(over.Body), "(80)") {
			t.Errorf("over-refund message must state both amounts: %s", over.Body)
		}
		for name, body := range map[string]map[string]any{
			"wrong bill run type": {"invoiceId": inv, "billRunType": "ADHOC"},
			"external only":       {"invoiceId": inv, "paymentMethod": "FINASTRA"},
			"site state":          {"invoiceId": inv, "paymentMethod": "CANCELLED_DD"},
			"zero":                {"invoiceId": inv, "amountInMajorCurrency": 0},
			"too precise":         {"invoiceId": inv, "amountInMajorCurrency": 1.001},
		} {
			t.Run(name, func(t *testing.T) {
				if r := e.Post(tok, "/v1/refunds", body); r.Status != 400 {
					t.Errorf("%s: %d %s", name, r.Status, r.Body)
				}
			})
		}
		e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv, "paymentMethod": "STRIPE"}).Want(t, 501)
		e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": 999999}).Want(t, 404)
		// Default amount: the whole refundable amount, with the given manual method.
		all := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv, "paymentMethod": "BACS"}).Want(t, 201).Object(t)
		if fmt.Sprint(all["amountInMajorCurrency"]) != "80" || all["paymentMethod"] != "BACS" {
			t.Errorf("default amount: %v", all)
		}
		if s := invoiceState(t, e, tok, inv); s != "20 REFUNDED" {
			t.Errorf("after refunding everything: %s", s)
		}
		e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv}).Want(t, 400)
		// Adhoc; autoCollect takes the method of the last successful payment whatever is sent.
		adh := b.inv["ADH-1"]
		e.Post(tok, "/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": adh, "amountInMajorCurrency": 45, "description": "x", "paymentMethod": "PAYPAL"}).Want(t, 201)
		ar := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": adh, "billRunType": "ADHOC", "amountInMajorCurrency": 5}).Want(t, 201).Object(t)
		if ar["paymentMethod"] != "PAYPAL" || ar["billRunType"] != "ADHOC" {
			t.Errorf("adhoc refund: %v", ar)
		}
		e.Patch(tok, "/v1/invoices/1", []any{}).Want(t, 405)
		// Ledger: REFUND entries, debit.
		st := e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100&excludeCredits=true&sort=id:desc", b.customer)).Want(t, 200).Array(t)
		if st[0]["txnType"] != "REFUND" || fmt.Sprint(st[0]["amountInMajorCurrency"]) != "-5" || st[0]["customerPaymentType"] != "ADHOC_INVOICE" || st[0]["type"] != "PAYPAL" {
			t.Errorf("latest debit: %v", st[0])
		}
		// List and filters (typed).
		if n := len(e.Get(tok, fmt.Sprintf("/v1/refunds?page=1&pageSize=10&customerId=%d", b.customer)).Want(t, 200).Array(t)); n != 3 {
			t.Errorf("refunds of the customer: %d", n)
		}
		if n := len(e.Get(tok, "/v1/refunds?page=1&pageSize=10&billRunType=ADHOC").Want(t, 200).Array(t)); n != 1 {
			t.Errorf("adhoc refunds: %d", n)
		}
		e.Get(tok, fmt.Sprintf("/v1/refunds?page=1&pageSize=10&invoiceId=in:%d", inv)).Want(t, 400)
		e.Get(tok, "/v1/refunds?page=1&pageSize=10&billRunType=like:AD").Want(t, 400)
	})
}

func TestRefundMethodOfAutoCollectedInvoice(t *testing.T) {
	e := apitest.New(t, "sqlite")
	tok := e.AdminToken()
	b := newBook(t, e, tok, 7)
	inv := e.Post(tok, "/v1/invoices", fmt.Sprintf(`{"customerId":%d,"siteId":%d,"billRunType":"NORMAL","invoiceNumber":"AUTO","invoiceDate":"2024-01-01","dueDate":"2024-01-31","totalInMajorCurrency":10,"autoCollect":true}`,
		b.customer, b.site)).Want(t, 201).Object(t)
	e.Post(tok, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv["id"], "amountInMajorCurrency": 10, "description": "x", "paymentMethod": "BACS"}).Want(t, 201)
	r := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": inv["id"], "paymentMethod": "CHEQUE", "amountInMajorCurrency": 1}).Want(t, 201).Object(t)
	if r["paymentMethod"] != "BACS" {
		t.Errorf("auto-collected invoice refunded by %v, want the last payment's BACS", r["paymentMethod"])
	}
}
