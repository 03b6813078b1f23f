package api

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// exampleChecker validates every example embedded in an OpenAPI document against the schema
// it illustrates: `example`/`examples` of parameters, headers, request bodies (as a request:
// read-only properties may not appear) and responses (as a response), and the `example` of
// every schema, component or inline. Formats (date, date-time, …) are checked too.
type exampleChecker struct {
	checked  int
	problems []string
	seen     map[*openapi3.Schema]bool
}

func checkExamples(doc *openapi3.T) *exampleChecker {
	c := &exampleChecker{seen: map[*openapi3.Schema]bool{}}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		c.schema("#/components/schemas/"+name, doc.Components.Schemas[name])
	}
	for _, name := range sortedKeys(doc.Components.Parameters) {
		c.parameter("#/components/parameters/"+name, doc.Components.Parameters[name])
	}
	for _, name := range sortedKeys(doc.Components.Headers) {
		c.header("#/components/headers/"+name, doc.Components.Headers[name])
	}
	for _, name := range sortedKeys(doc.Components.RequestBodies) {
		if rb := doc.Components.RequestBodies[name]; rb != nil && rb.Value != nil {
			c.content("#/components/requestBodies/"+name, rb.Value.Content, openapi3.VisitAsRequest())
		}
	}
	for _, name := range sortedKeys(doc.Components.Responses) {
		c.response("#/components/responses/"+name, doc.Components.Responses[name])
	}
	paths := doc.Paths.Map()
	for _, path := range sortedKeys(paths) {
		item := paths[path]
		at := "#/paths/" + strings.ReplaceAll(strings.ReplaceAll(path, "~", "~0"), "/", "~1")
		for i, p := range item.Parameters {
			c.parameter(fmt.Sprintf("%s/parameters/%d", at, i), p)
		}
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			op := ops[method]
			oat := at + "/" + strings.ToLower(method)
			for i, p := range op.Parameters {
				c.parameter(fmt.Sprintf("%s/parameters/%d", oat, i), p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				c.content(oat+"/requestBody", op.RequestBody.Value.Content, openapi3.VisitAsRequest())
			}
			responses := op.Responses.Map()
			for _, status := range sortedKeys(responses) {
				c.response(oat+"/responses/"+status, responses[status])
			}
		}
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validate checks one example value against schema.
func (c *exampleChecker) validate(at string, schema *openapi3.SchemaRef, v any, opts ...openapi3.SchemaValidationOption) {
	c.checked++
	if schema == nil || schema.Value == nil {
		c.problems = append(c.problems, at+": example without a schema")
		return
	}
	opts = append(opts, openapi3.EnableFormatValidation(), openapi3.MultiErrors())
	if err := schema.Value.VisitJSON(v, opts...); err != nil {
		c.problems = append(c.problems, fmt.Sprintf("%s: %v", at, err))
	}
}

// examples checks a single `example` and the `examples` map of one schema-bearing object.
func (c *exampleChecker) examples(at string, schema *openapi3.SchemaRef, example any, examples openapi3.Examples, opts ...openapi3.SchemaValidationOption) {
	if example != nil {
		c.validate(at+"/example", schema, example, opts...)
	}
	for _, name := range sortedKeys(examples) {
		if ex := examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			c.validate(at+"/examples/"+name, schema, ex.Value.Value, opts...)
		}
	}
}

func (c *exampleChecker) parameter(at string, p *openapi3.ParameterRef) {
	if p == nil || p.Value == nil || p.Ref != "" { // a $ref is checked at its component
		return
	}
	c.examples(at, p.Value.Schema, p.Value.Example, p.Value.Examples, openapi3.VisitAsRequest())
	c.schema(at+"/schema", p.Value.Schema)
	c.content(at, p.Value.Content, openapi3.VisitAsRequest())
}

func (c *exampleChecker) header(at string, h *openapi3.HeaderRef) {
	if h == nil || h.Value == nil || h.Ref != "" {
		return
	}
	c.examples(at, h.Value.Schema, h.Value.Example, h.Value.Examples, openapi3.VisitAsResponse())
	c.schema(at+"/schema", h.Value.Schema)
}

func (c *exampleChecker) response(at string, r *openapi3.ResponseRef) {
	if r == nil || r.Value == nil || r.Ref != "" {
		return
	}
	for _, name := range sortedKeys(r.Value.Headers) {
		c.header(at+"/headers/"+name, r.Value.Headers[name])
	}
	c.content(at, r.Value.Content, openapi3.VisitAsResponse())
}

