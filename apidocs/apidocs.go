// Package apidocs renders the OpenAPI 3 document of the server as one
// self-contained HTML page (served at GET /docs): no JavaScript and no
// external resources, only an inline style sheet.
//
// The page shows the API's title, version and description, a table of
// contents grouped by tag, every operation (method, path under the server
// URL, operationId, summary, description, the token scope of x-scope,
// parameters with the filter forms of x-filters and the fields of
// x-sortable / x-selectable / x-unsupported-filters, request body, responses
// with their headers, and the success response's example as JSON), then
// every component schema with its properties. Operations have the anchor
// #op-<operationId>, schemas #schema-<Name>, tags #tag-<name>.
//
// Descriptions are CommonMark in OpenAPI, rendered with goldmark without raw
// HTML or links (see markdown). All text from the document is HTML-escaped.
package apidocs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed page.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"fields": func(label string, list []string) fieldList { return fieldList{label, list} },
}).Parse(pageTemplate))

// fieldList is a labelled list of field names (x-sortable, x-selectable, …).
type fieldList struct {
	Label string
	List  []string
}

// Options are facts about the serving program that the document itself does
// not carry.
type Options struct {
	// NotImplemented lists the operationIds the server answers with 501 Not
	// Implemented (taken from its route table). Each such operation gets a
	// visible "not implemented yet (501)" badge beside its heading and in
	// both indexes. Every id must name an operation of the document.
	NotImplemented []string
}

// Render returns the HTML page documenting doc. It is called once at start-up;
// the result is served as is.
//
// Render only reads doc. Maps of the document are shown in document order
// where it can be recovered (x-order on properties, source lines when the
// loader ran with IncludeOrigin), otherwise sorted by name.
func Render(doc *openapi3.T, opts Options) ([]byte, error) {
	if doc == nil {
		return nil, errors.New("apidocs: nil document")
	}
	r := &renderer{doc: doc, ids: map[string]bool{}, schemaAnchors: map[string]string{}, notImplemented: map[string]bool{}, seenOps: map[string]bool{}}
	for _, id := range opts.NotImplemented {
		r.notImplemented[id] = true
	}
	p := r.page()
	for id := range r.notImplemented {
		if !r.seenOps[id] {
			return nil, fmt.Errorf("apidocs: %q is listed as not implemented but is no operation of the document", id)
		}
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("apidocs: render: %w", err)
	}
	return buf.Bytes(), nil
}

type renderer struct {
	doc            *openapi3.T
	ids            map[string]bool   // element ids in use
	schemaAnchors  map[string]string // component schema name → element id
	notImplemented map[string]bool   // operationIds answering 501 (Options.NotImplemented)
	seenOps        map[string]bool   // operationIds of the document
}

type page struct {
	Title          string
	Version        string
	OpenAPIVersion string
	BaseURL        string
	Summary        string
	Description    template.HTML
	Auth           []authView
	DefaultAuth    string
	Groups         []*groupView
	Ops            []*opView
	Schemas        []schemaView
	NotImplemented int // operations marked not implemented yet (501)
}

type authView struct {
	Name        string
	Kind        string
	Description template.HTML
}

type groupView struct {
	Name        string
	Anchor      string
	Description template.HTML
	Ops         []*opView
}

type tagLink struct {
	Name   string
	Anchor string
}

type opView struct {
	Anchor      string
	Method      string
	MethodClass string
	Path        string
	OperationID string
	Summary     string
	Description template.HTML
	Tags        []tagLink
	Scope       string
	Auth        string
	Deprecated  bool
	// NotImplemented: the server answers this operation 501 until it is built.
	NotImplemented bool
	Params         []paramView
	Sortable       []string
	Selectable     []string
	Unsupported    []string
	Body           *bodyView
	Responses      []respView
	Example        *exampleView
	NoBody         string // status of a success response without a body, when there is no example
}

type paramView struct {
	Name        string
	In          string
	Type        []typePart
	Enum        []string
	Constraints []constraint
	Required    bool
	Deprecated  bool
	Description template.HTML
	Example     string
	Filter      *filterView
}

// filterView documents the x-filters entry of a parameter.
type filterView struct {
	Kind       string     // as written in x-filters, e.g. "enum:PaymentMethod"
	Label      string     // e.g. "Text filter"
	Of         []typePart // enum schema whose names are accepted
	Forms      []string
	Repeatable bool
	Known      bool // Label, Forms and Repeatable are known for the kind
}

type bodyView struct {
	Required    bool
	Description template.HTML
	Contents    []contentView
	Example     *exampleView
}

type contentView struct {
	MediaType string
	Type      []typePart
}

type respView struct {
	Status      string
	Class       string
	Description template.HTML
	Contents    []contentView
	Headers     []headerView
}

