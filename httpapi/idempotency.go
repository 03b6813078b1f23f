package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/store"
)

// IdempotencyRetention is how long a key and its response are kept (spec §2.14).
const IdempotencyRetention = 24 * time.Hour

// IdempotencyStale is how long a key may stay in progress without its request having executed
// before a retry may take it over: longer than any request can run (the server's write timeout
// is 60 s), so the first request is certainly gone.
const IdempotencyStale = 2 * time.Minute

// replayHeaders are the response headers stored and replayed with the body.
var replayHeaders = []string{"Content-Type", "Location"}

func validIdempotencyKey(k string) bool {
	if len(k) < 1 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// Fingerprint hashes method, path and the canonical form of the body (keys sorted, numbers
// normalised) so the same request written differently matches (OP-36).
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	if v, err := parseJSON(body); err == nil {
		canon, _ := json.Marshal(canonical(v))
		h.Write(canon)
	} else {
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func canonical(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = canonical(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = canonical(x)
		}
		return t
	case json.Number:
		if d, err := money.ParseJSON([]byte(t)); err == nil {
			return json.Number(d.String())
		}
	}
	return v
}

// bufferedWriter holds a response until the handler is done.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// idempotent runs the request at most once per (subject, Idempotency-Key) and replays the
// stored response to repeats (spec §2.14).
func (s *Server) idempotent(c *call, run func(http.ResponseWriter)) {
	w, r := c.w, c.r
	key := r.Header.Get("Idempotency-Key")
	if !validIdempotencyKey(key) {
		s.writeError(w, r, ep.Invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters"))
		return
	}
	now := s.now().UTC()
	rec := &store.IdempotencyRecord{Subject: c.p.Subject, Key: key, Fingerprint: Fingerprint(r.Method, r.URL.Path, c.body), CreatedAt: now.Unix()}
	var existing *store.IdempotencyRecord
	err := s.store.Tx(r.Context(), func(tx store.Tx) error {
		var err error
		existing, err = tx.IdempotencyBegin(rec)
		if err != nil || existing == nil {
			return err
		}
		if existing.CreatedAt < now.Add(-IdempotencyRetention).Unix() {
			// Expired: forget it and start afresh.
			if err := tx.IdempotencyRelease(rec.Subject, rec.Key); err != nil {
				return err
			}
			existing, err = tx.IdempotencyBegin(rec)
		}
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if existing != nil && !existing.Completed && !existing.Executed && existing.Fingerprint == rec.Fingerprint &&
		existing.CreatedAt < now.Add(-IdempotencyStale).Unix() {
		// The request that took the key died before its transaction committed: run it now.
		var won bool
		err := s.store.Tx(r.Context(), func(tx store.Tx) error {
			var err error
			won, err = tx.IdempotencyTakeOver(rec, existing.CreatedAt)
			return err
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if won {
			existing = nil
		}
	}
	if existing != nil {
		switch {
		case existing.Fingerprint != rec.Fingerprint:
			s.writeError(w, r, ep.Errorf(ep.ECONFLICT, "Idempotency-Key was already used with a different request"))
		case !existing.Completed && existing.Executed && existing.CreatedAt < now.Add(-IdempotencyStale).Unix():
			// Executed long ago and never completed: the request died after its commit.
			s.writeError(w, r, ep.Errorf(ep.ECONFLICT, "the request with this Idempotency-Key was executed but its response was not recorded; look the result up instead of retrying"))
		case !existing.Completed:
			s.writeError(w, r, ep.Errorf(ep.ECONFLICT, "request with this Idempotency-Key is in progress"))
		default:
			var hdr map[string][]string
			_ = json.Unmarshal([]byte(existing.Header), &hdr)
			for k, vs := range hdr {
				for _, v := range vs {
					w.Header().Add(k, v)
				}
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(existing.Status)
			_, _ = w.Write(existing.Body)
		}
		return
	}

	buf := &bufferedWriter{header: http.Header{}}
	defer func() {
		// A panic or a response that may be retried releases the key (401, 403 and 5xx are not kept).
		if p := recover(); p != nil {
			_ = s.store.Tx(r.Context(), func(tx store.Tx) error { return tx.IdempotencyRelease(rec.Subject, rec.Key) })
			panic(p)
		}
	}()
	// The request's write transaction marks the key executed atomically with its effects.
	c.r = r.WithContext(store.WithIdempotencyMark(r.Context(), store.IdempotencyMark{Subject: rec.Subject, Key: rec.Key}))
	run(buf)
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	keep := status != http.StatusUnauthorized && status != http.StatusForbidden && status < 500
	err = s.store.Tx(r.Context(), func(tx store.Tx) error {
		if !keep {
			return tx.IdempotencyRelease(rec.Subject, rec.Key)
		}
		hdr := map[string][]string{}
		for _, k := range replayHeaders {
			if v := buf.header.Values(k); len(v) > 0 {
				hdr[k] = v
			}
		}
		hb, _ := json.Marshal(hdr)
		rec.Completed, rec.Status, rec.Header, rec.Body = true, status, string(hb), buf.body.Bytes()
		return tx.IdempotencyComplete(rec)
	})
	if err != nil {
		s.log.Error("store idempotent response", "request_id", requestID(r), "error", err.Error())
	}
	for k, vs := range buf.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.body.Bytes())
}
