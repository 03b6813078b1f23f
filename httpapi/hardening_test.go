package httpapi_test

// Regression tests of issue 6 (black-box attack, fuzzing, a newcomer's first hour) on request
// bodies: nesting depth, the size of the error list, extreme numbers.

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// nested is an array nested depth levels deep.
func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// nestedObject is an object nested depth levels deep.
func nestedObject(depth int) string {
	return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
}

const depthMessage = "request body nests arrays and objects more than 32 levels deep"

// errorBody decodes a standard error body, failing unless it is one with the status.
func errorBody(t *testing.T, r *apitest.Response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.300s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json: %.300s", ct, r.Body)
	}
	m := r.Object(t)
	for _, k := range []string{"timestamp", "status", "error", "message", "path"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body lacks %s: %.300s", k, r.Body)
		}
	}
	if fmt.Sprint(m["status"]) != fmt.Sprint(status) {
		t.Fatalf("body status %v, want %d", m["status"], status)
	}
	return m
}

func firstField(m map[string]any) string {
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	f, _ := errs[0].(map[string]any)
	s, _ := f["field"].(string)
	return s
}

// TestBodyNestingDepth: 32 levels pass the depth check (and fail the schema as usual), 33 are
// refused with 400 naming the body, before any decoding, on every body path: the token-less
// POST /v1/authenticate, an authenticated POST (with and without Idempotency-Key, whose
// fingerprint parses the body too) and a PATCH.
func TestBodyNestingDepth(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		w := seedWorld(t, e)
		patchPath := fmt.Sprintf("/v1/customers/%d", w.mine.customer)
		cases := []struct {
			name string
			req  func(body string) apitest.Request
		}{
			{"authenticate", func(b string) apitest.Request {
				return apitest.Request{Method: http.MethodPost, Path: "/v1/authenticate", Body: b}
			}},
			{"post", func(b string) apitest.Request {
				return apitest.Request{Method: http.MethodPost, Path: "/v1/currencies", Token: w.admin, Body: b}
			}},
			{"post-idempotent", func(b string) apitest.Request {
				return apitest.Request{Method: http.MethodPost, Path: "/v1/currencies", Token: w.admin, Body: b,
					Header: map[string]string{"Idempotency-Key": "depth-" + fmt.Sprint(len(b))}}
			}},
			{"patch", func(b string) apitest.Request {
				return apitest.Request{Method: http.MethodPatch, Path: patchPath, Token: w.admin, Body: b}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, body := range []string{nested(32), nestedObject(32), "[" + nestedObject(31) + "]"} {
					m := errorBody(t, e.Do(c.req(body)), 400)
					if strings.Contains(fmt.Sprint(m["message"]), "levels deep") {
						t.Errorf("32 levels refused for depth: %v", m["message"])
					}
				}
				for _, body := range []string{nested(33), nestedObject(33), `{"a":"]]]]",` + `"b":` + nested(32) + `}`, nested(5000)} {
					m := errorBody(t, e.Do(c.req(body)), 400)
					if m["message"] != depthMessage {
						t.Errorf("%.40s…: message %q, want %q", body, m["message"], depthMessage)
					}
				}
			})
		}
		// Brackets inside strings (escaped quotes included) are not nesting.
		r := e.Post("", "/v1/authenticate", `{"brand":"`+strings.Repeat(`[\"{`, 100)+`","username":"u","password":"p"}`)
		if m := errorBody(t, r, r.Status); strings.Contains(fmt.Sprint(m["message"]), "levels deep") {
			t.Errorf("brackets in a string counted as nesting: %v", m["message"])
		}
	})
}

// TestBodyNestingMemory: a 1 MiB body of "[[[[" sent to POST /v1/authenticate (no token
// needed) is refused with 400 and costs the process little memory: the old decoder recursed
// once per level (41 MB of heap and 270 MB of stack per request). The whole round trip, client
// and server, runs in this process, so TotalAlloc bounds what the server allocated.
func TestBodyNestingMemory(t *testing.T) {
	// Not parallel: measures the process's heap allocation (runtime.MemStats), which other tests would add to.
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		body := bytes.Repeat([]byte("["), 1<<20)
		e.Post("", "/v1/authenticate", nested(40)).Want(t, 400) // warm up connections and pools
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := e.Post("", "/v1/authenticate", body)
		runtime.ReadMemStats(&after)
		if m := errorBody(t, r, 400); m["message"] != depthMessage {
			t.Errorf("message %q", m["message"])
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("1 MiB nested body: %.1f MB allocated, stack %+.1f MB", float64(alloc)/1e6, (float64(after.StackSys)-float64(before.StackSys))/1e6)
		if alloc > 12<<20 {
			t.Errorf("a 1 MiB nested body allocated %d bytes", alloc)
		}
	})
}