type headerView struct {
	Name        string
	Type        []typePart
	Required    bool
	Description template.HTML
}

type exampleView struct {
	Status    string
	MediaType string
	JSON      string
}

// id reserves a unique element id built from prefix and name. Characters
// that are awkward in ids and URL fragments are replaced by '-'.
func (r *renderer) id(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	id := b.String()
	for n := 2; r.ids[id]; n++ {
		id = fmt.Sprintf("%s-%d", b.String(), n)
	}
	r.ids[id] = true
	return id
}

func (r *renderer) page() *page {
	doc := r.doc
	for _, fixed := range []string{"top", "contents", "authentication", "operations", "schemas"} {
		r.ids[fixed] = true
	}
	p := &page{OpenAPIVersion: doc.OpenAPI, Title: "API"}
	if info := doc.Info; info != nil {
		if info.Title != "" {
			p.Title = info.Title
		}
		p.Version = info.Version
		p.Summary = info.Summary
		p.Description = markdown(info.Description)
	}
	if len(doc.Servers) > 0 && doc.Servers[0] != nil {
		p.BaseURL = basePath(doc.Servers[0].URL)
	}

	var schemaNames []string
	if doc.Components != nil {
		schemaNames = docOrder(doc.Components.Schemas, schemaRefPos)
		for _, name := range schemaNames {
			r.schemaAnchors[name] = r.id("schema-", name)
		}
		for _, name := range docOrder(doc.Components.SecuritySchemes, securitySchemePos) {
			s := doc.Components.SecuritySchemes[name]
			if s == nil || s.Value == nil {
				continue
			}
			p.Auth = append(p.Auth, authView{Name: name, Kind: schemeKind(s.Value), Description: markdown(s.Value.Description)})
		}
	}
	p.DefaultAuth = securityText(doc.Security)

	// Tags: the declared ones first, in document order.
	groups := map[string]*groupView{}
	for _, t := range doc.Tags {
		if t == nil || groups[t.Name] != nil {
			continue
		}
		g := &groupView{Name: t.Name, Anchor: r.id("tag-", t.Name), Description: markdown(t.Description)}
		groups[t.Name] = g
		p.Groups = append(p.Groups, g)
	}
	group := func(name string) *groupView {
		if g := groups[name]; g != nil {
			return g
		}
		g := &groupView{Name: name, Anchor: r.id("tag-", name)}
		groups[name] = g
		p.Groups = append(p.Groups, g)
		return g
	}

	var untagged []*opView
	if doc.Paths != nil {
		paths := doc.Paths.Map()
		for _, path := range docOrder(paths, pathItemPos) {
			item := paths[path]
			if item == nil {
				continue
			}
			ops := item.Operations()
			methods := make([]string, 0, len(ops))
			for m := range ops {
				methods = append(methods, m)
			}
			sortMethods(methods)
			for _, m := range methods {
				op := r.operation(p.BaseURL, path, m, item, ops[m])
				p.Ops = append(p.Ops, op)
				if op.NotImplemented {
					p.NotImplemented++
				}
				if len(op.Tags) == 0 {
					untagged = append(untagged, op)
				}
				for i, t := range op.Tags {
					g := group(t.Name)
					op.Tags[i].Anchor = g.Anchor
					if len(g.Ops) == 0 || g.Ops[len(g.Ops)-1] != op {
						g.Ops = append(g.Ops, op)
					}
				}
			}
		}
	}
	if len(untagged) > 0 {
		g := &groupView{Name: "Other operations", Anchor: r.id("tag-", "untagged"), Ops: untagged}
		p.Groups = append(p.Groups, g)
	}

	for _, name := range schemaNames {
		p.Schemas = append(p.Schemas, r.schemaView(name, doc.Components.Schemas[name]))
	}
	return p
}

// basePath returns the server URL to put before the paths: its path when it
// is an absolute URL, else the URL as written (e.g. "/v1"), without a
// trailing slash.
func basePath(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Path
	}
	return strings.TrimSuffix(s, "/")
}

func schemeKind(s *openapi3.SecurityScheme) string {
	switch s.Type {
	case "http":
		k := "HTTP " + s.Scheme
		if s.BearerFormat != "" {
			k += " (" + s.BearerFormat + ")"
		}
		return k
	case "apiKey":
		return "API key in " + s.In + " " + s.Name
	}
	return s.Type
}

