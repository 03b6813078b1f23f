package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a provider API answering each try with the next status of its script, recording
// what each try sent.
type fake struct {
	mu     sync.Mutex
	script []int
	keys   []string
	header http.Header // extra response headers
	body   string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
	status := f.script[min(len(f.keys)-1, len(f.script)-1)]
	for k, v := range f.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	w.Write([]byte(f.body))
}

// recordWaits is a Caller.Wait that does not sleep but records.
func recordWaits(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }
}

// TestCallerRetries: §6.16 — up to three tries, retried on 5xx and 429 (honouring Retry-After),
// never on another 4xx; the same idempotency key on every try; the provider's error text kept,
// cleaned, for errorInfo.
func TestCallerRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		script   []int
		header   http.Header
		body     string
		tries    int
		kind     CallErrorKind // 0: success
		waitsMin []time.Duration
		message  string
	}{
		{name: "ok", script: []int{201}, tries: 1},
		{name: "5xx then ok", script: []int{500, 503, 200}, tries: 3, waitsMin: []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}},
		{name: "5xx every time", script: []int{502}, tries: 3, kind: Unreachable, message: "Bad Gateway"},
		{name: "429 with Retry-After", script: []int{429, 200}, header: http.Header{"Retry-After": {"2"}}, tries: 2, waitsMin: []time.Duration{2 * time.Second}},
		{name: "429 with a long Retry-After", script: []int{429, 200}, header: http.Header{"Retry-After": {"3600"}}, tries: 2, waitsMin: []time.Duration{5 * time.Second}},
		{name: "4xx", script: []int{422, 200}, body: `{"error":{"message":"mandate\ncancelled"}}`, tries: 1, kind: Rejected, message: "mandate cancelled"},
		{name: "bad credentials", script: []int{401, 200}, tries: 1, kind: Refused, message: "Unauthorized"},
		{name: "a redirect is not followed", script: []int{302, 200}, header: http.Header{"Location": {"http://elsewhere.invalid/"}}, tries: 1, kind: Rejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{script: tc.script, header: tc.header, body: tc.body}
			srv := httptest.NewServer(f)
			defer srv.Close()
			var waits []time.Duration
			c := &Caller{Wait: recordWaits(&waits), Message: func(b []byte) string {
				if i := strings.Index(string(b), `"message":"`); i >= 0 {
					rest := string(b[i+11:])
					return strings.ReplaceAll(rest[:strings.Index(rest, `"`)], `\n`, "\n")
				}
				return ""
			}}
			resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/payments",
				Header: http.Header{"Idempotency-Key": {IdempotencyKey("payment", 9002, "create")}}, Body: []byte(`{}`)})
			if len(f.keys) != tc.tries {
				t.Errorf("%d tries, want %d", len(f.keys), tc.tries)
			}
			for _, k := range f.keys {
				if k != "elevate-payment-9002-create" {
					t.Errorf("a try carried Idempotency-Key %q", k)
				}
			}
			var ce *CallError
			switch {
			case tc.kind == 0 && (err != nil || resp == nil || resp.Status/100 != 2):
				t.Fatalf("want success, got %v %v", resp, err)
			case tc.kind != 0 && (!errors.As(err, &ce) || ce.Kind != tc.kind || ce.Tries != tc.tries):
				t.Fatalf("got %#v, want kind %d after %d tries", err, tc.kind, tc.tries)
			case tc.kind != 0 && tc.message != "" && ce.Message != tc.message:
				t.Errorf("message %q, want %q", ce.Message, tc.message)
			}
			if len(waits) != len(f.keys)-1 {
				t.Errorf("waited %d times for %d tries", len(waits), len(f.keys))
			}
			for i, w := range tc.waitsMin {
				if i >= len(waits) || waits[i] < w || waits[i] > w*5/3 {
					t.Errorf("wait %d = %v, want about %v", i, waits, w)
				}
			}
		})
	}
}

// TestCallerNetworkErrors: a provider that cannot be reached or does not answer in time is
// Unreachable (retryable later); the call's context bounds it.
func TestCallerNetworkErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nothing listens there now
	var waits []time.Duration
	c := &Caller{Wait: recordWaits(&waits)}
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: url})
	var ce *CallError
	if !errors.As(err, &ce) || ce.Kind != Unreachable || ce.Tries != 3 || ce.Message != "network error" || !ce.Retryable() {
		t.Errorf("closed port: %#v", err)
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	c = &Caller{HTTP: &http.Client{Timeout: 100 * time.Millisecond}, Wait: recordWaits(&waits)}
	_, err = c.Do(context.Background(), Request{Method: "GET", URL: slow.URL})
	if !errors.As(err, &ce) || ce.Kind != Unreachable || ce.Message != "timeout" {
		t.Errorf("slow provider: %#v", err)
	}
	if !strings.HasPrefix(err.Error(), "payment provider error: ") {
		t.Errorf("error text %q", err.Error())
	}
}

// TestCallerBoundsTheResponse: a response larger than MaxResponse is not read whole.
func TestCallerBoundsTheResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", MaxResponse+10)))
	}))
	defer srv.Close()
	_, err := (&Caller{}).Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	var ce *CallError
	if !errors.As(err, &ce) || ce.Kind != Rejected {
		t.Errorf("a 4 MiB+ response: %v", err)
	}
}
