package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync/atomic"
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
	keys := r.Header.Values("Idempotency-Key")
	key := keys[0]
	if len(keys) > 1 || !validIdempotencyKey(key) {
		s.writeError(w, r, ep.Invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters"))
		return
	}
	now := s.now().UTC()
	rec := &store.IdempotencyRecord{Subject: c.p.Subject, Key: key, Fingerprint: Fingerprint(r.Method, r.URL.Path, c.body), CreatedAt: now.Unix()}
	var existing *store.IdempotencyRecord
	// The claim is one INSERT … ON CONFLICT DO NOTHING committing by itself (Store.Auto: no
	// BEGIN and COMMIT around it), followed on a conflict by the read of the key's record.
	err := s.store.Auto(r.Context(), func(tx store.Tx) error {
		var err error
		existing, err = tx.IdempotencyBegin(rec)
		return err
	})
	if err == nil && existing != nil && existing.CreatedAt < now.Add(-IdempotencyRetention).Unix() {
		// Expired: forget it and start afresh, in one transaction.
		err = s.store.Tx(r.Context(), func(tx store.Tx) error {
			if err := tx.IdempotencyRelease(rec.Subject, rec.Key); err != nil {
				return err
			}
			var err error
			existing, err = tx.IdempotencyBegin(rec)
			return err
		})
	}
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
	mark := &store.IdempotencyMark{Subject: rec.Subject, Key: rec.Key}
	settled := false // the key holds its response, or has been released
	defer func() {
		// A panic before the key is settled rolls back a parked transaction and releases the
		// key: nothing was done. After it is settled the stored response stands.
		if p := recover(); p != nil {
			if !settled {
				if pt := mark.Parked(); pt != nil {
					pt.Rollback()
				}
				s.releaseKey(r, rec)
			}
			panic(p)
		}
	}()
	// The request's write transaction does not commit by itself: it waits on the mark until the
	// response is known and commits together with it, so a committed request always replays.
	c.key = mark
	run(buf)
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	hdr := map[string][]string{}
	for _, k := range replayHeaders {
		if v := buf.header.Values(k); len(v) > 0 {
			hdr[k] = v
		}
	}
	hb, _ := json.Marshal(hdr)
	rec.Status, rec.Header, rec.Body = status, string(hb), buf.body.Bytes()
	// 401, 403 and 5xx are not kept (they may be retried); neither is a response too large to store.
	keep := status != http.StatusUnauthorized && status != http.StatusForbidden && status < 500 && len(rec.Body) <= maxStoredResponse
	if pt := mark.Parked(); pt != nil {
		if keep {
			crashPoint("before-commit")
			err = pt.Commit(rec)
		} else {
			pt.Rollback()
			err = errNotRecorded
		}
		if err != nil {
			// Nothing was committed: release the key so a retry runs the request afresh.
			s.releaseKey(r, rec)
			settled = true
			if clientGone(r, err) {
				s.log.Warn("idempotent request rolled back: its client went away", "request_id", requestID(r), "error", err.Error())
			} else if err != errNotRecorded {
				s.log.Error("commit idempotent request", "request_id", requestID(r), "error", err.Error())
			}
			if status < 500 {
				s.writeError(w, r, err)
				return
			}
		} else {
			settled = true
			crashPoint("after-commit")
		}
	} else {
		// The request wrote nothing: keep its response (or release the key) on its own.
		err = s.store.Tx(context.WithoutCancel(r.Context()), func(tx store.Tx) error {
			if !keep {
				return tx.IdempotencyRelease(rec.Subject, rec.Key)
			}
			rec.Completed = true
			return tx.IdempotencyComplete(rec)
		})
		if err != nil {
			s.log.Error("store idempotent response", "request_id", requestID(r), "error", err.Error())
		}
		settled = true
	}
	for k, vs := range buf.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.body.Bytes())
}

// MaxStoredResponse bounds the response stored for an Idempotency-Key. Responses of operations
// that move money are far smaller; a larger response is never stored, and if it came from a
// write, the write is rolled back and the request answers 500 (nothing happened, retry).
const MaxStoredResponse = 64 << 10

var maxStoredResponse = MaxStoredResponse // lowered by tests

// errNotRecorded: a write whose response could not be recorded was rolled back.
var errNotRecorded = ep.Errorf(ep.EINTERNAL, "the request was rolled back because its response could not be recorded; retry it")

func (s *Server) releaseKey(r *http.Request, rec *store.IdempotencyRecord) {
	ctx := context.WithoutCancel(r.Context())
	if err := s.store.Tx(ctx, func(tx store.Tx) error { return tx.IdempotencyRelease(rec.Subject, rec.Key) }); err != nil {
		s.log.Error("release idempotency key", "request_id", requestID(r), "error", err.Error())
	}
}

// testHook, when set (by tests only), is called at the crash points of a keyed request:
// "before-commit" (the write is done and its response known) and "after-commit".
var testHook atomic.Pointer[func(point string)]

func crashPoint(point string) {
	if f := testHook.Load(); f != nil {
		(*f)(point)
	}
}
