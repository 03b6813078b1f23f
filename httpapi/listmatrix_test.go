package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestEveryListSortAndFilter sends, to every built list operation, a sort on every sortable field
// (both directions), a selection of every selectable field, and every filter with a value of its
// type: none may fail with a 5xx, and each must answer 200.
func TestEveryListSortAndFilter(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		w := seedWorld(t, e)
		notBuilt := map[string]bool{}
		for _, id := range e.Server.NotImplemented() {
			notBuilt[id] = true
		}
		checked := 0
		for path, item := range doc.Paths.Map() {
			op := item.Get
			if op == nil || notBuilt[op.OperationID] {
				continue
			}
			base := url.Values{}
			paged := false
			for _, p := range op.Parameters {
				if p.Value.Name == "page" {
					paged = true
				}
				if p.Value.Required && p.Value.In == "query" && p.Value.Name == "customer_id" {
					base.Set("customer_id", fmt.Sprint(w.mine.customer))
				}
			}
			if !paged || strings.Contains(path, "{") {
				continue
			}
			base.Set("page", "1")
			base.Set("pageSize", "5")
			get := func(extra url.Values) {
				q := url.Values{}
				for k, v := range base {
					q[k] = v
				}
				for k, v := range extra {
					q[k] = v
				}
				resp := e.Get(w.admin, "/v1"+path+"?"+q.Encode())
				checked++
				if resp.Status != 200 {
					t.Errorf("%s %s?%s: %d %s", op.OperationID, path, q.Encode(), resp.Status, resp.Body)
				}
			}
			for _, f := range strList(op.Extensions["x-sortable"]) {
				get(url.Values{"sort": {f}})
				get(url.Values{"sort": {f + ":desc"}})
			}
			if sel := strList(op.Extensions["x-selectable"]); len(sel) > 0 {
				get(url.Values{"fields": {strings.Join(sel, ",")}})
			}
			filters, _ := op.Extensions["x-filters"].(map[string]any)
			for name, kind := range filters {
				if name == "customer_id" {
					continue
				}
				values := sampleValues(doc, fmt.Sprint(kind))
				if p := op.Parameters.GetByInAndName("query", name); kind == "typed" && p != nil && len(p.Schema.Value.Enum) > 0 {
					values = []string{fmt.Sprint(p.Schema.Value.Enum[0])}
				}
				for _, v := range values {
					get(url.Values{name: {v}})
				}
			}
		}
		t.Logf("%d list requests checked", checked)
	})
}

func strList(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// sampleValues returns valid values of every form a filter type accepts.
func sampleValues(doc *openapi3.T, kind string) []string {
	switch {
	case kind == "string":
		return []string{"x", "in:a,b", "like:*a*"}
	case kind == "numeric":
		return []string{"1", "in:1,2.5", "gt:0.5", "lte:100"}
	case kind == "id":
		return []string{"1", "in:1,2", "gt:0", "lte:99"}
	case kind == "id-eq":
		return []string{"1", "in:1,2"}
	case kind == "date":
		return []string{"2024-01-01", "lt:2024-01-01", "gtn:2024-01-01", "gte:2020-01-01"}
	case kind == "boolean":
		return []string{"true", "false"}
	case kind == "typed":
		return []string{"1"}
	case strings.HasPrefix(kind, "enum"):
		name := kind[strings.Index(kind, ":")+1:]
		vals := doc.Components.Schemas[name].Value.Enum
		out := []string{fmt.Sprint(vals[0]), fmt.Sprintf("in:%v,%v", vals[0], vals[len(vals)-1])}
		if !strings.HasPrefix(kind, "enum-eq") {
			out = append(out, "like:*A*")
		}
		return out
	}
	return nil
}