func (c *exampleChecker) content(at string, content openapi3.Content, opt openapi3.SchemaValidationOption) {
	for _, ct := range sortedKeys(content) {
		mt := content[ct]
		if mt == nil {
			continue
		}
		mat := at + "/content/" + strings.ReplaceAll(ct, "/", "~1")
		c.examples(mat, mt.Schema, mt.Example, mt.Examples, opt)
		c.schema(mat+"/schema", mt.Schema)
	}
}

// schema checks the `example` of a schema and of every schema inside it.
func (c *exampleChecker) schema(at string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || ref.Ref != "" || c.seen[ref.Value] { // a $ref is checked at its component
		return
	}
	s := ref.Value
	c.seen[s] = true
	if s.Example != nil {
		c.validate(at+"/example", ref, s.Example)
	}
	for _, name := range sortedKeys(s.Properties) {
		c.schema(at+"/properties/"+name, s.Properties[name])
	}
	c.schema(at+"/items", s.Items)
	c.schema(at+"/additionalProperties", s.AdditionalProperties.Schema)
	c.schema(at+"/not", s.Not)
	for kw, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, x := range list {
			c.schema(fmt.Sprintf("%s/%s/%d", at, kw, i), x)
		}
	}
}

// TestExamplesMatchSchemas: every example in openapi.yaml is valid for its schema.
func TestExamplesMatchSchemas(t *testing.T) {
	c := checkExamples(loadDoc(t))
	for _, p := range c.problems {
		t.Error(p)
	}
	// A floor, so that a checker walking nothing cannot pass.
	if c.checked < 150 {
		t.Fatalf("only %d examples checked", c.checked)
	}
	t.Logf("%d examples checked", c.checked)
}

// TestExampleCheckerCatchesBrokenExamples shows the checker can fail: one deliberately broken
// example of each kind it looks at is reported, at its own location, and nothing else is.
func TestExampleCheckerCatchesBrokenExamples(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(doc)
	broken := map[string]func(){
		// query parameter below its minimum
		"#/components/parameters/Page/example": func() { doc.Components.Parameters["Page"].Value.Example = 0.0 },
		// repeatable filter given a number item
		"/get/parameters/": func() {
			queryParam(ops["getInvoices"].Op, "invoiceDate").Example = []any{"gte:2024-01-01", 7.0}
		},
		// header of the wrong type
		"#/components/headers/XTotalCount/example": func() { doc.Components.Headers["XTotalCount"].Value.Example = "five" },
		// request body: amount as a string, and a read-only field sent
		"~1refunds/post/requestBody/content/application~1json/example": func() {
			ex := ops["createRefund"].Op.RequestBody.Value.Content["application/json"].Example.(map[string]any)
			ex["amountInMajorCurrency"] = "10.50"
		},
		"~1invoice-payments/post/requestBody/content/application~1json/example": func() {
			ex := ops["createInvoicePayment"].Op.RequestBody.Value.Content["application/json"].Example.(map[string]any)
			ex["id"] = 9001.0
		},
		// response: an enum value that does not exist, and a required field missing
		"~1payment-providers~1{payment_provider_id}/get/responses/200/content/application~1json/example": func() {
			ex := ops["getPaymentProvider"].Op.Responses.Value("200").Value.Content["application/json"].Example.(map[string]any)
			ex["status"] = "SLEEPING"
		},
		"~1refunds/post/responses/201/content/application~1json/example": func() {
			ex := ops["createRefund"].Op.Responses.Value("201").Value.Content["application/json"].Example.(map[string]any)
			delete(ex, "customerId")
		},
		// a date that is not a date (format checking)
		"~1invoices/post/requestBody/content/application~1json/example": func() {
			ex := ops["createInvoice"].Op.RequestBody.Value.Content["application/json"].Example.(map[string]any)
			ex["invoiceDate"] = "2024-02-30"
		},
		// a schema's own example
		"#/components/schemas/Error/example": func() {
			doc.Components.Schemas["Error"].Value.Example = map[string]any{"status": "bad"}
		},
	}
	for _, name := range sortedKeys(broken) {
		broken[name]()
	}
	c := checkExamples(doc)
	for _, at := range sortedKeys(broken) {
		found := false
		for _, p := range c.problems {
			if strings.Contains(p, at) {
				found = true
			}
		}
		if !found {
			t.Errorf("broken example at %s not reported; problems:\n%s", at, strings.Join(c.problems, "\n"))
		}
	}
	if len(c.problems) != len(broken) {
		t.Errorf("%d problems reported for %d broken examples:\n%s", len(c.problems), len(broken), strings.Join(c.problems, "\n"))
	}
}
