package httpapi_test

// Regression tests of issue 6 at the routing edge: non-canonical paths, invented methods and
// metric labels, the root page and the contract in a browser.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func raw(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestNonCanonicalPaths: a path ServeMux would clean answers the JSON 404, never a redirect
// with an HTML body, whatever the method and token.
func TestNonCanonicalPaths(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		for _, p := range []string{"//", "//v1/currencies", "/v1//currencies", "/v1/currencies//", "/v1/./currencies", "/v1/../v1/currencies",
			"/v1/currencies/.", "/v1/currencies/..", "/v1/customers/1/.", "/./", "/healthz/.", "/docs/..", "///healthz", "/v1/currencies/./"} {
			for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodHead} {
				resp, body := raw(t, method, e.URL+p, map[string]string{"Authorization": "Bearer " + tok})
				if resp.StatusCode != 404 || resp.Header.Get("Location") != "" || resp.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s %s: %d Location=%q Content-Type=%q %.100s", method, p, resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Content-Type"), body)
					continue
				}
				if method == http.MethodHead {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal(body, &m); err != nil || m["status"] != float64(404) || m["path"] != p || m["error"] != "Not Found" {
					t.Errorf("%s %s: body %s (%v)", method, p, body, err)
				}
			}
		}
		// Canonical paths still work, trailing slash included (404, as before).
		e.Get(tok, "/v1/currencies?page=1&pageSize=10").Want(t, 200)
		errorBody(t, e.Get(tok, "/v1/currencies/"), 404)
	})
}

// TestInventedMethods: requests with 200 invented methods (some 50 KB long) get the JSON 405 or
// 404 and add at most one method label value, OTHER, to the metrics.
func TestInventedMethods(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		series := func() (int, string) {
			body := string(e.Get("", "/metrics").Want(t, 200).Body)
			n := 0
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, "elevatepay_http_") {
					n++
				}
			}
			return n, body
		}
		for _, p := range []string{"/v1/currencies", "/nowhere", "/healthz"} {
			e.Do(apitest.Request{Method: "INVENTED", Path: p}) // the OTHER series exist from here on
		}
		before, _ := series()
		for i := range 200 {
			method := fmt.Sprintf("M%03d", i)
			if i%10 == 0 {
				method += strings.Repeat("X", 50<<10)
			}
			p := []string{"/v1/currencies", "/nowhere", "/healthz"}[i%3]
			r := e.Do(apitest.Request{Method: method, Path: p})
			want := map[string]int{"/v1/currencies": 405, "/nowhere": 404, "/healthz": 405}[p]
			m := errorBody(t, r, want)
			if want == 405 && r.Header.Get("Allow") == "" {
				t.Errorf("%s: 405 without Allow", p)
			}
			if len(fmt.Sprint(m["message"])) > 200 {
				t.Errorf("message of %d bytes", len(fmt.Sprint(m["message"])))
			}
		}
		after, body := series()
		// Scraping itself may add the series of GET /metrics once; nothing per method.
		if after > before+16 {
			t.Errorf("metric series grew from %d to %d", before, after)
		}
		if strings.Contains(body, "M000") || strings.Contains(body, "M199") {
			t.Error("/metrics carries an invented method")
		}
		if !strings.Contains(body, `method="OTHER",route="unmatched",status="405"`) {
			t.Errorf("/metrics lacks the OTHER series:\n%s", body)
		}
		if len(body) > 256<<10 {
			t.Errorf("/metrics is %d bytes", len(body))
		}
	})
}

// TestRootRoutesLabelled: the root routes are labelled by name, not "unmatched".
func TestRootRoutesLabelled(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	paths := []string{"/healthz", "/readyz", "/metrics", "/openapi.yaml", "/docs", "/"}
	for _, p := range paths {
		if r := e.Get("", p); r.Status != 200 {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}
	body := string(e.Get("", "/metrics").Want(t, 200).Body)
	for _, p := range paths {
		if want := `elevatepay_http_requests_total{method="GET",route="GET ` + p + `",status="200"}`; !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `route="unmatched"`) {
		t.Errorf("a root route was counted as unmatched:\n%s", body)
	}
}

// TestHomePage: / is a small HTML page for a person with a browser; only / itself.
func TestHomePage(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	r := e.Get("", "/").Want(t, 200)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{"elevatepay", `href="/docs"`, `href="/openapi.yaml"`, `href="/healthz"`} {
		if !bytes.Contains(r.Body, []byte(want)) {
			t.Errorf("/ lacks %s", want)
		}
	}
	for _, p := range []string{"/index.html", "/x", "/v1", "/v1/"} {
		errorBody(t, e.Get("", p), 404)
	}
	r = e.Do(apitest.Request{Method: http.MethodPost, Path: "/", Body: "{}"})
	errorBody(t, r, 405)
	if r.Header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
}

// TestOpenAPIInBrowser: a browser is given the contract as text/plain so it shows it; other
// clients get application/yaml. The body is the same.
func TestOpenAPIInBrowser(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	for accept, want := range map[string]string{
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "text/plain; charset=utf-8", // Firefox, Chrome
		"text/plain":                         "text/plain; charset=utf-8",
		"text/html":                          "text/plain; charset=utf-8",
		"":                                   "application/yaml",
		"*/*":                                "application/yaml", // curl
		"application/yaml":                   "application/yaml",
		"application/yaml, text/plain;q=0.5": "application/yaml",
		"text/html;q=0, */*":                 "application/yaml",
	} {
		t.Run(accept, func(t *testing.T) {
			resp, body := raw(t, http.MethodGet, e.URL+"/openapi.yaml", map[string]string{"Accept": accept})
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != want || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("Accept %q: %d Content-Type %q nosniff %q", accept, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"))
			}
			if !bytes.Equal(body, api.OpenAPI) {
				t.Errorf("Accept %q: the body is not the contract", accept)
			}
		})
	}
}
