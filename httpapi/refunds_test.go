package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestRefunds(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