// securityText describes security requirements: alternatives joined by
// "or", schemes that are all required by "+"; "none" when no token is needed.
func securityText(reqs openapi3.SecurityRequirements) string {
	if len(reqs) == 0 {
		return "none"
	}
	var alts []string
	for _, req := range reqs {
		if len(req) == 0 {
			alts = append(alts, "none")
			continue
		}
		names := make([]string, 0, len(req))
		for name, scopes := range req {
			if len(scopes) > 0 {
				name += " (" + strings.Join(scopes, ", ") + ")"
			}
			names = append(names, name)
		}
		sort.Strings(names)
		alts = append(alts, strings.Join(names, " + "))
	}
	return strings.Join(alts, " or ")
}

func (r *renderer) operation(base, path, method string, item *openapi3.PathItem, op *openapi3.Operation) *opView {
	v := &opView{
		Method:      strings.ToUpper(method),
		MethodClass: strings.ToLower(method),
		Path:        base + path,
		OperationID: op.OperationID,
		Summary:     op.Summary,
		Description: markdown(op.Description),
		Deprecated:  op.Deprecated,
	}
	if op.OperationID != "" {
		r.seenOps[op.OperationID] = true
		v.NotImplemented = r.notImplemented[op.OperationID]
	}
	if op.OperationID != "" {
		v.Anchor = r.id("op-", op.OperationID)
	} else {
		v.Anchor = r.id("op-", strings.ToLower(method)+"-"+strings.Trim(path, "/"))
	}
	seenTag := map[string]bool{}
	for _, t := range op.Tags {
		if !seenTag[t] {
			seenTag[t] = true
			v.Tags = append(v.Tags, tagLink{Name: t})
		}
	}
	if s, ok := op.Extensions["x-scope"]; ok {
		v.Scope = scalarText(s)
	}
	if op.Security != nil {
		v.Auth = securityText(*op.Security)
	} else {
		v.Auth = securityText(r.doc.Security)
	}
	v.Sortable = strings1(op.Extensions["x-sortable"])
	v.Selectable = strings1(op.Extensions["x-selectable"])
	v.Unsupported = strings1(op.Extensions["x-unsupported-filters"])

	filters := map[string]string{}
	if m, ok := op.Extensions["x-filters"].(map[string]any); ok {
		for k, kind := range m {
			filters[k] = scalarText(kind)
		}
	}
	for _, prm := range parameters(item, op) {
		pv := r.param(prm)
		if kind, ok := filters[prm.Name]; ok && prm.In == "query" {
			pv.Filter = r.filter(kind)
			delete(filters, prm.Name)
		}
		v.Params = append(v.Params, pv)
	}
	// Filters named in x-filters without a parameter of their own.
	rest := make([]string, 0, len(filters))
	for k := range filters {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		v.Params = append(v.Params, paramView{Name: k, In: "query", Type: []typePart{{Text: "string"}}, Filter: r.filter(filters[k])})
	}

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		b := &bodyView{Required: rb.Required, Description: markdown(rb.Description), Contents: r.contents(rb.Content)}
		b.Example = example("", rb.Content)
		v.Body = b
	}

	if op.Responses != nil {
		responses := op.Responses.Map()
		codes := make([]string, 0, len(responses))
		for code := range responses {
			codes = append(codes, code)
		}
		sort.Strings(codes) // "200" < "2XX" < "400" < "default"
		for _, code := range codes {
			ref := responses[code]
			if ref == nil || ref.Value == nil {
				continue
			}
			resp := ref.Value
			rv := respView{Status: code, Class: statusClass(code), Contents: r.contents(resp.Content)}
			if resp.Description != nil {
				rv.Description = markdown(*resp.Description)
			}
			for _, name := range docOrder(resp.Headers, headerPos) {
				h := resp.Headers[name]
				if h == nil || h.Value == nil {
					continue
				}
				rv.Headers = append(rv.Headers, headerView{
					Name:        name,
					Type:        r.typeOf(h.Value.Schema, 0),
					Required:    h.Value.Required,
					Description: markdown(h.Value.Description),
				})
			}
			v.Responses = append(v.Responses, rv)
			if strings.HasPrefix(code, "2") && v.Example == nil {
				if ex := example(code, resp.Content); ex != nil {
					v.Example = ex
				} else if len(resp.Content) == 0 && v.NoBody == "" {
					v.NoBody = code
				}
			}
		}
	}
	if v.Example != nil {
		v.NoBody = ""
	}
	return v
}

