// Package proof holds the end-to-end proofs of the money rules (invoice and adhoc
// invoice payments, customer payments, balances, adjustments, credit status and refunds): a
// property test against an independent model, concurrency tests and amount edge cases. Every
// test talks to the real server over loopback HTTP on both databases, and every response is
// validated against api/openapi.yaml by apitest.
package proof

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// Default rapid settings of this package (used unless -rapid.checks / RAPID_CHECKS,
// -rapid.shrinktime / RAPID_SHRINKTIME or -rapid.nofailfile are given), chosen so that the whole package stays
// within about a minute on two cores with -race. The count is deterministic: a passing run
// executes exactly this many cases per engine.
const (
	defaultChecks     = 100
	defaultChecksRace = 35
	defaultShrinkTime = "10s"
)

func TestMain(m *testing.M) {
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["rapid.checks"] && os.Getenv("RAPID_CHECKS") == "" {
		n := defaultChecks
		if raceEnabled {
			n = defaultChecksRace
		}
		_ = flag.Set("rapid.checks", strconv.Itoa(n))
	}
	if !set["rapid.shrinktime"] && os.Getenv("RAPID_SHRINKTIME") == "" {
		_ = flag.Set("rapid.shrinktime", defaultShrinkTime)
	}
	// A failure prints -rapid.seed=N, which reproduces it; do not write fail files into the tree.
	if !set["rapid.nofailfile"] && os.Getenv("RAPID_NOFAILFILE") == "" {
		_ = flag.Set("rapid.nofailfile", "true")
	}
	code := m.Run()
	fmt.Printf("proof: %d HTTP requests sent, %d responses validated against api/openapi.yaml\n", requests.Load(), apitest.Validated.Load())
	os.Exit(code)
}

// requests counts every request the package sends. The tests run in parallel
// (apitest.ForEachEngineParallel), so the state they share is atomic.
var requests atomic.Int64

// seq makes invoice numbers and names unique within a server.
var seq atomic.Int64

func next() int64 { return seq.Add(1) }

// T is what the helpers need from *testing.T and *rapid.T.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// client sends requests with a token. Unlike apitest.Env.Do it never calls Fatal on the test
// that started the server, so it can be used from rapid cases and from goroutines.
type client struct {
	e   *apitest.Env
	tok string
}

func newClient(e *apitest.Env) *client { return &client{e: e, tok: e.AdminToken()} }

// resp is one received response.
type resp struct {
	method, path string
	reqBody      []byte
	status       int
	hdr          http.Header
	body         []byte
}

func (r *resp) String() string {
	return fmt.Sprintf("%s %s %s -> %d %s", r.method, r.path, r.reqBody, r.status, r.body)
}

// send performs one request; body is nil, raw ([]byte / string) or marshalled as JSON.
func (c *client) send(method, path string, body any, hdr map[string]string) (*resp, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		raw = j
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.e.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.tok)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	requests.Add(1)
	res, err := c.e.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	r := &resp{method: method, path: path, reqBody: raw, status: res.StatusCode, hdr: res.Header, body: b}
	if err := checkNumbers(b); err != nil {
		return r, fmt.Errorf("%v: %s", err, r)
	}
	return r, nil
}

// do is send failing t on a transport error or a malformed number in the response.
func (c *client) do(t T, method, path string, body any) *resp {
	t.Helper()
	r, err := c.send(method, path, body, nil)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return r
}

func (c *client) get(t T, path string) *resp { t.Helper(); return c.do(t, http.MethodGet, path, nil) }
func (c *client) post(t T, path string, body any) *resp {
	t.Helper()
	return c.do(t, http.MethodPost, path, body)
}

// want fails t unless the status is one of statuses.
func (r *resp) want(t T, statuses ...int) *resp {
	t.Helper()
	for _, s := range statuses {
		if r.status == s {
			return r
		}
	}
	t.Fatalf("status %d, want %v: %s", r.status, statuses, r)
	return r
}

// obj decodes the body as an object, numbers as json.Number.
func (r *resp) obj(t T) map[string]any {
	t.Helper()
	m, ok := decode(t, r).(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %s", r)
	}
	return m
}

// arr decodes the body as an array of objects.
func (r *resp) arr(t T) []map[string]any {
	t.Helper()
	a, ok := decode(t, r).([]any)
	if !ok {
		t.Fatalf("not a JSON array: %s", r)
	}
	out := make([]map[string]any, len(a))
	for i, x := range a {
		if out[i], ok = x.(map[string]any); !ok {
			t.Fatalf("array item %d is not an object: %s", i, r)
		}
	}
	return out
}

func decode(t T, r *resp) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, r)
	}
	return v
}

// checkNumbers enforces the output rule of spec §2.11 on every number of a response: shortest
// exact decimal, no exponent, no trailing fractional zeros, never -0, at most 3 decimals (the
// largest currency exponent; percentageDifference has 2).
func checkNumbers(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // not JSON: the contract validator reports it
		}
		n, ok := tok.(json.Number)
		if !ok {
			continue
		}
		s := string(n)
		switch {
		case strings.ContainsAny(s, "eE+"):
			return fmt.Errorf("number %s uses exponent notation (spec §2.11)", s)
		case strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "":
			return fmt.Errorf("number %s is a negative zero (spec §2.11)", s)
		case strings.Contains(s, ".") && strings.HasSuffix(s, "0"):
			return fmt.Errorf("number %s has trailing zeros (spec §2.11)", s)
		case strings.Contains(s, ".") && len(s)-strings.Index(s, ".")-1 > 3:
			return fmt.Errorf("number %s has more than 3 decimals: float noise? (spec §2.11)", s)
		}
	}
}

