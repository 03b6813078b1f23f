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