// parameters returns the parameters of an operation: those of the path item
// that the operation does not override, then the operation's own.
func parameters(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	own := map[string]bool{}
	for _, ref := range op.Parameters {
		if ref != nil && ref.Value != nil {
			own[ref.Value.In+"\x00"+ref.Value.Name] = true
		}
	}
	for _, ref := range item.Parameters {
		if ref != nil && ref.Value != nil && !own[ref.Value.In+"\x00"+ref.Value.Name] {
			out = append(out, ref.Value)
		}
	}
	for _, ref := range op.Parameters {
		if ref != nil && ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	return out
}

func (r *renderer) param(p *openapi3.Parameter) paramView {
	v := paramView{
		Name:        p.Name,
		In:          p.In,
		Required:    p.Required,
		Deprecated:  p.Deprecated,
		Description: markdown(p.Description),
	}
	schema := p.Schema
	if schema == nil {
		for _, mt := range docOrder(p.Content, mediaTypePos) {
			if c := p.Content[mt]; c != nil && c.Schema != nil {
				schema = c.Schema
				break
			}
		}
	}
	v.Type = r.typeOf(schema, 0)
	v.Enum = enumOf(schema)
	v.Constraints = constraintsOf(schema)
	if p.Example != nil {
		v.Example = scalarText(p.Example)
	} else if schema != nil && schema.Ref == "" && schema.Value != nil && schema.Value.Example != nil {
		v.Example = scalarText(schema.Value.Example)
	}
	return v
}

// filterKinds describes the filter types of x-filters: the forms each
// accepts (as implemented by package query) and whether the parameter may be
// repeated, the conditions being ANDed.
var filterKinds = map[string]struct {
	label      string
	forms      []string
	repeatable bool
}{
	"string":  {"Text filter", []string{"value", "in:v1,v2,…", "like:pattern"}, true},
	"numeric": {"Numeric filter", []string{"n", "in:n1,n2,…", "gt:n", "lt:n", "gte:n", "lte:n"}, true},
	"id":      {"Id filter", []string{"id", "in:id1,id2,…", "gt:id", "lt:id", "gte:id", "lte:id"}, true},
	"id-eq":   {"Id filter (exact or in: only)", []string{"id", "in:id1,id2,…"}, true},
	"date":    {"Date filter", []string{"YYYY-MM-DD", "gt:date", "lt:date", "gte:date", "lte:date", "gtn:date"}, true},
	"boolean": {"Boolean filter", []string{"true", "false"}, false},
	"typed":   {"Typed parameter (plain value only)", []string{"value"}, false},
	"enum":    {"Enum filter", []string{"VALUE", "in:V1,V2,…", "like:text"}, true},
	"enum-eq": {"Enum filter (exact or in: only)", []string{"VALUE", "in:V1,V2,…"}, true},
}

func (r *renderer) filter(kind string) *filterView {
	f := &filterView{Kind: kind, Label: "Filter"}
	key, of, _ := strings.Cut(kind, ":") // "enum:Schema", "enum-eq:Schema"
	d, ok := filterKinds[key]
	if !ok {
		return f
	}
	f.Known = true
	f.Label, f.Forms, f.Repeatable = d.label, d.forms, d.repeatable
	if of != "" {
		f.Of = []typePart{r.refPart(schemaRefPrefix + of)}
	}
	return f
}

func (r *renderer) contents(c openapi3.Content) []contentView {
	var out []contentView
	for _, mt := range docOrder(c, mediaTypePos) {
		m := c[mt]
		cv := contentView{MediaType: mt}
		if m != nil && m.Schema != nil {
			cv.Type = r.typeOf(m.Schema, 0)
		}
		out = append(out, cv)
	}
	return out
}

// example returns the example of a body: the media type's example, else its
// first named example, else its schema's example; JSON media types first.
func example(status string, c openapi3.Content) *exampleView {
	mts := docOrder(c, mediaTypePos)
	sort.SliceStable(mts, func(i, j int) bool { return isJSON(mts[i]) && !isJSON(mts[j]) })
	for _, mt := range mts {
		m := c[mt]
		if m == nil {
			continue
		}
		var schema *openapi3.Schema
		if m.Schema != nil {
			schema = m.Schema.Value
		}
		value := m.Example
		if value == nil {
			for _, name := range sortedKeys(m.Examples) {
				if e := m.Examples[name]; e != nil && e.Value != nil && e.Value.Value != nil {
					value = e.Value.Value
					break
				}
			}
		}
		if value == nil && schema != nil {
			value = schema.Example
		}
		if value == nil {
			continue
		}
		var text string
		if s, ok := value.(string); ok && !isJSON(mt) {
			text = s
		} else {
			text = prettyJSON(value, schema)
		}
		return &exampleView{Status: status, MediaType: mt, JSON: text}
	}
	return nil
}

func isJSON(mediaType string) bool {
	mt, _, _ := strings.Cut(mediaType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func statusClass(code string) string {
	if code != "" && code[0] >= '1' && code[0] <= '5' {
		return "s" + code[:1]
	}
	return "sd"
}

// strings1 returns the items of a list extension as text.
func strings1(v any) []string {
	list, ok := v.([]any)
	if !ok {
		if s, ok := v.([]string); ok {
			return s
		}
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, scalarText(x))
	}
	return out
}