// fmtMinor writes minor units of a currency with exp decimals as the shortest exact decimal.
func fmtMinor(v int64, exp int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if neg && v != 0 {
		s = "-" + s
	}
	return s
}

// parseMinor reads a plain decimal (no exponent) as minor units with exp decimals.
func parseMinor(s string, exp int) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > exp || ip == "" || strings.ContainsAny(s, "eE+") {
		return 0, fmt.Errorf("%q is not an amount with at most %d decimals", s, exp)
	}
	fp += strings.Repeat("0", exp-len(fp))
	v, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil {
		return 0, err
	}
	if neg {
		v = -v
	}
	return v, nil
}

// num is a JSON number field as written, "null" for null and "<absent>" when missing.
func num(m map[string]any, k string) string {
	v, ok := m[k]
	switch {
	case !ok:
		return "<absent>"
	case v == nil:
		return "null"
	}
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return fmt.Sprintf("<%T %v>", v, v)
}

// str is a string field, "null" for null.
func str(m map[string]any, k string) string {
	v, ok := m[k]
	switch {
	case !ok:
		return "<absent>"
	case v == nil:
		return "null"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprintf("<%T %v>", v, v)
}

// id is an integer field (0 when null or absent).
func id(t T, m map[string]any, k string) int64 {
	t.Helper()
	if m[k] == nil {
		return 0
	}
	n, err := strconv.ParseInt(num(m, k), 10, 64)
	if err != nil {
		t.Fatalf("%s is not an integer: %v", k, m[k])
	}
	return n
}

// amount is a JSON number literal for minor units with exp decimals.
func amount(v int64, exp int) json.RawMessage { return json.RawMessage(fmtMinor(v, exp)) }

// nullable returns s, or "null" for the empty string.
func nullable(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// nullID returns the decimal id, or "null" for 0.
func nullID(v int64) string {
	if v == 0 {
		return "null"
	}
	return strconv.FormatInt(v, 10)
}

// namesField reports whether a 400 error body names the field, in errors[].field or the message.
func namesField(r *resp, field string) bool {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(r.body, &e) != nil {
		return false
	}
	for _, f := range e.Errors {
		if f.Field == field {
			return true
		}
	}
	return strings.Contains(e.Message, field)
}

// customer creates a customer of contract owner 7 in the currency with one site (no payment
// method) and returns both ids.
func (c *client) customer(t T, currencyID int64, threshold *string, openBill string) (cust, site int64) {
	t.Helper()
	body := map[string]any{"contractOwnerId": 7, "customerName": fmt.Sprintf("Customer %d", next()), "currencyId": currencyID}
	if threshold != nil {
		body["creditThreshold"] = json.RawMessage(*threshold)
	}
	if openBill != "" {
		body["openBillRunValue"] = json.RawMessage(openBill)
	}
	cu := c.post(t, "/v1/customers", body).want(t, 201).obj(t)
	cust = id(t, cu, "id")
	s := c.post(t, "/v1/sites", map[string]any{"customerId": cust, "siteName": "Main site", "startDate": "2023-01-01"}).want(t, 201).obj(t)
	return cust, id(t, s, "id")
}

// invoice creates an invoice and returns its id.
func (c *client) invoice(t T, cust, site int64, kind, total, invDate, dueDate string) int64 {
	t.Helper()
	inv := c.post(t, "/v1/invoices", map[string]any{"customerId": cust, "siteId": site, "billRunType": kind,
		"invoiceNumber": fmt.Sprintf("N-%d", next()), "invoiceDate": invDate, "dueDate": dueDate,
		"totalInMajorCurrency": json.RawMessage(total)}).want(t, 201).obj(t)
	return id(t, inv, "id")
}

// statement is the customer's whole account statement, oldest first.
func (c *client) statement(t T, cust int64) []map[string]any {
	t.Helper()
	return c.get(t, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=1000", cust)).want(t, 200).arr(t)
}

// checkRunning verifies the running balance rule of spec §6.1.2 on a statement (ids strictly
// ascending, each resultingCustomerBalance = previous + amount, from 0) and returns the final balance.
func checkRunning(t T, st []map[string]any, exp int) int64 {
	t.Helper()
	var bal, prev int64
	for i, en := range st {
		eid := id(t, en, "id")
		if i > 0 && eid <= prev {
			t.Fatalf("statement ids not ascending: %d after %d", eid, prev)
		}
		prev = eid
		a, err := parseMinor(num(en, "amountInMajorCurrency"), exp)
		if err != nil {
			t.Fatalf("entry %d: %v", eid, err)
		}
		r, err := parseMinor(num(en, "resultingCustomerBalance"), exp)
		if err != nil {
			t.Fatalf("entry %d: %v", eid, err)
		}
		bal += a
		if r != bal {
			t.Fatalf("entry %d (#%d): resultingCustomerBalance %s, want previous %s + %s = %s (spec §6.1.2)",
				eid, i, fmtMinor(r, exp), fmtMinor(bal-a, exp), fmtMinor(a, exp), fmtMinor(bal, exp))
		}
	}
	return bal
}
