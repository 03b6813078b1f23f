package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/ledger"
)

// TestCreditStatusLargeFigures lists credit status for customers whose figures the contract
// allows but whose percentage overflowed bigint (93 invoices of 9999999.99 over the smallest
// threshold, 0.01, or 1 yen), in currencies of exponents 2, 0 and 3: sorting and every filter form on
// percentageDifference answer the same on both engines, with the oracle's exact figures (issue 6, item 9).
func TestCreditStatusLargeFigures(t *testing.T) {
	t.Parallel()
	g := newEngines(t)
	type customer struct {
		code         string
		exp          int32
		threshold    string
		total        string // the largest invoice total the contract allows in this currency
		thresholdMin int64
		totalMinor   int64
	}
	custs := []customer{{"GBP", 2, "0.01", "9999999.99", 1, 999999999}, {"JPY", 0, "1", "9999999", 1, 9999999}, {"BHD", 3, "0.01", "9999999.99", 10, 9999999990}}
	const invoices = 93
	for i, e := range g.envs {
		w := g.worlds[i]
		for _, c := range custs {
			currency := int64(1)
			if c.code != "GBP" {
				cur := e.Post(w.admin, "/v1/currencies", map[string]any{"name": c.code, "code": c.code, "majorCurrencyName": "major", "minorCurrencyName": "minor", "decimalPlaces": c.exp}).Want(t, 201).Object(t)
				currency = num(t, cur["id"])
			}
			cust := e.Post(w.admin, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Big " + c.code, "currencyId": currency,
				"creditThreshold": json.Number(c.threshold), "openBillRunValue": json.Number(c.total)}).Want(t, 201).Object(t)
			site := e.Post(w.admin, "/v1/sites", map[string]any{"customerId": cust["id"], "siteName": "S"}).Want(t, 201).Object(t)
			for n := range invoices {
				e.Post(w.admin, "/v1/invoices", map[string]any{"customerId": cust["id"], "siteId": site["id"], "billRunType": "NORMAL",
					"invoiceNumber": fmt.Sprintf("%s-%d", c.code, n), "invoiceDate": "2024-01-01", "dueDate": "2024-01-31", "totalInMajorCurrency": json.Number(c.total)}).Want(t, 201)
			}
		}
	}
	// The oracle's figures for the three customers.
	want := map[string]string{}
	for _, c := range custs {
		_, _, pct := ledger.Credit(-invoices*c.totalMinor, c.totalMinor, c.thresholdMin)
		r := new(big.Rat).SetFrac(pct, big.NewInt(100))
		want[c.code] = strings.TrimSuffix(strings.TrimRight(r.FloatString(2), "0"), ".")
	}
	list := func(q string) string { return "/v1/customer-credit-status?page=1&pageSize=100&" + q }
	for _, sort := range []string{"percentageDifference", "percentageDifference:desc", "billAmount:desc", "valueDifference"} {
		a := g.do(t, "sort="+sort, func(e *apitest.Env, w world) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: list("sort=" + sort), Token: w.admin}
		})
		if a.Status != 200 {
			t.Errorf("sort=%s: %d %s", sort, a.Status, a.Message)
		}
	}
	// Exact figures, identical on both engines, and in oracle order.
	var bodies []string
	for i, e := range g.envs {
		rows := e.Get(g.worlds[i].admin, list("sort=percentageDifference:desc&fields=customerId,percentageDifference,billAmount")).Want(t, 200).Array(t)
		if len(rows) != 5 {
			t.Fatalf("%s: %d rows", apitest.Engines[i], len(rows))
		}
		got := []string{fmt.Sprint(rows[0]["percentageDifference"]), fmt.Sprint(rows[1]["percentageDifference"]), fmt.Sprint(rows[2]["percentageDifference"])}
		exp := []string{want["BHD"], want["GBP"], want["JPY"]}
		sort.Slice(exp, func(a, b int) bool {
			x, _ := new(big.Rat).SetString(exp[a])
			y, _ := new(big.Rat).SetString(exp[b])
			return x.Cmp(y) > 0
		})
		if !slices.Equal(got, exp) {
			t.Errorf("%s: largest percentages %v, want %v", apitest.Engines[i], got, exp)
		}
		b, _ := json.Marshal(rows)
		bodies = append(bodies, string(b))
	}
	if bodies[0] != bodies[1] {
		t.Errorf("the engines list different figures:\n%s\n%s", bodies[0], bodies[1])
	}
	// Every filter form at the exact values, and around them.
	for _, c := range custs {
		v := want[c.code]
		for _, q := range []string{v, "in:1," + v, "gt:" + v, "gte:" + v, "lt:" + v, "lte:" + v, "gt:" + v + "1", "lt:" + v + "1", "gte:99999999999999999", "lt:-99999999999999999"} {
			a := g.do(t, "percentageDifference="+q, func(e *apitest.Env, w world) apitest.Request {
				return apitest.Request{Method: http.MethodGet, Path: list(url.Values{"percentageDifference": {q}}.Encode()), Token: w.admin}
			})
			if a.Status != 200 {
				t.Errorf("percentageDifference=%s: %d %s", q, a.Status, a.Message)
			}
		}
		a := g.do(t, "exact "+c.code, func(e *apitest.Env, w world) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: list("percentageDifference=" + v), Token: w.admin}
		})
		same := 0 // GBP 94 × 9999999.99 over 0.01 and BHD 94 × 9999999.990 over 0.010 are equal
		for _, o := range custs {
			if want[o.code] == v {
				same++
			}
		}
		if a.Total != fmt.Sprint(same) {
			t.Errorf("percentageDifference=%s matches %s customers, want %d", v, a.Total, same)
		}
	}
}
