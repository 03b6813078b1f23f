package api

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// rawDoc is openapi.yaml as plain YAML values, to check how keywords are written (the loaded
// openapi3.T no longer tells whether `nullable` stood beside a `type`).
func rawDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// loadDoc parses and validates the embedded document with kin-openapi.
func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// walkYAML calls f for every mapping of v with its JSON-pointer-like location.
func walkYAML(v any, at string, f func(at string, m map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(at, x)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkYAML(x[k], at+"/"+k, f)
		}
	case []any:
		for i, e := range x {
			walkYAML(e, fmt.Sprintf("%s/%d", at, i), f)
		}
	}
}

// TestNullableHasType: OpenAPI 3.0.3 honours `nullable: true` only beside a `type` in the same
// schema; beside `allOf`/`oneOf`/`anyOf`/`$ref` (or alone) it admits no null, so strict
// validators (Prism, ajv-based tools, Redocly's nullable-type-sibling rule) reject the server's
// normal `null` values. A nullable `$ref` is written `oneOf: [{$ref: X}, {$ref: NullValue}]`.
func TestNullableHasType(t *testing.T) {
	var bad []string
	walkYAML(rawDoc(t), "#", func(at string, m map[string]any) {
		if n, _ := m["nullable"].(bool); !n {
			return
		}
		if _, ok := m["type"]; !ok {
			bad = append(bad, at+": nullable without type")
		}
		for _, k := range []string{"allOf", "oneOf", "anyOf", "$ref"} {
			if _, ok := m[k]; ok {
				bad = append(bad, at+": nullable beside "+k)
			}
		}
		if e, ok := m["enum"].([]any); ok {
			hasNull := false
			for _, v := range e {
				hasNull = hasNull || v == nil
			}
			if !hasNull {
				bad = append(bad, at+": nullable enum without null among its values")
			}
		}
	})
	if len(bad) > 0 {
		t.Fatalf("%d schemas use nullable in a way OpenAPI 3.0.3 does not honour:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// TestNullableRefsAdmitNull: every `oneOf: [X, NullValue]` property admits null and X's
// values and still rejects anything else (checked with kin-openapi on the document as
// written, both as request and as response).
func TestNullableRefsAdmitNull(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	for sname, s := range doc.Components.Schemas {
		for pname, p := range s.Value.Properties {
			v := p.Value
			if len(v.OneOf) != 2 || v.OneOf[1].Ref != "#/components/schemas/NullValue" {
				continue
			}
			n++
			target := v.OneOf[0].Value
			var good any = map[string]any{}
			if len(target.Enum) > 0 {
				good = target.Enum[0]
			}
			for _, opt := range [][]openapi3.SchemaValidationOption{{openapi3.VisitAsRequest()}, {openapi3.VisitAsResponse()}} {
				if err := v.VisitJSON(nil, opt...); err != nil {
					t.Errorf("%s.%s rejects null: %v", sname, pname, err)
				}
				if len(target.Enum) > 0 {
					if err := v.VisitJSON(good, opt...); err != nil {
						t.Errorf("%s.%s rejects %v: %v", sname, pname, good, err)
					}
				}
				if err := v.VisitJSON("NOT_A_MEMBER", opt...); err == nil {
					t.Errorf("%s.%s accepts a value outside %s", sname, pname, v.OneOf[0].Ref)
				}
			}
		}
	}
	if n < 17 {
		t.Fatalf("only %d nullable $ref properties found; expected at least 17", n)
	}
}

// operations lists the operations of doc by operationId, with method and path.
type docOp struct {
	Method, Path string
	Op           *openapi3.Operation
}

func operations(doc *openapi3.T) map[string]docOp {
	out := map[string]docOp{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[op.OperationID] = docOp{method, path, op}
		}
	}
	return out
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func queryParam(op *openapi3.Operation, name string) *openapi3.Parameter {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "query" && p.Value.Name == name {
			return p.Value
		}
	}
	return nil
}

// TestRepeatableFiltersAreArrays: a filter the server lets a client repeat (every kind but
// typed and boolean, spec §2.7.2 "Range") is declared as an exploded form array, so
// `invoiceDate=gte:2024-01-01&invoiceDate=lt:2024-04-01` is valid for other tools too; typed and
// boolean filters, which the server refuses to repeat, stay single values.
func TestRepeatableFiltersAreArrays(t *testing.T) {
	doc := loadDoc(t)
	arrays := 0
	for id, o := range operations(doc) {
		filters, _ := o.Op.Extensions["x-filters"].(map[string]any)
		for name, k := range filters {
			kind, _ := k.(string)
			p := queryParam(o.Op, name)
			if p == nil {
				t.Errorf("%s: x-filters names %s, which is not a query parameter", id, name)
				continue
			}
			s := p.Schema.Value
			repeatable := kind != "typed" && kind != "boolean"
			isArray := s.Type.Is("array")
			switch {
			case repeatable && !isArray:
				t.Errorf("%s: filter %s (%s) can be repeated but is declared %v", id, name, kind, s.Type.Slice())
			case repeatable:
				arrays++
				if p.Style != "" && p.Style != "form" || p.Explode != nil && !*p.Explode {
					t.Errorf("%s: filter %s must be style form, explode true", id, name)
				}
				if s.Items == nil || s.Items.Value == nil || !s.Items.Value.Type.Is("string") {
					t.Errorf("%s: filter %s: items must be strings", id, name)
				}
			case isArray:
				t.Errorf("%s: filter %s (%s) cannot be repeated but is declared an array", id, name, kind)
			}
		}
	}
	if arrays < 30 {
		t.Fatalf("only %d repeatable filters found", arrays)
	}
}

// TestIdempotencyKeyDeclared: every POST and PATCH except /authenticate and webhooks declares
// the optional Idempotency-Key header with its 1–255 printable-ASCII rule (spec §2.14).
func TestIdempotencyKeyDeclared(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	for id, o := range operations(doc) {
		var hdr *openapi3.Parameter
		for _, p := range o.Op.Parameters {
			if p.Value != nil && p.Value.In == "header" && p.Value.Name == "Idempotency-Key" {
				hdr = p.Value
			}
		}
		want := (o.Method == "POST" || o.Method == "PATCH") && o.Path != "/authenticate" && !strings.HasPrefix(o.Path, "/webhooks/")
		if !want {
			if hdr != nil {
				t.Errorf("%s (%s %s) declares Idempotency-Key, which it ignores", id, o.Method, o.Path)
			}
			continue
		}
		if hdr == nil {
			t.Errorf("%s (%s %s) does not declare the Idempotency-Key header", id, o.Method, o.Path)
			continue
		}
		n++
		if hdr.Required {
			t.Errorf("%s: Idempotency-Key must be optional", id)
		}
		s := hdr.Schema.Value
		if s.Pattern != `^[\x21-\x7E]{1,255}$` {
			t.Errorf("%s: Idempotency-Key pattern %q", id, s.Pattern)
		}
		for _, ok := range []string{"a", "5f0c7a52-3b1e-4d7a-9c61-2a9e8f4b1d07", "!~", strings.Repeat("k", 255)} {
			if err := s.VisitJSON(ok); err != nil {
				t.Errorf("%s: Idempotency-Key %q refused: %v", id, ok, err)
			}
		}
		for _, bad := range []string{"", "a b", "tab\there", "é", strings.Repeat("k", 256)} {
			if err := s.VisitJSON(bad); err == nil {
				t.Errorf("%s: Idempotency-Key %q accepted", id, bad)
			}
		}
	}
	if n < 18 {
		t.Fatalf("only %d operations declare Idempotency-Key", n)
	}
}

// TestSortAndFieldsExamples: each operation's own `sort` and `fields` examples name only
// fields of its x-sortable / x-selectable lists, in the grammar of spec §2.5 / §2.6.
func TestSortAndFieldsExamples(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	for id, o := range operations(doc) {
		for param, ext := range map[string]string{"sort": "x-sortable", "fields": "x-selectable"} {
			p := queryParam(o.Op, param)
			allowed := strs(o.Op.Extensions[ext])
			if p == nil {
				if len(allowed) > 0 {
					t.Errorf("%s has %s but no %s parameter", id, ext, param)
				}
				continue
			}
			if len(allowed) == 0 {
				t.Errorf("%s has a %s parameter but no %s", id, param, ext)
				continue
			}
			ex, ok := p.Example.(string)
			if !ok || ex == "" {
				t.Errorf("%s: %s has no example", id, param)
				continue
			}
			n++
			for _, key := range strings.Split(ex, ",") {
				name := key
				if param == "sort" {
					name = strings.TrimSuffix(strings.TrimSuffix(key, ":desc"), ":asc")
				}
				if !slicesContains(allowed, name) {
					t.Errorf("%s: %s example %q names %q, not in %s %v", id, param, ex, name, ext, allowed)
				}
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d sort/fields examples found", n)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// responseObject returns the object schema of a 200 response: the schema itself, or the items
// of an array.
func responseObject(op *openapi3.Operation) (*openapi3.SchemaRef, *openapi3.MediaType, bool) {
	r := op.Responses.Value("200")
	if r == nil || r.Value == nil || r.Value.Content["application/json"] == nil {
		return nil, nil, false
	}
	mt := r.Value.Content["application/json"]
	if mt.Schema.Value.Type.Is("array") {
		return mt.Schema.Value.Items, mt, true
	}
	return mt.Schema, mt, false
}

// TestFieldsResponsesDescribed: a response narrowed by `fields` holds only the named
// properties (spec §2.6). Each such response is `anyOf: [X, XSelection]`, XSelection has
// exactly X's properties, none required and no others, and an example narrowed to the
// operation's `fields` example validates against the response schema (it would not against X,
// whose properties are all required).
func TestFieldsResponsesDescribed(t *testing.T) {
	doc := loadDoc(t)
	n := 0
	for id, o := range operations(doc) {
		p := queryParam(o.Op, "fields")
		if p == nil {
			continue
		}
		n++
		obj, mt, isList := responseObject(o.Op)
		if obj == nil {
			t.Errorf("%s: no 200 application/json response", id)
			continue
		}
		s := obj.Value
		if len(s.AnyOf) != 2 || s.AnyOf[1].Ref != s.AnyOf[0].Ref+"Selection" {
			t.Errorf("%s: 200 response is not anyOf [X, XSelection]", id)
			continue
		}
		whole, sel := s.AnyOf[0].Value, s.AnyOf[1].Value
		if len(sel.Required) != 0 || sel.AdditionalProperties.Has == nil || *sel.AdditionalProperties.Has {
			t.Errorf("%s: %s must require nothing and allow no other properties", id, s.AnyOf[1].Ref)
		}
		if len(sel.Properties) != len(whole.Properties) {
			t.Errorf("%s: %s has %d properties, %s %d", id, s.AnyOf[1].Ref, len(sel.Properties), s.AnyOf[0].Ref, len(whole.Properties))
		}
		for name := range whole.Properties {
			if sel.Properties[name] == nil {
				t.Errorf("%s: %s lacks property %s", id, s.AnyOf[1].Ref, name)
			}
		}
		// The operation's example narrowed to its fields example.
		full := mt.Example
		if isList {
			list, _ := full.([]any)
			if len(list) == 0 {
				t.Errorf("%s: no example response", id)
				continue
			}
			full = list[0]
		}
		m, _ := full.(map[string]any)
		narrowed := map[string]any{}
		for _, f := range strings.Split(p.Example.(string), ",") {
			narrowed[f] = m[f]
		}
		var body any = narrowed
		if isList {
			body = []any{narrowed}
		}
		if err := mt.Schema.Value.VisitJSON(body, openapi3.VisitAsResponse(), openapi3.EnableFormatValidation()); err != nil {
			t.Errorf("%s: a response with fields=%s does not validate: %v", id, p.Example, err)
		}
		if err := whole.VisitJSON(narrowed, openapi3.VisitAsResponse()); err == nil && len(narrowed) < len(whole.Required) {
			t.Errorf("%s: %s accepts a narrowed object; the check proves nothing", id, s.AnyOf[0].Ref)
		}
	}
	if n < 20 {
		t.Fatalf("only %d operations take fields", n)
	}
}

// TestJsonPatchValueAcceptsAnyJSON: a JSON Patch `value` may be any JSON value, null and
// nested nulls included (the target schema decides what suits the field, spec §5.1.2).
func TestJsonPatchValueAcceptsAnyJSON(t *testing.T) {
	op := loadDoc(t).Components.Schemas["JsonPatchOperation"].Value
	for _, v := range []any{nil, "x", 1.5, 7.0, true, false, map[string]any{}, map[string]any{"a": nil},
		[]any{}, []any{nil}, []any{[]any{nil}}, []any{map[string]any{"a": nil}}, []any{1.0, "x", nil}} {
		body := map[string]any{"op": "replace", "path": "/x", "value": v}
		if err := op.VisitJSON(body, openapi3.VisitAsRequest()); err != nil {
			t.Errorf("value %#v refused: %v", v, err)
		}
	}
}
