package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// world is a small data set: contract owner 7 ("mine") and 8 ("theirs"), each with a payment
// provider, a customer, a site and a normal and an adhoc invoice.
type world struct {
	admin                       string
	mine, theirs                ids
	mineProvider, theirProvider int64
}

type ids struct {
	customer, site, invoice, adhoc int64
	payment, adhocPayment, entry   int64 // a manual invoice payment, an adhoc one, a customer payment entry
}

func num(t testing.TB, v any) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(fmt.Sprint(v), &n); err != nil {
		t.Fatalf("not an integer: %v", v)
	}
	return n
}

func seedWorld(t testing.TB, e *apitest.Env) world {
	t.Helper()
	w := world{admin: e.AdminToken()}
	for _, co := range []int32{7, 8} {
		prov := e.Post(w.admin, "/v1/payment-providers", map[string]any{
			"type": "GO_CARDLESS", "name": fmt.Sprintf("GoCardless %d", co), "status": "ACTIVE", "contractOwnerIds": []int32{co},
		}).Want(t, 201).Object(t)
		cust := e.Post(w.admin, "/v1/customers", map[string]any{
			"contractOwnerId": co, "customerName": fmt.Sprintf("Customer %d", co), "customerAccountNumber": fmt.Sprintf("ACC%d", co),
			"currencyId": 1, "creditThreshold": 500, "openBillRunValue": 60,
		}).Want(t, 201).Object(t)
		site := e.Post(w.admin, "/v1/sites", map[string]any{
			"customerId": cust["id"], "siteName": "HQ", "startDate": "2023-06-01",
			"siteInvoiceDetails": map[string]any{"paymentMethod": "GO_CARDLESS", "paymentProviderId": prov["id"]},
		}).Want(t, 201).Object(t)
		inv := e.Post(w.admin, "/v1/invoices", map[string]any{
			"customerId": cust["id"], "siteId": site["id"], "billRunType": "NORMAL", "billRunId": 310, "invoiceNumber": fmt.Sprintf("INV-%d", co),
			"invoiceDate": "2024-02-01", "dueDate": "2024-02-29", "totalInMajorCurrency": 120,
		}).Want(t, 201).Object(t)
		adhoc := e.Post(w.admin, "/v1/invoices", map[string]any{
			"customerId": cust["id"], "siteId": site["id"], "billRunType": "ADHOC", "invoiceNumber": fmt.Sprintf("ADH-%d", co),
			"invoiceDate": "2024-02-10", "dueDate": "2024-03-10", "totalInMajorCurrency": 45,
		}).Want(t, 201).Object(t)
		pay := e.Post(w.admin, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv["id"], "amountInMajorCurrency": 50,
			"description": "Cheque 1", "paymentMethod": "CHEQUE"}).Want(t, 201).Object(t)
		apay := e.Post(w.admin, "/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": adhoc["id"], "amountInMajorCurrency": 5,
			"description": "BACS 1", "paymentMethod": "BACS"}).Want(t, 201).Object(t)
		cp := e.Post(w.admin, "/v1/customer-payments", map[string]any{"customerId": cust["id"], "amountInMajorCurrency": 10, "type": "BACS"}).Want(t, 200).Object(t)
		e.Post(w.admin, "/v1/refunds", map[string]any{"invoiceId": inv["id"], "amountInMajorCurrency": 1}).Want(t, 201)
		x := ids{customer: num(t, cust["id"]), site: num(t, site["id"]), invoice: num(t, inv["id"]), adhoc: num(t, adhoc["id"]),
			payment: num(t, pay["id"]), adhocPayment: num(t, apay["id"]), entry: num(t, cp["id"])}
		if co == 7 {
			w.mine, w.mineProvider = x, num(t, prov["id"])
		} else {
			w.theirs, w.theirProvider = x, num(t, prov["id"])
		}
	}
	return w
}

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
