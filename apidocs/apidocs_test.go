package apidocs

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const specPath = "../api/openapi.yaml"

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	return doc
}

func render(t *testing.T, doc *openapi3.T) string {
	t.Helper()
	out, err := Render(doc, Options{})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return string(out)
}

// pageInfo is what parsePage learns from a page.
type pageInfo struct {
	ids   map[string]int // element id → occurrences
	hrefs []string
	tags  map[string]int // element name → occurrences
	text  string         // all character data, unescaped
}

// parsePage parses the page as XML: the template writes well-formed markup
// (every element closed, void elements self-closed, only XML entities), so
// any unbalanced tag or stray '<' or '&' from unescaped text fails here.
func parsePage(t *testing.T, page string) pageInfo {
	t.Helper()
	info := pageInfo{ids: map[string]int{}, tags: map[string]int{}}
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = true
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col := dec.InputPos()
			lines := strings.Split(page, "\n")
			ctx := ""
			if line-1 < len(lines) {
				ctx = lines[line-1]
			}
			t.Fatalf("page is not well-formed at %d:%d: %v\n%s", line, col, err, ctx)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			info.tags[tok.Name.Local]++
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "id":
					info.ids[a.Value]++
				case "href", "src":
					info.hrefs = append(info.hrefs, a.Value)
				}
			}
		case xml.CharData:
			text.Write(tok)
		}
	}
	info.text = text.String()
	return info
}

