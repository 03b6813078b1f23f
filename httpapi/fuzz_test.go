package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// FuzzListQuery sends arbitrary query strings to list operations: no input may produce a 5xx
// or a panic. The seed corpus runs with every `go test`; `go test -fuzz FuzzListQuery` explores.
func FuzzListQuery(f *testing.F) {
	for _, seed := range []string{
		"page=1&pageSize=10", "page=1&pageSize=10&sort=dueDate:desc,id", "page=1&pageSize=10&fields=id,paymentStatus",
		"page=1&pageSize=10&dueDate=gtn:2024-01-01", "page=1&pageSize=10&totalInMajorCurrency=gte:80.00",
		"page=1&pageSize=10&invoiceNumber=like:INV-%25_\\", "page=1&pageSize=10&paymentStatus=in:UNPAID,PAID",
		"page=1&pageSize=10&billRunId=in:1,2,3&billRunId=gt:0", "page=1&pageSize=10&id=lte:9223372036854775807",
		"page=9223372036854775807&pageSize=1000", "page=1&pageSize=10&sort=", "page=1&pageSize=10&fields=,",
		"page=1&pageSize=10&dueDate=2024-02-30", "page=1&pageSize=10&totalInMajorCurrency=1e999999",
		"page=1&pageSize=10&customerId=in:" + strings.Repeat("1,", 101), "%zz", "page=1&pageSize=10&siteId=-1",
		"page=1&pageSize=10&thirdPartyPaymentStatus=like:*", "page=1&pageSize=10&autoCollect=TRUE",
	} {
		for _, path := range []string{"/v1/invoices", "/v1/customers", "/v1/payment-providers", "/v1/sites", "/v1/currencies"} {
			f.Add(path, seed)
		}
	}
	e := apitest.New(f, "sqlite")
	tok := e.AdminToken()
	seedWorld(f, e)
	f.Fuzz(func(t *testing.T, path, q string) {
		switch path {
		case "/v1/invoices", "/v1/customers", "/v1/payment-providers", "/v1/sites", "/v1/currencies":
		default:
			return
		}
		req := httptest.NewRequest(http.MethodGet, "http://x"+path, nil)
		req.URL.RawQuery = q
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		e.Server.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s?%s → %d %s", path, q, rec.Code, rec.Body.String())
		}
	})
}

// FuzzMoneyBody sends arbitrary amount text in request bodies: never a 5xx or a panic, and an
// accepted amount is echoed exactly.
func FuzzMoneyBody(f *testing.F) {
	for _, seed := range []string{"10", "10.5", "10.50", "10.123", "0", "-0", "-1", "1e2", "1.05e1", "1E-2", `"10.50"`, "null", "true",
		"1e999999999", "0.0000000000000000000001", "99999999999999999999999", "9999999.99", "9999999.991", "-0.0", "1.", ".5", "01", "[]", "{}"} {
		f.Add(seed)
	}
	e := apitest.New(f, "sqlite")
	tok := e.AdminToken()
	w := seedWorld(f, e)
	f.Fuzz(func(t *testing.T, amount string) {
		body := `{"customerId":` + itoa(w.mine.customer) + `,"siteId":` + itoa(w.mine.site) + `,"billRunType":"NORMAL","invoiceNumber":"F-` +
			itoa(int64(len(amount))) + `x","invoiceDate":"2024-01-01","dueDate":"2024-01-31","totalInMajorCurrency":` + amount + `}`
		req := httptest.NewRequest(http.MethodPost, "http://x/v1/invoices", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.Server.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("amount %q → %d %s", amount, rec.Code, rec.Body.String())
		}
		if rec.Code == 201 && strings.Contains(rec.Body.String(), "e") && strings.Contains(rec.Body.String(), `"totalInMajorCurrency":`+"1e") {
			t.Fatalf("amount %q echoed in exponent form: %s", amount, rec.Body.String())
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
