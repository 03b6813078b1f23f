package apidocs

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The maps of kin-openapi (paths, schemas, properties, headers, …) lose the
// order of the YAML document. It is recovered, best first, from
//   - the x-order extension (a number), used on properties;
//   - the source line, when the document was loaded with
//     openapi3.Loader.IncludeOrigin (all elements from one file);
//   - the name.
// Elements with an x-order come before those without, and elements with a
// line before those without, so a partly annotated map still sorts stably.

type position struct {
	x, line       float64
	hasX, hasLine bool
}

func positionOf(ext map[string]any, origin *openapi3.Origin) position {
	var p position
	p.x, p.hasX = number(ext["x-order"])
	if origin != nil && origin.Key != nil && origin.Key.Line > 0 {
		p.line, p.hasLine = float64(origin.Key.Line), true
	}
	return p
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// docOrder returns the keys of m in document order as far as it is known.
func docOrder[V any](m map[string]V, pos func(V) position) []string {
	type entry struct {
		name string
		pos  position
	}
	entries := make([]entry, 0, len(m))
	for k, v := range m {
		entries = append(entries, entry{k, pos(v)})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.pos.hasX != b.pos.hasX {
			return boolFirst(a.pos.hasX)
		}
		if a.pos.hasX && a.pos.x != b.pos.x {
			return cmpFloat(a.pos.x, b.pos.x)
		}
		if a.pos.hasLine != b.pos.hasLine {
			return boolFirst(a.pos.hasLine)
		}
		if a.pos.hasLine && a.pos.line != b.pos.line {
			return cmpFloat(a.pos.line, b.pos.line)
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.name
	}
	return names
}

func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}

func cmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// schemaRefPos is the position of a schema used as a map value (a property
// or a component): a $ref site has no x-order or line of its own in the
// referenced schema, so only the reference's own are used then.
func schemaRefPos(r *openapi3.SchemaRef) position {
	if r == nil {
		return position{}
	}
	p := positionOf(r.Extensions, r.Origin)
	if r.Ref == "" && r.Value != nil {
		q := positionOf(r.Value.Extensions, r.Value.Origin)
		if !p.hasX {
			p.x, p.hasX = q.x, q.hasX
		}
		if !p.hasLine {
			p.line, p.hasLine = q.line, q.hasLine
		}
	}
	return p
}

func pathItemPos(p *openapi3.PathItem) position {
	if p == nil {
		return position{}
	}
	return positionOf(p.Extensions, p.Origin)
}

func headerPos(h *openapi3.HeaderRef) position {
	if h == nil {
		return position{}
	}
	if h.Ref == "" && h.Value != nil {
		return positionOf(h.Value.Extensions, h.Value.Origin)
	}
	return positionOf(h.Extensions, nil)
}

func mediaTypePos(m *openapi3.MediaType) position {
	if m == nil {
		return position{}
	}
	return positionOf(m.Extensions, m.Origin)
}

func securitySchemePos(s *openapi3.SecuritySchemeRef) position {
	if s == nil || s.Value == nil {
		return position{}
	}
	return positionOf(s.Value.Extensions, s.Value.Origin)
}

// methodRank orders the operations of a path item like the OpenAPI
// specification lists its fields; other methods follow by name.
var methodRank = map[string]int{
	"GET": 1, "PUT": 2, "POST": 3, "DELETE": 4, "OPTIONS": 5, "HEAD": 6, "PATCH": 7, "TRACE": 8, "QUERY": 9, "CONNECT": 10,
}

func sortMethods(ms []string) {
	slices.SortFunc(ms, func(a, b string) int {
		ra, rb := methodRank[strings.ToUpper(a)], methodRank[strings.ToUpper(b)]
		if ra == 0 {
			ra = 100
		}
		if rb == 0 {
			rb = 100
		}
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}
