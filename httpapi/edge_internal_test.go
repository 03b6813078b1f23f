package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/service"
)

func TestCanonicalPath(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/": true, "/v1/currencies": true, "/v1/currencies/": true, "/v1/customers/12": true, "/a%2Fb": true,
		"": false, "*": false, "//": false, "/v1//x": false, "/./": false, "/v1/../x": false, "/x/.": false, "/x/..": false, "/x//": false,
	} {
		t.Run(p, func(t *testing.T) {
			if got := canonicalPath(p); got != want {
				t.Errorf("canonicalPath(%q) = %v", p, got)
			}
		})
	}
}

// TestLogLinesBounded: invented methods and huge paths reach the access log cut short.
func TestLogLinesBounded(t *testing.T) {
	t.Parallel()
	st := testdb.SQLite(t)
	tokens, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte("test-secret-of-at-least-thirty-two-bytes!!")})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := NewServer(Config{Service: &service.Service{Store: st, Tokens: tokens}, Store: st, Tokens: tokens, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("X", 50<<10)
	for _, c := range []struct{ method, path string }{
		{"M" + long, "/v1/currencies"},
		{"M" + long, "/nowhere"},
		{http.MethodGet, "/" + strings.Repeat("p", 100<<10)},
		{http.MethodGet, "/v1/" + strings.Repeat("é", 30<<10)}, // cut on a character boundary
		{"M" + long, "//"},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != 404 && rec.Code != 405 {
			t.Errorf("%.20s %.20s: %d", c.method, c.path, rec.Code)
		}
		if rec.Body.Len() > 2*len(c.path)+2048 {
			t.Errorf("%.20s %.20s: error body of %d bytes", c.method, c.path, rec.Body.Len())
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d log lines", len(lines))
	}
	for _, l := range lines {
		if len(l) > 2048 {
			t.Errorf("log line of %d bytes: %.200s", len(l), l)
		}
		if strings.Contains(l, "\ufffd") {
			t.Errorf("log line cut inside a character: %.200s", l)
		}
		if !strings.Contains(l, "bytes)") {
			t.Errorf("log line does not say what was cut: %.300s", l)
		}
	}
	if !strings.Contains(lines[0], fmt.Sprintf(`"method":"M%s…(%d bytes)"`, strings.Repeat("X", 31), len(long)+1)) {
		t.Errorf("method not cut to 32 bytes: %.300s", lines[0])
	}
}

// TestClientGoneIsNotAServerError: a request whose client closed its connection fails with the
// context's cancellation; that is logged as a warning, not as an internal error, while a real
// internal error still is one.
func TestClientGoneIsNotAServerError(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{log: slog.New(slog.NewJSONHandler(&logged, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := httptest.NewRequest("GET", "/v1/invoice-payments", nil).WithContext(ctx)
	s.writeError(httptest.NewRecorder(), gone, fmt.Errorf("list invoice payments: %w", context.Canceled))
	if !strings.Contains(logged.String(), `"level":"WARN"`) || strings.Contains(logged.String(), `"level":"ERROR"`) {
		t.Errorf("client gone logged as %s", logged.String())
	}
	logged.Reset()
	live := httptest.NewRequest("GET", "/v1/invoice-payments", nil)
	for _, err := range []error{errors.New("disk on fire"), fmt.Errorf("a deadline of our own: %w", context.Canceled)} {
		logged.Reset()
		w := httptest.NewRecorder()
		s.writeError(w, live, err)
		if w.Code != 500 || !strings.Contains(logged.String(), `"level":"ERROR"`) {
			t.Errorf("%v with the client still there: %d, logged %s", err, w.Code, logged.String())
		}
	}
}
