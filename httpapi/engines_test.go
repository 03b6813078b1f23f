package httpapi_test

// Issue 6, items 7–10: inputs that PostgreSQL used to answer with a 500 (NUL bytes, integers
// beyond a column's range, credit-status figures beyond bigint) and a cross-tenant leak. Every
// request is sent to a server on each engine; the answers must be the same 4xx (or the same
// success) on both, with a message naming the parameter or field. Items 9 and 10 use these
// helpers from their entities' files: credit_status_test.go and providers_test.go.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// engines is one seeded server per engine.
type engines struct {
	doc      *openapi3.T
	envs     []*apitest.Env
	worlds   []world
	notBuilt map[string]bool
}

func newEngines(t *testing.T) *engines {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	g := &engines{doc: doc, notBuilt: map[string]bool{}}
	for _, engine := range apitest.Engines {
		e := apitest.New(t, engine)
		g.envs = append(g.envs, e)
		g.worlds = append(g.worlds, seedWorld(t, e))
	}
	for _, id := range g.envs[0].Server.NotImplemented() {
		g.notBuilt[id] = true
	}
	return g
}

// answer is what must be equal across engines: the status, and for errors the message and the
// field errors (the timestamp differs).
type answer struct {
	Status  int
	Message string
	Errors  []map[string]any
	Total   string
	body    map[string]any
}

func answerOf(t *testing.T, r *apitest.Response) answer {
	t.Helper()
	a := answer{Status: r.Status, Total: r.Header.Get("X-Total-Count")}
	if r.Status >= 400 {
		a.body = r.Object(t)
		a.Message, _ = a.body["message"].(string)
		if list, ok := a.body["errors"].([]any); ok {
			for _, x := range list {
				m, _ := x.(map[string]any)
				a.Errors = append(a.Errors, m)
			}
		}
	}
	return a
}

func (a answer) key() string {
	b, _ := json.Marshal(a)
	return string(b)
}

// names reports whether the error names name: as the field of an item of errors[], and in the
// message (which names the first invalid field when several are listed).
func (a answer) names(name string) bool {
	if !strings.Contains(a.Message, name) && !strings.HasPrefix(a.Message, "Validation failed for ") {
		return false
	}
	for _, e := range a.Errors {
		if e["field"] == name {
			return true
		}
	}
	return false
}

// do sends the request built by mk to every engine and checks that the answers agree and are
// not 5xx. It returns the first engine's answer.
func (g *engines) do(t *testing.T, what string, mk func(e *apitest.Env, w world) apitest.Request) answer {
	t.Helper()
	var first answer
	for i, e := range g.envs {
		a := answerOf(t, e.Do(mk(e, g.worlds[i])))
		if a.Status >= 500 {
			t.Errorf("%s on %s: %d %s", what, apitest.Engines[i], a.Status, a.Message)
		}
		if i == 0 {
			first = a
		} else if a.key() != first.key() {
			t.Errorf("%s: the engines disagree:\n  %s: %s\n  %s: %s", what, apitest.Engines[0], first.key(), apitest.Engines[i], a.key())
		}
	}
	return first
}

