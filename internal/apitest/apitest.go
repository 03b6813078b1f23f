// Package apitest runs the whole elevatepay HTTP server on loopback against a real database
// for tests, with a client that validates EVERY response it receives against api/openapi.yaml.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// Secret is the HS256 secret test servers use.
const Secret = "test-secret-of-at-least-thirty-two-bytes!!"

// Brand is the brand test servers expect on POST /v1/authenticate.
const Brand = "acme-energy"

// Env is one running server.
type Env struct {
	t      testing.TB
	URL    string
	Store  store.Store
	Svc    *service.Service
	Tokens *auth.Tokens
	Server *httpapi.Server
	Client *http.Client
	// Offset shifts the server's clock (idempotency retention tests).
	Offset atomic.Int64
}

// Engines are the databases every HTTP test runs on.
var Engines = []string{"sqlite", "postgres"}

// New starts a server on a fresh database of the engine ("sqlite" or "postgres").
func New(t testing.TB, engine string) *Env {
	t.Helper()
	return Start(t, OpenStore(t, engine, Location(t, engine)))
}

// Location returns where a fresh database of the engine lives: a SQLite file path, or the URL
// of a new PostgreSQL schema (dropped after the test).
func Location(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "test.db")
	case "postgres":
		return testdb.PostgresSchemaURL(t)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// OpenStore opens the migrated store of the engine at location (from Location); several
// stores, in this process or others, may share one location as server replicas do.
func OpenStore(t testing.TB, engine, location string) store.Store {
	t.Helper()
	if engine == "sqlite" {
		return testdb.SQLiteAt(t, location)
	}
	return testdb.PostgresAt(t, location)
}

// init lowers the bcrypt cost of the whole test binary before any test runs: a test server
// stores passwords at the minimum cost, and tests running in parallel never write auth.Cost.
func init() { auth.Cost = bcrypt.MinCost }

// Start starts a server on st.
func Start(t testing.TB, st store.Store) *Env {
	t.Helper()
	tokens, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte(Secret)})
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{Store: st, Tokens: tokens, Brand: Brand}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	e := &Env{t: t, Store: st, Svc: svc, Tokens: tokens}
	now := func() time.Time { return time.Now().Add(time.Duration(e.Offset.Load())) }
	srv, err := httpapi.NewServer(httpapi.Config{Service: svc, Store: st, Tokens: tokens, Logger: logger, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	e.URL, e.Server = "http://"+ln.Addr().String(), srv
	e.Client = &http.Client{Transport: &validating{t: t, next: transport}, Timeout: 60 * time.Second}
	t.Cleanup(func() {
		// Close the client's spare connections first: the server would otherwise wait for
		// connections that never sent a request until it counts them idle (5 s).
		transport.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	})
	return e
}

// ForEachEngine runs fn as a subtest on every engine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, e *Env)) {
	forEachEngine(t, false, fn)
}

// ForEachEngineParallel is ForEachEngine with the engines' subtests run in parallel (with each
// other and with the package's other parallel tests): each has its own server and database.
func ForEachEngineParallel(t *testing.T, fn func(t *testing.T, e *Env)) {
	forEachEngine(t, true, fn)
}

func forEachEngine(t *testing.T, parallel bool, fn func(t *testing.T, e *Env)) {
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			fn(t, New(t, engine))
		})
	}
}

// validating is a RoundTripper that checks every response against the contract.
type validating struct {
	t    testing.TB
	next http.RoundTripper
}

func (v *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := validateResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		v.t.Errorf("contract violation: %v", err)
	}
	Validated.Add(1)
	return resp, nil
}

// Token mints a token for p valid for 15 minutes.
func (e *Env) Token(p auth.Principal) string {
	e.t.Helper()
	tok, err := e.Tokens.Issue(p, 15*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// AdminToken is a token with every scope for every contract owner.
func (e *Env) AdminToken() string {
	return e.Token(auth.Principal{Subject: "test-admin", Admin: true, Scopes: []string{auth.ScopeAdmin}})
}

// OwnerToken is a token for the given contract owners with the given scopes (all when none).
func (e *Env) OwnerToken(owners []int32, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{auth.ScopeAdmin}
	}
	return e.Token(auth.Principal{Subject: "owner-user", ContractOwnerIDs: owners, Scopes: scopes})
}

// Response is a received response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body (numbers as json.Number).
func (r *Response) JSON(t testing.TB) any {
	t.Helper()
	v, err := decodeJSON(r.Body)
	if err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, r.Body)
	}
	return v
}

// Object decodes the body as a JSON object.
func (r *Response) Object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.JSON(t).(map[string]any)
	if !ok {
		t.Fatalf("response is not a JSON object: %s", r.Body)
	}
	return m
}

// Array decodes the body as a JSON array of objects.
func (r *Response) Array(t testing.TB) []map[string]any {
	t.Helper()
	a, ok := r.JSON(t).([]any)
	if !ok {
		t.Fatalf("response is not a JSON array: %s", r.Body)
	}
	out := make([]map[string]any, len(a))
	for i, x := range a {
		out[i], _ = x.(map[string]any)
	}
	return out
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// Request is one request to send.
type Request struct {
	Method      string
	Path        string
	Token       string
	Body        any // marshalled as JSON unless []byte or string
	ContentType string
	Header      map[string]string
}

// Do sends a request and returns the response.
func (e *Env) Do(r Request) *Response {
	e.t.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(r.Method, e.URL+r.Path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Body != nil {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
			if r.Method == http.MethodPatch {
				ct = "application/json-patch+json"
			}
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Get is Do with GET.
func (e *Env) Get(token, path string) *Response {
	e.t.Helper()
	return e.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

// Post is Do with POST and a JSON body.
func (e *Env) Post(token, path string, body any) *Response {
	e.t.Helper()
	return e.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

// Patch is Do with PATCH and a JSON Patch body.
func (e *Env) Patch(token, path string, body any) *Response {
	e.t.Helper()
	return e.Do(Request{Method: http.MethodPatch, Path: path, Token: token, Body: body})
}

// Want fails the test unless the response has the status.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// PrincipalFor is a principal named sub for one contract owner with every scope.
func (e *Env) PrincipalFor(sub string, owner int32) auth.Principal {
	return auth.Principal{Subject: sub, ContractOwnerIDs: []int32{owner}, Scopes: []string{auth.ScopeAdmin}}
}