func TestRenderSpec(t *testing.T) {
	doc := loadSpec(t)
	page := render(t, doc)
	if path := os.Getenv("APIDOCS_OUT"); path != "" { // for looking at the page
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Fatalf("page does not look like an HTML document: %.80q … %.80q", page, page[max(0, len(page)-80):])
	}
	info := parsePage(t, page)

	for id, n := range info.ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	// Every in-page link leads somewhere.
	for _, h := range info.hrefs {
		target, ok := strings.CutPrefix(h, "#")
		if !ok {
			t.Errorf("link %q leaves the page", h)
			continue
		}
		if info.ids[target] == 0 {
			t.Errorf("link %q has no target", h)
		}
	}

	// Every operation has its anchor.
	var opIDs []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
				continue
			}
			opIDs = append(opIDs, op.OperationID)
		}
	}
	// Every filter type of x-filters is one whose forms the page knows.
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			filters, _ := op.Extensions["x-filters"].(map[string]any)
			for name, kind := range filters {
				k, _ := kind.(string)
				base, _, _ := strings.Cut(k, ":")
				if _, ok := filterKinds[base]; !ok {
					t.Errorf("%s: filter %s has unknown type %q", op.OperationID, name, k)
				}
			}
		}
	}
	if len(opIDs) != 41 {
		t.Errorf("document has %d operations, want 41", len(opIDs))
	}
	for _, id := range opIDs {
		if info.ids["op-"+id] != 1 {
			t.Errorf("no anchor op-%s", id)
		}
	}
	if n := len(regexp.MustCompile(`<section class="op" id="op-`).FindAllString(page, -1)); n != len(opIDs) {
		t.Errorf("%d operation sections, want %d", n, len(opIDs))
	}
	// Every component schema has its anchor.
	if len(doc.Components.Schemas) == 0 {
		t.Fatal("document has no component schemas")
	}
	for name := range doc.Components.Schemas {
		if info.ids["schema-"+name] != 1 {
			t.Errorf("no anchor schema-%s", name)
		}
	}
	// Every tag has its block.
	for _, tag := range doc.Tags {
		if info.ids["tag-"+tag.Name] != 1 {
			t.Errorf("no anchor tag-%s", tag.Name)
		}
	}

	// Self-contained: no scripts, no external resources.
	for _, tag := range []string{"script", "link", "img", "iframe", "object", "embed"} {
		if info.tags[tag] > 0 {
			t.Errorf("page has %d <%s> elements", info.tags[tag], tag)
		}
	}
	for _, bad := range []string{"@import", "url(", "javascript:", " on" + "click=", " on" + "load="} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// The only absolute URLs are the ones written in the document's text.
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	urls := regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*:)?//[^\s"'<>)\\]+`).FindAllString(html.UnescapeString(page), -1)
	for _, u := range urls {
		if !bytes.Contains(raw, []byte(u)) {
			t.Errorf("page references %q, which is not in the document", u)
		}
	}

	// Spot checks of content.
	for _, want := range []string{
		"Elevate Payment and Refund API", "v1.37",
		`<span class="m m-get">GET</span> <span class="path">/v1/payment-providers</span>`,
		`<code>payments:read</code>`,                                    // x-scope
		`<code>enum:PaymentMethod</code>`,                               // x-filters kind
		`<code>in:V1,V2,…</code>`,                                       // its forms
		`<a class="ref" href="#schema-PaymentMethod">PaymentMethod</a>`, // allOf target / enum link
		`Sortable fields (sort)`, `Selectable fields (fields)`, `Unsupported filters`,
		`<code>customerType</code>`,  // x-unsupported-filters of getCustomers
		"<code>X-Total-Count</code>", // response header
		"array of <a class=\"ref\" href=\"#schema-InstantBankPayment\">InstantBankPayment</a>",
		"array of any of <a class=\"ref\" href=\"#schema-PaymentProvider\">PaymentProvider</a> | <a class=\"ref\" href=\"#schema-PaymentProviderSelection\">PaymentProviderSelection</a>", // fields
		"one of <a class=\"ref\" href=\"#schema-InvoicePayment\">InvoicePayment</a> | <a class=\"ref\" href=\"#schema-AdhocInvoicePayment\">AdhocInvoicePayment</a>",
		`<span class="rule">pattern <code>`, // constraints
		`<span class="rule">length <code>≤ 255</code></span>`,
		`<span class="flag ro">read-only</span>`, `<span class="flag null">nullable</span>`,
		"<li><code>CHEQUE</code> — Cheque (manual)</li>", // Markdown list of an enum description
		"none (no bearer token)",                         // security: [] of authenticate
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The success example is pretty-printed with the keys in schema order.
func TestExampleOrder(t *testing.T) {
	page := render(t, loadSpec(t))
	i := strings.Index(page, `id="op-getPaymentProviders"`)
	if i < 0 {
		t.Fatal("no getPaymentProviders section")
	}
	sec := page[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	pre := regexp.MustCompile(`(?s)Example response.*?<pre><code>(.*?)</code></pre>`).FindStringSubmatch(sec)
	if pre == nil {
		t.Fatalf("no example response in %s", sec)
	}
	want := "[\n  {\n    &#34;id&#34;: 3,\n    &#34;type&#34;: &#34;GO_CARDLESS&#34;,\n    &#34;name&#34;: &#34;GoCardless UK&#34;,\n"
	if !strings.HasPrefix(pre[1], want) {
		t.Errorf("example starts\n%s\nwant\n%s", pre[1][:min(len(pre[1]), 200)], want)
	}
	if !strings.Contains(pre[1], "    &#34;directDebitWithName&#34;: null,\n") {
		t.Errorf("example lacks null field:\n%s", pre[1])
	}
}

// hostile is a small hand-built document whose texts try to inject markup.
func hostile() *openapi3.T {
	evil := `<script>alert("x")</script> & <img src=x onerror=alert(1)> **<b>bold</b>** ` + "`<i>code</i>`"
	props := openapi3.Schemas{
		"name": &openapi3.SchemaRef{Value: &openapi3.Schema{
			Type:        &openapi3.Types{"string"},
			Description: evil,
			Pattern:     `^<script>$`,
			Enum:        []any{"<b>", "a&b"},
			Extensions:  map[string]any{"x-order": 1},
		}},
	}
	schema := &openapi3.Schema{Type: &openapi3.Types{"object"}, Description: evil, Properties: props, Required: []string{"name"}}
	desc := evil
	responses := openapi3.NewResponses(
		openapi3.WithStatus(200, &openapi3.ResponseRef{Value: &openapi3.Response{
			Description: &desc,
			Content: openapi3.Content{"application/json": &openapi3.MediaType{
				Schema:  &openapi3.SchemaRef{Ref: "#/components/schemas/Evil<x>", Value: schema},
				Example: map[string]any{"name": "</code></pre><script>alert(1)</script>"},
			}},
		}}),
	)
	paths := openapi3.NewPaths(openapi3.WithPath("/things/{id}", &openapi3.PathItem{
		Get: &openapi3.Operation{
			OperationID: `get"Thing<script>`,
			Summary:     evil,
			Description: evil,
			Tags:        []string{"<script>tag</script>"},
			Extensions: map[string]any{
				"x-scope":      "<script>scope</script>",
				"x-filters":    map[string]any{"q": "enum:<script>"},
				"x-sortable":   []any{"<script>"},
				"x-selectable": []any{"a&b"},
			},
			Parameters: openapi3.Parameters{{Value: &openapi3.Parameter{
				Name: "q", In: "query", Description: evil, Example: "<script>",
				Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
			}}},
			Responses: responses,
		},
	}))
	return &openapi3.T{
		OpenAPI:    "3.0.3",
		Info:       &openapi3.Info{Title: "<script>title</script>", Version: `1"2`, Description: evil},
		Servers:    openapi3.Servers{{URL: "/v1"}},
		Tags:       openapi3.Tags{{Name: "<script>tag</script>", Description: evil}},
		Paths:      paths,
		Components: &openapi3.Components{Schemas: openapi3.Schemas{"Evil<x>": &openapi3.SchemaRef{Value: schema}}},
	}
}

func TestEscaping(t *testing.T) {
	page := render(t, hostile())
	info := parsePage(t, page)
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("page contains an unescaped <script")
	}
	for _, bad := range []string{"<img", "<b>", "<i>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for tag := range info.tags {
		switch tag {
		case "script", "img", "b", "i":
			t.Errorf("page has a <%s> element", tag)
		}
	}
	if strings.Contains(page, "onerror=alert") && !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("attribute-looking text is not escaped")
	}
	// The description's Markdown still works around escaped text.
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; ",
		"<strong>&lt;b&gt;bold&lt;/b&gt;</strong>",
		"<code>&lt;i&gt;code&lt;/i&gt;</code>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Anchors stay usable even for odd names.
	for _, h := range info.hrefs {
		if target, ok := strings.CutPrefix(h, "#"); !ok || info.ids[target] == 0 {
			t.Errorf("link %q has no target", h)
		}
	}
	if info.ids["op-get-Thing-script-"] != 1 {
		t.Errorf("operation anchor missing; ids: %v", info.ids)
	}
}

func TestRenderNil(t *testing.T) {
	if _, err := Render(nil, Options{}); err == nil {
		t.Error("Render(nil) succeeded")
	}
	// A minimal document renders.
	page := render(t, &openapi3.T{OpenAPI: "3.0.3", Info: &openapi3.Info{Title: "T", Version: "1"}})
	parsePage(t, page)
}

// With origins recorded, paths and schemas follow the document.
func TestDocumentOrderWithOrigin(t *testing.T) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	page := render(t, doc)
	first := func(a, b string) {
		t.Helper()
		i, j := strings.Index(page, a), strings.Index(page, b)
		if i < 0 || j < 0 || i > j {
			t.Errorf("%q (at %d) should come before %q (at %d)", a, i, b, j)
		}
	}
	first(`id="op-getPaymentProviders"`, `id="op-getAdhocInvoicePayments"`)
	first(`id="schema-PaymentProvider"`, `id="schema-Error"`)
	first(`id="schema-Error"`, `id="schema-MandateStatus"`)
}

func TestDeterministic(t *testing.T) {
	doc := loadSpec(t)
	a, b := render(t, doc), render(t, doc)
	if a != b {
		t.Error("two renderings differ")
	}
}