// listOps returns the built GET operations with their query parameters, in a stable order.
func (g *engines) getOps() []getOp {
	var out []getOp
	for path, item := range g.doc.Paths.Map() {
		if item.Get == nil || g.notBuilt[item.Get.OperationID] {
			continue
		}
		out = append(out, getOp{path: path, op: item.Get})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

type getOp struct {
	path string
	op   *openapi3.Operation
}

// base returns the request's required query parameters and concrete path.
func (o getOp) base(w world) (string, url.Values) {
	q := url.Values{}
	for _, p := range o.op.Parameters {
		switch {
		case p.Value.Name == "page":
			q.Set("page", "1")
		case p.Value.Name == "pageSize":
			q.Set("pageSize", "5")
		case p.Value.Required && p.Value.In == "query" && p.Value.Name == "customer_id":
			q.Set("customer_id", fmt.Sprint(w.mine.customer))
		}
	}
	return concrete("/v1"+o.path, w.mine, w.mineProvider), q
}

func (o getOp) filterKind(name string) string {
	filters, _ := o.op.Extensions["x-filters"].(map[string]any)
	k, _ := filters[name].(string)
	return k
}

func withParam(q url.Values, name, value string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	out.Set(name, value)
	return out
}

// TestControlCharactersInQueryRefused sends NUL, other C0 controls and DEL in every form of every
// text filter (x-filters string and enum kinds) and every other string parameter of every built
// list: each is a 400 naming the parameter, the same on both engines (item 7). PostgreSQL used to
// answer 500 (SQLSTATE 22021) and SQLite matched every row with like:%00.
func TestControlCharactersInQueryRefused(t *testing.T) {
	t.Parallel()
	g := newEngines(t)
	checked := 0
	for _, o := range g.getOps() {
		for _, p := range o.op.Parameters {
			name := p.Value.Name
			if p.Value.In != "query" || name == "page" || name == "pageSize" || name == "customer_id" {
				continue
			}
			kind := o.filterKind(name)
			var values []string
			switch {
			case kind == "string":
				values = []string{"a\x00b", "\x00", "x\x01", "x\x7f", "x\x1b", "in:a,b\x00", "in:\x00", "like:\x00", "like:*\x00*", "like:a\x02"}
			case strings.HasPrefix(kind, "enum:"):
				values = []string{"like:\x00", "like:A\x01", "GO\x00", "in:X,\x00"}
			case strings.HasPrefix(kind, "enum-eq:"), kind == "typed" && p.Value.Schema.Value.Type.Is("string"):
				values = []string{"A\x00", "in:\x00"}
			case kind == "" && p.Value.Schema.Value.Type.Is("string"): // sort, fields, other text
				values = []string{"id\x00", "\x00"}
			default:
				continue
			}
			for _, v := range values {
				what := fmt.Sprintf("GET %s?%s=%q", o.path, name, v)
				a := g.do(t, what, func(e *apitest.Env, w world) apitest.Request {
					path, q := o.base(w)
					return apitest.Request{Method: http.MethodGet, Path: path + "?" + withParam(q, name, v).Encode(), Token: w.admin}
				})
				checked++
				if a.Status != 400 || !a.names(name) {
					t.Errorf("%s: %d %q %v, want 400 naming %s", what, a.Status, a.Message, a.Errors, name)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d requests checked: the contract walk found too few text parameters", checked)
	}
	t.Logf("%d requests checked on %d engines", checked, len(g.envs))
	// Whitespace free text may contain stays a valid filter value.
	for _, v := range []string{"like:\t", "a\tb", "in:x,a\nb"} {
		a := g.do(t, "customerName "+v, func(e *apitest.Env, w world) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: "/v1/customers?" + url.Values{"page": {"1"}, "pageSize": {"5"}, "customerName": {v}}.Encode(), Token: w.admin}
		})
		if a.Status != 200 || a.Total != "0" {
			t.Errorf("customerName=%q: %d total %s, want 200 with nothing matched", v, a.Status, a.Total)
		}
	}
}

// stringFields lists the dotted paths of the string members of a request schema, with whether
// each carries a pattern and its format.
type stringField struct {
	path, format string
	pattern      bool
}

func stringFields(s *openapi3.Schema, prefix string, out *[]stringField) {
	if s == nil {
		return
	}
	props := map[string]*openapi3.SchemaRef{}
	for name, p := range s.Properties {
		props[name] = p
	}
	for _, sub := range s.AllOf {
		if sub.Value != nil {
			for name, p := range sub.Value.Properties {
				props[name] = p
			}
		}
	}
	for name, ref := range props {
		v := ref.Value
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if v.ReadOnly {
			continue
		}
		merged := v
		// Nested objects and enums are references composed with allOf, or oneOf [X, NullValue].
		for _, sub := range slices.Concat(v.AllOf, v.OneOf, v.AnyOf) {
			switch {
			case sub.Value == nil || len(sub.Value.Enum) == 1 && sub.Value.Enum[0] == nil: // NullValue
			case sub.Value.Type.Is("object") || len(sub.Value.Properties) > 0:
				stringFields(sub.Value, path, out)
				merged = nil
			case sub.Value.Type.Is("string") && merged != nil:
				merged = sub.Value
			}
		}
		if merged == nil {
			continue
		}
		switch {
		case merged.Type.Is("object"):
			stringFields(merged, path, out)
		case merged.Type.Is("string"):
			*out = append(*out, stringField{path: path, format: merged.Format, pattern: merged.Pattern != "" || v.Pattern != ""})
		}
	}
}

// nest builds {"a": {"b": value}} for the path "a.b".
func nest(path string, value any) map[string]any {
	parts := strings.Split(path, ".")
	var v any = value
	for i := len(parts) - 1; i >= 0; i-- {
		v = map[string]any{parts[i]: v}
	}
	return v.(map[string]any)
}

// TestControlCharactersInBodiesRefused sends NUL (every string field), other C0 controls and DEL
// (fields without a pattern, which carry no free-text rule) in every string field of every
// built POST and PATCH body, nested fields included: each is a 400 naming the field by its dotted
// path, the same on both engines (item 7). PostgreSQL used to answer 500 for the fields without
// a pattern (username, currency names, the site's mandate fields, …).
func TestControlCharactersInBodiesRefused(t *testing.T) {
	t.Parallel()
	g := newEngines(t)
	checked := 0
	for path, item := range g.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if (method != http.MethodPost && method != http.MethodPatch) || g.notBuilt[op.OperationID] || op.RequestBody == nil {
				continue
			}
			if op.OperationID == "receivePaymentProviderWebhook" {
				continue // the provider's own payload, read only once its signature verified (TestWebhooks)
			}
			var schema *openapi3.Schema
			if method == http.MethodPost {
				for _, mt := range op.RequestBody.Value.Content {
					schema = mt.Schema.Value
				}
			} else { // a JSON Patch is checked on the patched document, against the create schema
				name := refName(op.Responses.Status(200).Value.Content["application/json"].Schema.Ref) + "Request"
				schema = g.doc.Components.Schemas[name].Value
			}
			var fields []stringField
			stringFields(schema, "", &fields)
			if len(fields) == 0 {
				t.Fatalf("%s %s: no string fields found", method, path)
			}
			if op.OperationID == "createSite" && !slices.ContainsFunc(fields, func(f stringField) bool { return f.path == "siteInvoiceDetails.mandateReference" }) {
				t.Fatalf("createSite: the walk missed the nested fields: %v", fields)
			}
			sort.Slice(fields, func(i, j int) bool { return fields[i].path < fields[j].path })
			for _, f := range fields {
				values := []string{"a\x00b", "\x00"}
				if !f.pattern && f.format != "password" {
					values = append(values, "a\x01b", "a\tb", "a\nb", "x\x7f", "\x1f")
				} else if f.pattern {
					values = append(values, "a\x01b", "x\x7f") // refused by the free-text pattern
				}
				for _, v := range values {
					what := fmt.Sprintf("%s %s %s=%q", method, path, f.path, v)
					a := g.do(t, what, func(e *apitest.Env, w world) apitest.Request {
						p := concrete("/v1"+path, w.mine, w.mineProvider)
						if method == http.MethodPatch {
							ptr := "/" + strings.ReplaceAll(f.path, ".", "/")
							return apitest.Request{Method: method, Path: p, Token: w.admin, Body: []map[string]any{{"op": "add", "path": ptr, "value": v}}}
						}
						return apitest.Request{Method: method, Path: p, Token: w.admin, Body: nest(f.path, v)}
					})
					checked++
					if a.Status != 400 || !a.names(f.path) {
						t.Errorf("%s: %d %q %v, want 400 naming %s", what, a.Status, a.Message, a.Errors, f.path)
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d requests checked", checked)
	}
	t.Logf("%d requests checked on %d engines", checked, len(g.envs))

	// Complete, otherwise valid bodies: these reached the database before, and PostgreSQL failed
	// on the NUL (500) while SQLite stored it.
	complete := []struct {
		field, method, path string
		body                func(w world) any
	}{
		{"username", http.MethodPost, "/v1/authenticate", func(w world) any {
			return map[string]any{"brand": apitest.Brand, "username": "admin\x00", "password": "secret"}
		}},
		{"name", http.MethodPost, "/v1/currencies", func(w world) any {
			return map[string]any{"name": "Nul\x00", "code": "XNU", "majorCurrencyName": "nul", "minorCurrencyName": "nuls", "decimalPlaces": 2}
		}},
		{"majorCurrencyName", http.MethodPost, "/v1/currencies", func(w world) any {
			return map[string]any{"name": "Nul", "code": "XNU", "majorCurrencyName": "nul\x01", "minorCurrencyName": "nuls", "decimalPlaces": 2}
		}},
		{"siteInvoiceDetails.mandateReference", http.MethodPost, "/v1/sites", func(w world) any {
			return map[string]any{"customerId": w.mine.customer, "siteName": "S", "siteInvoiceDetails": map[string]any{"paymentMethod": "CHEQUE", "mandateReference": "MD\x00"}}
		}},
		{"siteInvoiceDetails.mandateStatus", http.MethodPost, "/v1/sites", func(w world) any {
			return map[string]any{"customerId": w.mine.customer, "siteName": "S", "siteInvoiceDetails": map[string]any{"paymentMethod": "CHEQUE", "mandateStatus": "ACTIVE\x00"}}
		}},
		{"siteInvoiceDetails.thirdPartyCustomerReference", http.MethodPost, "/v1/sites", func(w world) any {
			return map[string]any{"customerId": w.mine.customer, "siteName": "S", "siteInvoiceDetails": map[string]any{"paymentMethod": "CHEQUE", "thirdPartyCustomerReference": "cus\x00"}}
		}},
		{"siteInvoiceDetails.mandateReference", http.MethodPatch, "/v1/sites/{site_id}", func(w world) any {
			return []map[string]any{{"op": "replace", "path": "/siteInvoiceDetails/mandateReference", "value": "MD\x00"}}
		}},
		{"customerName", http.MethodPatch, "/v1/customers/{customer_id}", func(w world) any {
			return []map[string]any{{"op": "replace", "path": "/customerName", "value": "Acme\x00"}}
		}},
	}
	for _, tc := range complete {
		what := tc.method + " " + tc.path + " complete body, " + tc.field
		a := g.do(t, what, func(e *apitest.Env, w world) apitest.Request {
			return apitest.Request{Method: tc.method, Path: concrete(tc.path, w.mine, w.mineProvider), Token: w.admin, Body: tc.body(w)}
		})
		if a.Status != 400 || !a.names(tc.field) || len(a.Errors) != 1 {
			t.Errorf("%s: %d %q %v, want 400 naming only %s", what, a.Status, a.Message, a.Errors, tc.field)
		}
	}

	// A key with NUL, and a NUL deep inside a value of the right shape.
	a := g.do(t, "key with NUL", func(e *apitest.Env, w world) apitest.Request {
		return apitest.Request{Method: http.MethodPost, Path: "/v1/currencies", Token: w.admin, Body: map[string]any{"na\x00me": "x"}}
	})
	if a.Status != 400 || !a.names(`"na\x00me"`) {
		t.Errorf("key with NUL: %d %q %v", a.Status, a.Message, a.Errors)
	}
	// The password is only hashed: any character but NUL may be part of one, so a tab is a wrong
	// password (401), not a malformed request; NUL is a 400.
	for _, tc := range []struct {
		password string
		status   int
	}{{"pass\tword", 401}, {"pass\x01word", 401}, {"pass\x00word", 400}} {
		a := g.do(t, fmt.Sprintf("password %q", tc.password), func(e *apitest.Env, w world) apitest.Request {
			return apitest.Request{Method: http.MethodPost, Path: "/v1/authenticate",
				Body: map[string]any{"brand": apitest.Brand, "username": "nobody", "password": tc.password}}
		})
		if a.Status != tc.status || (tc.status == 400 && !a.names("password")) {
			t.Errorf("password %q: %d %q, want %d", tc.password, a.Status, a.Message, tc.status)
		}
	}
	// Free text keeps its whitespace.
	a = g.do(t, "customer name with a tab", func(e *apitest.Env, w world) apitest.Request {
		return apitest.Request{Method: http.MethodPost, Path: "/v1/customers", Token: w.admin,
			Body: map[string]any{"contractOwnerId": 7, "customerName": "Tab\tand\nnewline", "currencyId": 1}}
	})
	if a.Status != 201 {
		t.Errorf("customer name with tab and newline: %d %q", a.Status, a.Message)
	}
	// Path parameters are integers: NUL is a 400 like any non-number.
	a = g.do(t, "path NUL", func(e *apitest.Env, w world) apitest.Request {
		return apitest.Request{Method: http.MethodGet, Path: "/v1/customers/1%00", Token: w.admin}
	})
	if a.Status != 400 || !a.names("customer_id") {
		t.Errorf("GET /v1/customers/1%%00: %d %q", a.Status, a.Message)
	}
}

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// intWidth is the largest value an integer parameter may take: its own format when it is an
// integer, else (IdFilterParam, a string) the format of the listed object's field it filters.
func intWidth(doc *openapi3.T, op *openapi3.Operation, p *openapi3.Parameter) int64 {
	if s := p.Schema.Value; s.Type.Is("integer") {
		if s.Format == "int32" {
			return math.MaxInt32
		}
		return math.MaxInt64
	}
	resp := op.Responses.Status(200)
	if resp == nil {
		return math.MaxInt64
	}
	item := resp.Value.Content["application/json"].Schema.Value
	if item.Items != nil {
		item = item.Items.Value
	}
	candidates := []*openapi3.Schema{item}
	for _, alt := range append(slices.Clone(item.AnyOf), item.OneOf...) { // e.g. the object or its selection
		candidates = append(candidates, alt.Value)
	}
	for _, c := range candidates {
		if f, ok := c.Properties[p.Name]; ok {
			return widthOf(f.Value.Format)
		}
		if f, ok := c.Properties[p.Name+"s"]; ok && f.Value.Items != nil {
			return widthOf(f.Value.Items.Value.Format)
		}
	}
	// A filter on a field the listed object does not show (invoices by contractOwnerId): the
	// format the contract gives that field everywhere else, when it gives one.
	widths := map[int64]bool{}
	for _, s := range doc.Components.Schemas {
		if f, ok := s.Value.Properties[p.Name]; ok && f.Value.Type.Is("integer") {
			widths[widthOf(f.Value.Format)] = true
		}
	}
	if len(widths) == 1 && widths[math.MaxInt32] {
		return math.MaxInt32
	}
	return math.MaxInt64
}

func widthOf(format string) int64 {
	if format == "int32" {
		return math.MaxInt32
	}
	return math.MaxInt64
}

// TestIntegerParametersBeyondTheirRange sends 2^31, 99999999999, 2^63 and −2^63−1 in every form of
// every integer-valued parameter (id and numeric filters, typed and other integer parameters,
// path parameters) of every built GET: beyond the parameter's range (int32 columns such as
// contractOwnerId; int64 for the rest) it is a 400 naming the parameter, within it the request
// succeeds or finds nothing — the same on both engines (item 8). PostgreSQL used to answer 500.
func TestIntegerParametersBeyondTheirRange(t *testing.T) {
	t.Parallel()
	g := newEngines(t)
	values := []struct {
		text string
		v    *big.Int
	}{{"2147483648", big.NewInt(1 << 31)}, {"99999999999", big.NewInt(99999999999)},
		{"9223372036854775808", new(big.Int).Lsh(big.NewInt(1), 63)}, {"-9223372036854775809", new(big.Int).Sub(new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 63)), big.NewInt(1))}}
	checked, refused := 0, 0
	for _, o := range g.getOps() {
		for _, p := range o.op.Parameters {
			name := p.Value.Name
			kind := o.filterKind(name)
			var forms []string
			switch {
			case kind == "id" || kind == "numeric":
				forms = []string{"", "in:1,", "gt:", "gte:", "lt:", "lte:"}
			case kind == "id-eq":
				forms = []string{"", "in:"}
			case p.Value.Schema.Value.Type.Is("integer"): // typed, other and path parameters
				forms = []string{""}
			default:
				continue
			}
			limit := big.NewInt(intWidth(g.doc, o.op, p.Value))
			for _, form := range forms {
				for _, val := range values {
					what := fmt.Sprintf("GET %s %s %s=%s%s", o.path, p.Value.In, name, form, val.text)
					a := g.do(t, what, func(e *apitest.Env, w world) apitest.Request {
						path, q := o.base(w)
						if p.Value.In == "path" {
							path = strings.Replace("/v1"+o.path, "{"+name+"}", val.text, 1)
							path = concrete(path, w.mine, w.mineProvider)
						} else {
							q = withParam(q, name, form+val.text)
						}
						return apitest.Request{Method: http.MethodGet, Path: path + "?" + q.Encode(), Token: w.admin}
					})
					checked++
					negativeID := val.v.Sign() < 0 && kind != "numeric"
					beyond := val.v.Cmp(limit) > 0 || negativeID
					if kind == "numeric" { // exact decimals: |v| < 10^18, any sign
						beyond = new(big.Int).Abs(val.v).Cmp(big.NewInt(1e18)) >= 0
					}
					switch {
					case beyond:
						refused++
						if a.Status != 400 || !a.names(name) {
							t.Errorf("%s: %d %q %v, want 400 naming %s", what, a.Status, a.Message, a.Errors, name)
						}
					case a.Status != 200 && a.Status != 404:
						t.Errorf("%s: %d %q, want 200 or 404 (in range)", what, a.Status, a.Message)
					}
				}
			}
		}
	}
	if checked < 200 || refused < 100 {
		t.Fatalf("only %d requests (%d refused) checked", checked, refused)
	}
	t.Logf("%d requests checked on %d engines, %d of them beyond range", checked, len(g.envs), refused)
}
