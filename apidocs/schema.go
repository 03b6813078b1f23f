package apidocs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds every walk through schemas, whatever the document holds.
const maxDepth = 12

const schemaRefPrefix = "#/components/schemas/"

// typePart is one piece of a rendered type: text, or a link to a schema.
type typePart struct {
	Text string
	Href string // "#schema-Name", or empty for plain text
}

// constraint is one rule on a value, e.g. {"≤", "255"} or {"pattern", "^a$"}.
type constraint struct {
	Label string
	Code  string // shown as code after the label; may be empty
}

// propView is one row of a properties table.
type propView struct {
	Name        string
	Type        []typePart
	Enum        []string
	Required    bool
	Nullable    bool
	ReadOnly    bool
	WriteOnly   bool
	Deprecated  bool
	Constraints []constraint
	Description template.HTML
}

// schemaView is one entry of the Schemas section.
type schemaView struct {
	Name        string
	Anchor      string
	Type        []typePart
	Enum        []string
	Description template.HTML
	Constraints []constraint
	Props       []propView
	Closed      bool // additionalProperties: false
	Deprecated  bool
}

// refName returns the component name of a schema reference and whether the
// page has an entry (anchor) for it.
func (r *renderer) refName(ref string) (string, bool) {
	if name, ok := strings.CutPrefix(ref, schemaRefPrefix); ok {
		_, known := r.schemaAnchors[name]
		return name, known
	}
	if i := strings.LastIndexAny(ref, "/#"); i >= 0 && i+1 < len(ref) {
		return ref[i+1:], false
	}
	return ref, false
}

func (r *renderer) refPart(ref string) typePart {
	name, ok := r.refName(ref)
	if ok {
		return typePart{Text: name, Href: "#" + r.schemaAnchors[name]}
	}
	return typePart{Text: name}
}

// typeOf describes the type of a schema: a link for a $ref (and for the
// allOf-of-one-$ref wrapper used to add a description or nullable to a
// reference), "array of …", "one of … | …", or the type with its format.
func (r *renderer) typeOf(ref *openapi3.SchemaRef, depth int) []typePart {
	if ref == nil {
		return []typePart{{Text: "any"}}
	}
	if ref.Ref != "" {
		return []typePart{r.refPart(ref.Ref)}
	}
	s := ref.Value
	if s == nil || depth > maxDepth {
		return []typePart{{Text: "any"}}
	}
	types := withoutNull(s.Type.Slice()) // nullability is shown apart
	switch {
	case len(s.AllOf) == 1 && len(types) == 0 && len(s.Properties) == 0:
		return r.typeOf(s.AllOf[0], depth+1)
	case len(s.AllOf) > 0 && len(types) == 0:
		return r.combination("all of ", ", ", s.AllOf, depth)
	case len(s.OneOf) > 0 && len(types) == 0:
		return r.combination("one of ", " | ", s.OneOf, depth)
	case len(s.AnyOf) > 0 && len(types) == 0:
		return r.combination("any of ", " | ", s.AnyOf, depth)
	}
	if len(types) == 0 {
		if len(s.Properties) > 0 {
			types = []string{"object"}
		} else {
			return []typePart{{Text: "any"}}
		}
	}
	var out []typePart
	for i, t := range types {
		if i > 0 {
			out = append(out, typePart{Text: " | "})
		}
		switch t {
		case "array":
			if s.Items == nil {
				out = append(out, typePart{Text: "array"})
			} else {
				out = append(out, typePart{Text: "array of "})
				out = append(out, r.typeOf(s.Items, depth+1)...)
			}
		case "object":
			if ap := s.AdditionalProperties.Schema; ap != nil && len(s.Properties) == 0 {
				out = append(out, typePart{Text: "map of "})
				out = append(out, r.typeOf(ap, depth+1)...)
			} else {
				out = append(out, typePart{Text: "object"})
			}
		default:
			text := t
			if s.Format != "" {
				text += " (" + s.Format + ")"
			}
			out = append(out, typePart{Text: text})
		}
	}
	return mergeText(out)
}

func (r *renderer) combination(prefix, sep string, refs openapi3.SchemaRefs, depth int) []typePart {
	out := []typePart{{Text: prefix}}
	for i, m := range refs {
		if i > 0 {
			out = append(out, typePart{Text: sep})
		}
		out = append(out, r.typeOf(m, depth+1)...)
	}
	return mergeText(out)
}

func withoutNull(types []string) []string {
	if len(types) < 2 {
		return types
	}
	out := make([]string, 0, len(types))
	for _, t := range types {
		if t != openapi3.TypeNull {
			out = append(out, t)
		}
	}
	return out
}

