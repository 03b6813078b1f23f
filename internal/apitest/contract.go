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

// contractDocs loads the contract twice: as written, which describes a response narrowed by
// `fields` (spec §2.6) as `anyOf: [X, XSelection]`, and a strict copy in which every such
// response is X alone, so a response without `fields` must carry every field of X.
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
		for _, item := range strictDoc.Paths.Map() {
			for _, op := range item.Operations() {
				for _, r := range op.Responses.Map() {
					if r.Value == nil {
						continue
					}
					for _, mt := range r.Value.Content {
						if mt.Schema != nil && mt.Schema.Value != nil {
							wholeObjects(mt.Schema)
							wholeObjects(mt.Schema.Value.Items)
						}
					}
				}
			}
		}
	})
	return strictDoc, sparse, docsErr
}

// wholeObjects replaces an inline `anyOf: [X, XSelection]` by X.
func wholeObjects(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Ref != "" || ref.Value == nil || len(ref.Value.AnyOf) != 2 {
		return
	}
	whole, sel := ref.Value.AnyOf[0], ref.Value.AnyOf[1]
	if whole.Ref != "" && sel.Ref == whole.Ref+"Selection" {
		*ref = *whole
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
