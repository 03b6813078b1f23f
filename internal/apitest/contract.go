package apitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/elevatepay/elevatepay/api"
)

// Validated counts the responses checked against the contract in this test binary.
var Validated atomic.Int64

var (
	docsOnce          sync.Once
	strictDoc, sparse *openapi3.T
	docsErr           error
)

// contractDocs loads the contract twice: as written, and with every `required` list removed,
// for responses narrowed by `fields` (spec §2.6), which omit unnamed fields by design.
func contractDocs() (*openapi3.T, *openapi3.T, error) {
	docsOnce.Do(func() {
		load := func() (*openapi3.T, error) {
			d, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
			if err != nil {
				return nil, err
			}
			return d, d.Validate(context.Background())
		}
		if strictDoc, docsErr = load(); docsErr != nil {
			return
		}
		if sparse, docsErr = load(); docsErr != nil {
			return
		}
		seen := map[*openapi3.Schema]bool{}
		for _, s := range sparse.Components.Schemas {
			dropRequired(s, seen)
		}
	})
	return strictDoc, sparse, docsErr
}

func dropRequired(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	s.Required = nil
	for _, p := range s.Properties {
		dropRequired(p, seen)
	}
	dropRequired(s.Items, seen)
	for _, l := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
		for _, x := range l {
			dropRequired(x, seen)
		}
	}
}

// findOperation matches a request to an operation of doc.
func findOperation(doc *openapi3.T, method, path string) (*routers.Route, map[string]string) {
	if !strings.HasPrefix(path, "/v1/") {
		return nil, nil
	}
	segs := strings.Split(strings.TrimPrefix(path, "/v1"), "/")
	for tmpl, item := range doc.Paths.Map() {
		op := item.GetOperation(method)
		if op == nil {
			continue
		}
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i := range tsegs {
			if strings.HasPrefix(tsegs[i], "{") {
				params[strings.Trim(tsegs[i], "{}")] = segs[i]
			} else if tsegs[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return &routers.Route{Spec: doc, Path: tmpl, PathItem: item, Method: method, Operation: op}, params
		}
	}
	return nil, nil
}

// validateResponse checks one response against the contract: a response of an API operation
// against that operation's documented responses; any other /v1 error against the Error schema.
func validateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	strict, narrowed, err := contractDocs()
	if err != nil {
		return fmt.Errorf("load contract: %w", err)
	}
	if !strings.HasPrefix(req.URL.Path, "/v1/") {
		return nil
	}
	doc := strict
	if req.URL.Query().Has("fields") && status == http.StatusOK {
		doc = narrowed
	}
	route, params := findOperation(doc, req.Method, req.URL.Path)
	if route == nil {
		if status < 400 {
			return fmt.Errorf("%s %s answered %d but is not an operation of the contract", req.Method, req.URL.Path, status)
		}
		return validateErrorBody(strict, header, body)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s → %d does not match the contract: %v\nbody: %s", req.Method, req.URL.String(), status, err, truncate(body))
	}
	if status >= 400 {
		return validateErrorBody(strict, header, body)
	}
	return nil
}

func validateErrorBody(doc *openapi3.T, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("error response has Content-Type %q", ct)
	}
	v, err := decodeJSON(body)
	if err != nil {
		return fmt.Errorf("error body is not JSON: %v: %s", err, truncate(body))
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
		return fmt.Errorf("error body does not match the Error schema: %v: %s", err, truncate(body))
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