// mergeText joins adjacent text parts.
func mergeText(parts []typePart) []typePart {
	var out []typePart
	for _, p := range parts {
		if n := len(out); n > 0 && p.Href == "" && out[n-1].Href == "" {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}

// enumOf returns the inline enum values of a schema (not those of a
// referenced schema: the link leads there), looking through an allOf wrapper
// and into array items.
func enumOf(ref *openapi3.SchemaRef) []string {
	for depth := 0; ref != nil && ref.Ref == "" && ref.Value != nil && depth < maxDepth; depth++ {
		s := ref.Value
		if len(s.Enum) > 0 {
			out := make([]string, len(s.Enum))
			for i, v := range s.Enum {
				out[i] = scalarText(v)
			}
			return out
		}
		switch {
		case len(s.AllOf) == 1 && len(s.Properties) == 0:
			ref = s.AllOf[0]
		case s.Type.Includes("array"):
			ref = s.Items
		default:
			return nil
		}
	}
	return nil
}

// scalarText shows a JSON value compactly: strings bare, the rest as JSON.
func scalarText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return compactJSON(v)
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// constraintsOf lists the validation rules of a schema: bounds, lengths,
// pattern, item counts, default. Rules of inline array items are prefixed
// "each item".
func constraintsOf(ref *openapi3.SchemaRef) []constraint {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return nil
	}
	s := ref.Value
	var out []constraint
	if s.Min != nil {
		op := "≥"
		if s.ExclusiveMin.IsTrue() {
			op = ">"
		}
		out = append(out, constraint{op, formatNumber(*s.Min)})
	}
	if v := s.ExclusiveMin.Value; v != nil {
		out = append(out, constraint{">", formatNumber(*v)})
	}
	if s.Max != nil {
		op := "≤"
		if s.ExclusiveMax.IsTrue() {
			op = "<"
		}
		out = append(out, constraint{op, formatNumber(*s.Max)})
	}
	if v := s.ExclusiveMax.Value; v != nil {
		out = append(out, constraint{"<", formatNumber(*v)})
	}
	if s.MultipleOf != nil {
		out = append(out, constraint{"multiple of", formatNumber(*s.MultipleOf)})
	}
	out = appendRange(out, "length", s.MinLength, s.MaxLength)
	if s.Pattern != "" {
		out = append(out, constraint{"pattern", s.Pattern})
	}
	out = appendRange(out, "item count", s.MinItems, s.MaxItems)
	if s.UniqueItems {
		out = append(out, constraint{"unique items", ""})
	}
	out = appendRange(out, "property count", s.MinProps, s.MaxProps)
	if s.Default != nil {
		out = append(out, constraint{"default", compactJSON(s.Default)})
	}
	if s.Items != nil && s.Type.Includes("array") {
		for _, c := range constraintsOf(s.Items) {
			c.Label = "each item " + c.Label
			out = append(out, c)
		}
	}
	return out
}

func appendRange(out []constraint, what string, lo uint64, hi *uint64) []constraint {
	switch {
	case hi != nil && lo > 0:
		return append(out, constraint{what, fmt.Sprintf("%d–%d", lo, *hi)})
	case hi != nil:
		return append(out, constraint{what, fmt.Sprintf("≤ %d", *hi)})
	case lo > 0:
		return append(out, constraint{what, fmt.Sprintf("≥ %d", lo)})
	}
	return out
}

// schemaView builds the Schemas-section entry of a component schema.
func (r *renderer) schemaView(name string, ref *openapi3.SchemaRef) schemaView {
	v := schemaView{Name: name, Anchor: r.schemaAnchors[name]}
	if ref == nil || ref.Value == nil {
		v.Type = []typePart{{Text: "any"}}
		return v
	}
	s := ref.Value
	// A component that is itself a $ref (an alias) links to its target.
	if ref.Ref != "" {
		v.Type = append([]typePart{{Text: "alias of "}}, r.refPart(ref.Ref))
	} else {
		v.Type = r.typeOf(&openapi3.SchemaRef{Value: s}, 0)
		v.Constraints = constraintsOf(ref)
	}
	v.Enum = enumOf(&openapi3.SchemaRef{Value: s})
	v.Description = markdown(s.Description)
	v.Deprecated = s.Deprecated
	v.Closed = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	v.Props = r.props(s, "", 0)
	return v
}

// props lists the properties of an object schema, in document order, with
// the properties of inline nested objects (and of inline objects in arrays)
// flattened as "parent.child" and "parent[].child". The inline members of an
// allOf composition contribute their properties too.
func (r *renderer) props(s *openapi3.Schema, prefix string, depth int) []propView {
	if s == nil || depth > maxDepth {
		return nil
	}
	var out []propView
	required := map[string]bool{}
	for _, n := range s.Required {
		required[n] = true
	}
	for _, name := range docOrder(s.Properties, schemaRefPos) {
		p := s.Properties[name]
		pv := propView{
			Name:        prefix + name,
			Type:        r.typeOf(p, 0),
			Enum:        enumOf(p),
			Required:    required[name],
			Constraints: constraintsOf(p),
		}
		var nested *openapi3.Schema // inline object whose properties follow
		nestedPrefix := ""
		if p != nil && p.Value != nil {
			ps := p.Value
			pv.Nullable, pv.ReadOnly, pv.WriteOnly, pv.Deprecated = ps.Nullable, ps.ReadOnly, ps.WriteOnly, ps.Deprecated
			if ps.Type.IncludesNull() {
				pv.Nullable = true
			}
			pv.Description = markdown(ps.Description)
			if p.Ref == "" {
				switch {
				case len(ps.Properties) > 0:
					nested, nestedPrefix = ps, prefix+name+"."
				case ps.Type.Includes("array") && ps.Items != nil && ps.Items.Ref == "" &&
					ps.Items.Value != nil && len(ps.Items.Value.Properties) > 0:
					nested, nestedPrefix = ps.Items.Value, prefix+name+"[]."
				}
			}
		}
		out = append(out, pv)
		if nested != nil {
			out = append(out, r.props(nested, nestedPrefix, depth+1)...)
		}
	}
	for _, m := range s.AllOf {
		if m != nil && m.Ref == "" && m.Value != nil {
			out = append(out, r.props(m.Value, prefix, depth+1)...)
		}
	}
	return out
}

// prettyJSON renders an example value as indented JSON. Object keys follow
// the order of the properties of the schema describing them (so examples
// read like the responses), then any others by name.
func prettyJSON(v any, s *openapi3.Schema) string {
	var b strings.Builder
	writeJSON(&b, normalize(v), s, "", 0)
	return b.String()
}

// normalize turns a value of an unexpected Go type into the generic JSON
// types by a round trip through encoding/json.
func normalize(v any) any {
	switch v.(type) {
	case nil, bool, string, float64, json.Number, map[string]any, []any:
		return v
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return fmt.Sprint(v)
	}
	return out
}

func writeJSON(b *strings.Builder, v any, s *openapi3.Schema, indent string, depth int) {
	if depth > 64 {
		b.WriteString(compactJSON(v))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		names, schemas := objectLayout(s)
		seen := map[string]bool{}
		var keys []string
		for _, n := range names {
			if _, ok := x[n]; ok && !seen[n] {
				seen[n] = true
				keys = append(keys, n)
			}
		}
		var rest []string
		for k := range x {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		keys = append(keys, rest...)
		b.WriteString("{\n")
		for i, k := range keys {
			b.WriteString(indent + "  " + compactJSON(k) + ": ")
			writeJSON(b, normalize(x[k]), schemas[k], indent+"  ", depth+1)
			if i < len(keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		items := itemsOf(s, 0)
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(indent + "  ")
			writeJSON(b, normalize(e), items, indent+"  ", depth+1)
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		b.WriteString(compactJSON(x))
	}
}

// objectLayout returns the property names of an object schema in document
// order, with their schemas, including those of allOf/oneOf/anyOf members.
func objectLayout(s *openapi3.Schema) ([]string, map[string]*openapi3.Schema) {
	schemas := map[string]*openapi3.Schema{}
	var names []string
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > maxDepth {
			return
		}
		for _, n := range docOrder(s.Properties, schemaRefPos) {
			if _, ok := schemas[n]; ok {
				continue
			}
			var ps *openapi3.Schema
			if p := s.Properties[n]; p != nil {
				ps = p.Value
			}
			schemas[n] = ps
			names = append(names, n)
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, m := range group {
				if m != nil {
					walk(m.Value, depth+1)
				}
			}
		}
	}
	walk(s, 0)
	return names, schemas
}

// itemsOf returns the item schema of an array schema, looking into
// allOf/oneOf/anyOf members.
func itemsOf(s *openapi3.Schema, depth int) *openapi3.Schema {
	if s == nil || depth > maxDepth {
		return nil
	}
	if s.Items != nil {
		return s.Items.Value
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, m := range group {
			if m != nil {
				if it := itemsOf(m.Value, depth+1); it != nil {
					return it
				}
			}
		}
	}
	return nil
}
