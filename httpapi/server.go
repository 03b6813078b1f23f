// Package httpapi is the HTTP edge of elevatepay: routing, middleware (request id, logging,
// metrics, authentication, scopes, idempotency, limits), decoding and validation against the
// contract (api/openapi.yaml), and encoding. Handlers never touch SQL; they call the service.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/apidocs"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// Config holds what the server needs.
type Config struct {
	Service *service.Service
	Store   store.Store
	Tokens  *auth.Tokens
	Logger  *slog.Logger
	// Registry receives the server's metrics; a new registry when nil.
	Registry *prometheus.Registry
	// Now is the clock (idempotency retention); time.Now when nil.
	Now func() time.Time
}

// Server is the HTTP API.
type Server struct {
	svc      *service.Service
	store    store.Store
	tokens   *auth.Tokens
	log      *slog.Logger
	contract *contract
	mux      *http.ServeMux
	labels   map[string]string // route label (metrics, log) by mux pattern
	root     http.Handler
	docs     []byte
	now      func() time.Time
	metrics  *metrics
	registry *prometheus.Registry
	large    largeBodies
}

// NewServer builds the HTTP handler of the whole service.
func NewServer(cfg Config) (*Server, error) {
	c, err := loadContract()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: cfg.Service, store: cfg.Store, tokens: cfg.Tokens, log: cfg.Logger, contract: c, now: cfg.Now, registry: cfg.Registry,
		large: largeBodies{slots: make(chan struct{}, MaxLargeBodies)}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.registry, cfg.Store)
	if s.docs, err = apidocs.Render(c.Doc, apidocs.Options{NotImplemented: s.NotImplemented()}); err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	if err := s.routes(); err != nil {
		return nil, err
	}
	s.root = s.middleware(http.HandlerFunc(s.dispatch))
	return s, nil
}

// ServeHTTP serves every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.root.ServeHTTP(w, r) }

// dispatch serves root routes and /v1 routes, answering unknown routes (404) and wrong
// methods (405 with Allow) with the standard error body. A path ServeMux would clean (//, /./,
// /../, a trailing /.) is unknown too: the mux would answer it with a redirect and an HTML body.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if !canonicalPath(r.URL.EscapedPath()) {
		writeErrorStatus(w, r, http.StatusNotFound, "no route for "+clip(r.URL.Path, maxLoggedPath), nil)
		return
	}
	h, pattern := s.mux.Handler(r)
	if label, ok := s.labels[pattern]; ok {
		if info, _ := r.Context().Value(keyRoute).(*routeInfo); info != nil {
			info.route = label
		}
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := &headerRecorder{header: http.Header{}}
	if pattern == "" { // else a redirect, which is never answered
		h.ServeHTTP(rec, r)
	}
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeErrorStatus(w, r, http.StatusMethodNotAllowed, "method "+clip(r.Method, maxLoggedMethod)+" is not allowed on "+clip(r.URL.Path, maxLoggedPath), nil)
		return
	}
	writeErrorStatus(w, r, http.StatusNotFound, "no route for "+clip(r.URL.Path, maxLoggedPath), nil)
}

// canonicalPath reports whether ServeMux would serve the (escaped) path as it is rather than
// redirect to its cleaned form (net/http's cleanPath).
func canonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// headerRecorder captures what ServeMux's own 404/405 handlers would write.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }

// homePage is GET /: where a person who opens the server in a browser can go next.
const homePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>elevatepay</title></head>
<body>
<h1>elevatepay</h1>
<p>A self-hosted payments and refunds service implementing the Elevate Payment and Refund API 1.37. The API lives under <code>/v1</code> and needs a bearer token (<code>POST /v1/authenticate</code>).</p>
<ul>
<li><a href="/docs">/docs</a>: the API documentation</li>
<li><a href="/openapi.yaml">/openapi.yaml</a>: the OpenAPI description</li>
<li><a href="/healthz">/healthz</a>: liveness</li>
</ul>
</body>
</html>
`

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, homePage)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeErrorStatus(w, r, http.StatusServiceUnavailable, "database unreachable", nil)
		return
	}
	ok, err := s.store.MigrationsCurrent(ctx)
	if err != nil || !ok {
		writeErrorStatus(w, r, http.StatusServiceUnavailable, "database migrations are not current", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.store.Engine()})
}

// handleOpenAPI serves the contract: as text/plain to a browser, which would download
// application/yaml instead of showing it, and as application/yaml to everyone else.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/yaml")
	if prefersText(r.Header.Get("Accept")) {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept")
	_, _ = w.Write(api.OpenAPI)
}

// prefersText reports whether an Accept header ranks text/html or text/plain above YAML.
func prefersText(accept string) bool {
	var text, yaml float64
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, p := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch mt {
		case "text/html", "text/plain", "text/*":
			text = max(text, q)
		case "application/yaml", "application/x-yaml", "text/yaml", "application/*", "*/*":
			yaml = max(yaml, q)
		}
	}
	return text > 0 && text > yaml
}

func (s *Server) handleDocs(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(s.docs)
}

func (s *Server) handleMetrics() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyRoute
)

// requestID returns the request's id.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// routeInfo lets handlers deeper in the chain tell the logging middleware which route served
// the request and who the caller was.
type routeInfo struct {
	route   string
	subject string
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// middleware wraps every request: request id, panic recovery, access log and metrics.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &routeInfo{route: "unmatched"}
		ctx := context.WithValue(context.WithValue(r.Context(), keyRequestID, id), keyRoute, info)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", id, "method", clip(r.Method, maxLoggedMethod), "path", clip(r.URL.Path, maxLoggedPath), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeErrorStatus(sw, r, http.StatusInternalServerError, "internal error", nil)
				}
			}
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.observe(info.route, r.Method, status, d)
			s.log.Info("request", "request_id", id, "method", clip(r.Method, maxLoggedMethod), "path", clip(r.URL.Path, maxLoggedPath), "route", info.route,
				"status", status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "subject", clip(info.subject, 256),
				"remote", r.RemoteAddr)
		}()
		next.ServeHTTP(sw, r)
	})
}

// Untrusted text that reaches logs and error messages is cut to these many bytes (issue 6:
// invented 50 KB method names were logged and labelled whole).
const (
	maxLoggedMethod = 32
	maxLoggedPath   = 512
)

// clip cuts s to at most n bytes (on a character boundary), saying how long it was.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// acceptsJSON reports whether the Accept header allows application/json (spec §2.3: else 406).
func acceptsJSON(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, p := range fields[1:] {
			p = strings.TrimSpace(p)
			if strings.HasPrefix(p, "q=") {
				if v, err := strconv.ParseFloat(p[2:], 64); err == nil {
					q = v
				}
			}
		}
		if q > 0 && (mt == "application/json" || mt == "application/*" || mt == "*/*") {
			return true
		}
	}
	return false
}

type metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	webhookEvents *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, st store.Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elevatepay_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "elevatepay_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	m.webhookEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "elevatepay_webhook_events_total", Help: "Events of accepted provider webhooks: stored (new) or repeated (delivered before, ignored).",
	}, []string{"outcome"})
	reg.MustRegister(m.requests, m.duration, m.webhookEvents, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if st != nil {
		gauge := func(name, help string, f func(store.PoolStats) float64) {
			reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(st.Stats()) }))
		}
		gauge("elevatepay_db_connections_open", "Open database connections.", func(p store.PoolStats) float64 { return float64(p.Open) })
		gauge("elevatepay_db_connections_in_use", "Database connections in use.", func(p store.PoolStats) float64 { return float64(p.InUse) })
		gauge("elevatepay_db_connections_idle", "Idle database connections.", func(p store.PoolStats) float64 { return float64(p.Idle) })
		gauge("elevatepay_db_connection_waits_total", "Times a request waited for a database connection.", func(p store.PoolStats) float64 { return float64(p.WaitCount) })
	}
	return m
}

// knownMethods are the methods labelled by name; any other request method is "OTHER", so
// invented methods cannot add series (issue 6).
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodConnect: true, http.MethodOptions: true, http.MethodTrace: true,
}

// observe counts one request. Every label has a fixed set of values: route is a registered
// pattern or "unmatched" (set by the server, never from the request), method a known method
// or OTHER, status a three-digit code (net/http refuses any other).
func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if !knownMethods[method] {
		method = "OTHER"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}
