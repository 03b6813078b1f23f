package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestCustomerPayments is the worked example of spec §6.2 plus credit, restriction and the statement.
func TestCustomerPayments(t *testing.T) {
	t.Parallel()
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
