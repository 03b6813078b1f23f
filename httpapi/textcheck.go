package httpapi

import (
	"fmt"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	ep "github.com/elevatepay/elevatepay"
)

// checkText walks a parsed request body (object keys and string values, at any depth) and
// collects the control characters the schema does not allow, each under its field's dotted path
// (spec §2.9), into out (bounded like every validation error), on both engines alike (issue 6):
//
//   - U+0000 anywhere, in keys and values: PostgreSQL cannot store it (SQLSTATE 22021), SQLite
//     would store it and then match it oddly.
//   - In a string whose schema has no pattern, also every other C0 control (U+0001–U+001F,
//     tab and line breaks included) and DEL (U+007F). A field with a pattern keeps its own
//     character rule: the free-text fields (§2.13) carry the free-text pattern, which allows
//     tab, line feed, vertical tab, form feed and carriage return and rejects the other
//     controls, and the schema validation that follows reports them.
//   - Passwords (format: password) are exempt from the second rule: a password is only ever
//     hashed, never stored as text or shown, so any character but NUL may be part of one.
//
// PATCH bodies are checked after the patch is applied, on the patched document against the
// create schema (call.patch → decodeInto → validate), so patch values are covered with the
// same paths as in POST.
func checkText(schema *openapi3.Schema, v any, out *fieldErrors) {
	walkText(schema, v, "", out)
}

func walkText(schema *openapi3.Schema, v any, path string, out *fieldErrors) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			name := k
			if r, bad := badRune(k, true); bad {
				name = strconv.Quote(k)
				out.add(ep.FieldError{Field: joinField(path, name), Message: "is a field name with a control character (" + runeName(r) + ")"})
				continue
			}
			walkText(property(schema, k), val, joinField(path, name), out)
		}
	case []any:
		var items *openapi3.Schema
		if schema != nil && schema.Items != nil {
			items = schema.Items.Value
		}
		for i, val := range x {
			walkText(items, val, joinField(path, strconv.Itoa(i)), out)
		}
	case string:
		strict := schema == nil || (!hasPattern(schema) && schema.Format != "password")
		if r, bad := badRune(x, strict); bad {
			out.add(ep.FieldError{Field: fieldName(path), Message: "contains a control character (" + runeName(r) + ")"})
		}
	}
}

// badRune returns the first NUL in s or, when strict, the first C0 control or DEL.
func badRune(s string, strict bool) (rune, bool) {
	for _, r := range s {
		if r == 0 || (strict && (r < 0x20 || r == 0x7f)) {
			return r, true
		}
	}
	return 0, false
}

func runeName(r rune) string { return fmt.Sprintf("U+%04X", r) }

// composed returns the schemas s is composed of: allOf, oneOf and anyOf members (a nullable
// reference is written oneOf [X, NullValue]).
func composed(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range list {
			if sub != nil && sub.Value != nil {
				out = append(out, sub.Value)
			}
		}
	}
	return out
}

// property returns the schema of member name of an object schema (looking into its composed
// schemas), or nil.
func property(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p, ok := s.Properties[name]; ok && p != nil {
		return p.Value
	}
	for _, sub := range composed(s) {
		if p := property(sub, name); p != nil {
			return p
		}
	}
	if s.AdditionalProperties.Schema != nil {
		return s.AdditionalProperties.Schema.Value
	}
	return nil
}

// hasPattern reports whether a string schema, or one it is composed of, carries a pattern.
func hasPattern(s *openapi3.Schema) bool {
	if s.Pattern != "" {
		return true
	}
	for _, sub := range composed(s) {
		if hasPattern(sub) {
			return true
		}
	}
	return false
}
