package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
)

// statusOf maps an error code to its HTTP status: the one place this mapping exists.
var statusOf = map[string]int{
	ep.EINVALID:        http.StatusBadRequest,
	ep.EUNAUTHORIZED:   http.StatusUnauthorized,
	ep.EFORBIDDEN:      http.StatusForbidden,
	ep.ENOTFOUND:       http.StatusNotFound,
	ep.ECONFLICT:       http.StatusConflict,
	ep.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	ep.EUNSUPPORTED:    http.StatusUnsupportedMediaType,
	ep.ENOTACCEPTABLE:  http.StatusNotAcceptable,
	ep.ENOTIMPLEMENTED: http.StatusNotImplemented,
	ep.EPROVIDER:       http.StatusBadGateway,
	ep.EINTERNAL:       http.StatusInternalServerError,
}

// errorBody is the error body of spec §2.9.
type errorBody struct {
	Timestamp string          `json:"timestamp"`
	Status    int             `json:"status"`
	Error     string          `json:"error"`
	Message   string          `json:"message"`
	Path      string          `json:"path"`
	Errors    []ep.FieldError `json:"errors,omitempty"`
}

// asError turns any error into an *ep.Error: query grammar errors become validation errors,
// anything unknown an internal error (whose details are logged, never shown).
func asError(err error) *ep.Error {
	var e *ep.Error
	if errors.As(err, &e) {
		return e
	}
	var qe *query.Error
	if errors.As(err, &qe) {
		return &ep.Error{Code: ep.EINVALID, Message: qe.Message, Fields: []ep.FieldError{{Field: qe.Param, Message: qe.Message}}}
	}
	return &ep.Error{Code: ep.EINTERNAL, Message: "internal error"}
}

// clientGone reports whether err is the end of r's context, cancelled because its client
// closed the connection: what the request did was rolled back with it.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled)
}

// writeError writes err as the standard error body.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 && e.Code == ep.EINTERNAL && clientGone(r, err) {
		// The client went away (its connection closed) and the request's statements were
		// cancelled with it: not a fault of the server, and nobody reads the answer.
		s.log.Warn("request cancelled by the client", "request_id", requestID(r), "method", clip(r.Method, maxLoggedMethod), "path", clip(r.URL.Path, maxLoggedPath), "error", err.Error())
	} else if status >= 500 && e.Code == ep.EINTERNAL {
		s.log.Error("request failed", "request_id", requestID(r), "method", clip(r.Method, maxLoggedMethod), "path", clip(r.URL.Path, maxLoggedPath), "error", err.Error())
	}
	writeErrorStatus(w, r, status, e.Message, e.Fields)
}

func writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, message string, fields []ep.FieldError) {
	body := errorBody{
		Timestamp: time.Now().UTC().Format(time.RFC3339),
		Status:    status,
		Error:     http.StatusText(status),
		Message:   message,
		Path:      r.URL.Path,
		Errors:    fields,
	}
	b, err := json.Marshal(body)
	if err != nil {
		slog.Error("encode error body", "error", err)
		b = []byte(`{"status":500,"error":"Internal Server Error","message":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Del("Location")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
