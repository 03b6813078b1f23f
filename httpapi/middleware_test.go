package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestPanicBecomes500 checks a panicking handler answers 500 with the error body, is logged
// with its request id, and the server keeps serving.
func TestPanicBecomes500(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewJSONHandler(&logs, nil)), metrics: newMetrics(prometheus.NewRegistry(), nil)}
	h := s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("kaboom")
		}
		w.WriteHeader(204)
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set("X-Request-Id", "req-42")
	h.ServeHTTP(rec, req)
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["status"] != float64(500) || body["error"] != "Internal Server Error" || body["path"] != "/boom" {
		t.Fatalf("body %s (%v)", rec.Body, err)
	}
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Error("the panic value leaked into the response")
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) || !strings.Contains(logs.String(), `"request_id":"req-42"`) || !strings.Contains(logs.String(), "kaboom") {
		t.Errorf("panic not logged: %s", logs.String())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/fine", nil))
	if rec.Code != 204 {
		t.Errorf("after a panic: %d", rec.Code)
	}
}

func TestAcceptsJSON(t *testing.T) {
	t.Parallel()
	for accept, want := range map[string]bool{
		"": true, "application/json": true, "*/*": true, "application/*": true, "text/html, application/json;q=0.5": true,
		"text/html": false, "application/json;q=0": false, "application/xml": false, "Application/JSON": true,
	} {
		t.Run(accept, func(t *testing.T) {
			if got := acceptsJSON(accept); got != want {
				t.Errorf("acceptsJSON(%q) = %v", accept, got)
			}
		})
	}
}