// TestValidationErrorsCapped: 40,000 unknown keys answer a small 400 listing 20 errors and
// stating how many there were; so do 40,000 invalid array items (a body may hold at most MaxValues values).
func TestValidationErrorsCapped(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		var b strings.Builder
		b.WriteString("{")
		for i := range 40000 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"k%05d":1`, i)
		}
		b.WriteString("}")
		r := e.Post("", "/v1/authenticate", b.String())
		m := errorBody(t, r, 400)
		if len(r.Body) > 4096 {
			t.Errorf("error body is %d bytes", len(r.Body))
		}
		errs, _ := m["errors"].([]any)
		if len(errs) != 20 {
			t.Errorf("%d errors listed, want 20", len(errs))
		}
		// 40,000 unknown keys and the 3 missing required fields.
		if want := "Validation failed for 40003 fields (first 20 listed): brand is required"; m["message"] != want {
			t.Errorf("message %q, want %q", m["message"], want)
		}
		if f := firstField(m); f != "brand" {
			t.Errorf("first field %q", f)
		}

		var a strings.Builder
		a.WriteString(`{"type":"STRIPE","name":"Big","status":"ACTIVE","contractOwnerIds":[`)
		for i := range 40000 {
			if i > 0 {
				a.WriteString(",")
			}
			a.WriteString(`"x"`)
		}
		a.WriteString("]}")
		r = e.Post(e.AdminToken(), "/v1/payment-providers", a.String())
		m = errorBody(t, r, 400)
		errs, _ = m["errors"].([]any)
		if len(r.Body) > 4096 || len(errs) != 20 {
			t.Errorf("%d bytes, %d errors", len(r.Body), len(errs))
		}
		if want := "Validation failed for 40001 fields (first 20 listed): contractOwnerIds duplicate items found"; m["message"] != want {
			t.Errorf("message %q, want %q", m["message"], want)
		}
		for i, x := range errs[1:min(len(errs), 20)] {
			if f := x.(map[string]any)["field"]; f != fmt.Sprintf("contractOwnerIds.%d", i) {
				t.Errorf("errors[%d].field = %v", i+1, f)
			}
		}
		// Below the cap nothing changes: every error listed, no "first … listed".
		m = errorBody(t, e.Post("", "/v1/authenticate", `{"a":1,"b":2}`), 400)
		if want := "Validation failed for 5 fields: a is not a known or writable field"; m["message"] != want {
			t.Errorf("message %q, want %q", m["message"], want)
		}
	})
}

// TestExtremeNumbersNamed: numbers that float64 cannot hold, or that do not fit the field,
// answer 400 naming the field, on an amount and on integer fields.
func TestExtremeNumbersNamed(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		w := seedWorld(t, e)
		cust, inv := fmt.Sprint(w.mine.customer), fmt.Sprint(w.mine.invoice)
		for _, amount := range []string{"1e-400", "1e400", "-0", "1e-7", "123456789012345678901234567890", "1e-19", "-1e400", "0.000000000000000000001"} {
			for _, c := range []struct{ path, body string }{
				{"/v1/customer-balance-adjustments", `{"customerId":` + cust + `,"amountInMajorCurrency":` + amount + `,"description":"x"}`},
				{"/v1/refunds", `{"invoiceId":` + inv + `,"amountInMajorCurrency":` + amount + `}`},
				{"/v1/invoice-payments", `{"generatedInvoiceId":` + inv + `,"amountInMajorCurrency":` + amount + `,"description":"x","paymentMethod":"CHEQUE"}`},
			} {
				m := errorBody(t, e.Post(w.admin, c.path, c.body), 400)
				if f := firstField(m); f != "amountInMajorCurrency" {
					t.Errorf("%s %s: errors[0].field %q: %v", c.path, amount, f, m)
				}
			}
		}
		for _, id := range []string{"1e400", "1.5", "9223372036854775808", "1e-400", "1e2", "1.0", "-9223372036854775809", "99999999999999999999999999"} {
			for _, c := range []struct{ path, field, body string }{
				{"/v1/customer-balance-adjustments", "customerId", `{"customerId":` + id + `,"amountInMajorCurrency":5,"description":"x"}`},
				{"/v1/refunds", "invoiceId", `{"invoiceId":` + id + `,"amountInMajorCurrency":5}`},
				{"/v1/currencies", "decimalPlaces", `{"name":"Zed","code":"ZZZ","majorCurrencyName":"zed","minorCurrencyName":"zeds","decimalPlaces":` + id + `}`},
			} {
				m := errorBody(t, e.Post(w.admin, c.path, c.body), 400)
				if f := firstField(m); f != c.field {
					t.Errorf("%s %s=%s: errors[0].field %q: %v", c.path, c.field, id, f, m)
				}
				if !strings.Contains(fmt.Sprint(m["message"]), c.field) {
					t.Errorf("%s %s=%s: message %q does not name the field", c.path, c.field, id, m["message"])
				}
			}
		}
		// int32 fields: one past the format's range.
		for _, c := range []struct{ path, field, body string }{
			{"/v1/customer-balance-adjustments", "customerId", `{"customerId":2147483648,"amountInMajorCurrency":5,"description":"x"}`},
			{"/v1/currencies", "decimalPlaces", `{"name":"Zed","code":"ZZZ","majorCurrencyName":"zed","minorCurrencyName":"zeds","decimalPlaces":-2147483649}`},
		} {
			if f := firstField(errorBody(t, e.Post(w.admin, c.path, c.body), 400)); f != c.field {
				t.Errorf("%s: errors[0].field %q", c.body, f)
			}
		}
		// In range and exact: accepted.
		e.Post(w.admin, "/v1/customer-balance-adjustments", `{"customerId":`+cust+`,"amountInMajorCurrency":1.05e1,"description":"x"}`).Want(t, 200)
	})
}
