package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/query"
)

// operation is what the server knows of one operation of the contract (api/openapi.yaml).
type operation struct {
	ID       string
	Method   string
	Path     string // full path pattern, e.g. /v1/customers/{customer_id}
	Scope    string // x-scope; "" when no token is needed
	Query    query.Spec
	NoLike   map[string]bool  // enum filters that take exact and in: only (x-filters enum-eq:)
	Body     *openapi3.Schema // request body schema (nil without body)
	BodyType string           // request content type
	Op       *openapi3.Operation
}

// contract is the loaded OpenAPI document.
type contract struct {
	Doc *openapi3.T
	Ops map[string]*operation // by operationId
}

// loadContract parses and validates the embedded OpenAPI document.
func loadContract() (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi: %w", err)
	}
	nullableRefs(doc)
	c := &contract{Doc: doc, Ops: map[string]*operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o, err := newOperation(doc, method, path, op)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %w", op.OperationID, err)
			}
			c.Ops[op.OperationID] = o
		}
	}
	return c, nil
}

// nullValueRef is the schema a nullable $ref property names beside its target:
// `oneOf: [{$ref: X}, {$ref: NullValue}]` is OpenAPI 3.0.3 for "X or null".
const nullValueRef = "#/components/schemas/NullValue"

// nullableRefs rewrites every `oneOf: [X, NullValue]` of the component schemas into the
// equivalent `allOf: [X]` with `nullable: true`, which kin-openapi validates as X while
// admitting null, so a bad value gets X's own field error ("must be one of …") rather than a
// "matches no schema of oneOf" one, and /docs shows the property as a nullable X.
func nullableRefs(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.OneOf) == 2 && s.OneOf[1].Ref == nullValueRef && s.OneOf[0].Ref != "" {
			s.AllOf, s.OneOf, s.Nullable = openapi3.SchemaRefs{s.OneOf[0]}, nil, true
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, l := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, x := range l {
				walk(x)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
}

func strList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func enumValues(doc *openapi3.T, name string) ([]string, error) {
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		return nil, fmt.Errorf("unknown enum schema %s", name)
	}
	var out []string
	for _, v := range ref.Value.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out, nil
}

func newOperation(doc *openapi3.T, method, path string, op *openapi3.Operation) (*operation, error) {
	o := &operation{ID: op.OperationID, Method: method, Path: "/v1" + path, Op: op, NoLike: map[string]bool{}}
	if s, ok := op.Extensions["x-scope"].(string); ok && s != "none" {
		o.Scope = s
	}
	spec := query.Spec{Filters: map[string]query.Filter{}, Other: map[string]bool{}}
	filters, _ := op.Extensions["x-filters"].(map[string]any)
	spec.Sortable = strList(op.Extensions["x-sortable"])
	spec.Selectable = strList(op.Extensions["x-selectable"])
	spec.Unsupported = strList(op.Extensions["x-unsupported-filters"])
	for _, p := range op.Parameters {
		if p.Value == nil || p.Value.In != "query" {
			continue
		}
		name := p.Value.Name
		switch name {
		case "page":
			spec.Paged = true
			continue
		case "pageSize", "sort", "fields":
			continue
		}
		kind, ok := filters[name].(string)
		if !ok {
			spec.Other[name] = true
			continue
		}
		f, err := filterOf(doc, kind, p.Value)
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", name, err)
		}
		if strings.HasPrefix(kind, "enum-eq:") {
			o.NoLike[name] = true
		}
		spec.Filters[name] = f
	}
	o.Query = spec
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for ct, mt := range op.RequestBody.Value.Content {
			o.BodyType = ct
			if mt.Schema != nil {
				o.Body = mt.Schema.Value
			}
		}
	}
	return o, nil
}

func filterOf(doc *openapi3.T, kind string, p *openapi3.Parameter) (query.Filter, error) {
	switch {
	case kind == "string":
		return query.Filter{Kind: query.String}, nil
	case kind == "numeric":
		return query.Filter{Kind: query.Numeric}, nil
	case kind == "id":
		return query.Filter{Kind: query.ID}, nil
	case kind == "id-eq":
		return query.Filter{Kind: query.IDEq}, nil
	case kind == "date":
		return query.Filter{Kind: query.Date}, nil
	case kind == "boolean":
		return query.Filter{Kind: query.Bool}, nil
	case strings.HasPrefix(kind, "enum:"), strings.HasPrefix(kind, "enum-eq:"):
		vals, err := enumValues(doc, kind[strings.Index(kind, ":")+1:])
		return query.Filter{Kind: query.Enum, Enum: vals}, err
	case kind == "typed":
		f := query.Filter{Kind: query.Typed}
		if p.Schema != nil && p.Schema.Value != nil {
			if name := refName(p.Schema.Ref); name != "" {
				vals, err := enumValues(doc, name)
				if err != nil {
					return f, err
				}
				f.Enum = vals
			} else {
				for _, v := range p.Schema.Value.Enum {
					f.Enum = append(f.Enum, fmt.Sprint(v))
				}
			}
		}
		return f, nil
	}
	return query.Filter{}, fmt.Errorf("unknown filter type %q", kind)
}

func refName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ""
}
