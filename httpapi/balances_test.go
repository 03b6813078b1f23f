package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestBalancesAndCreditStatus(t *testing.T) {
	t.Parallel()
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
