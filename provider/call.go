package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The limits of one call to a provider (spec §6.16).
const (
	ConnectTimeout = 5 * time.Second  // to open the connection
	CallTimeout    = 30 * time.Second // the whole call, its retries included
	CallTries      = 3                // tries within one call
	// MaxResponse bounds what is read of a provider's response.
	MaxResponse = 4 << 20
	// maxRetryAfter bounds how long a 429's Retry-After may make a call wait.
	maxRetryAfter = 5 * time.Second
)

// backoff is the wait before each retry within a call: about 0.5 s, then 1 s (the third try's
// wait; a fourth would be 2 s), each ±25 %.
var backoff = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}

// NewHTTPClient is the HTTP client of provider calls: 5 s to connect, 30 s for a call.
func NewHTTPClient() *http.Client {
	d := &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: CallTimeout,
		Transport: &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: ConnectTimeout, ResponseHeaderTimeout: CallTimeout,
			MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true},
		// A provider API never redirects; following one could send credentials elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CallErrorKind is how a provider call failed, which decides what the engine does (§6.5 rows
// 3 and 5, §6.16).
type CallErrorKind int

// The kinds of call failures.
const (
	// Unreachable: network errors, time-outs, 5xx or 429 after every try. The job may retry later.
	Unreachable CallErrorKind = iota + 1
	// Refused: the provider refused our credentials (401, 403). Retrying cannot help.
	Refused
	// Rejected: the provider refused the request itself (another 4xx). Never retried.
	Rejected
)

// CallError is a failed provider call. Message is the provider's own error text, for
// errorInfo; it never holds credentials or the whole response.
type CallError struct {
	Kind    CallErrorKind
	Status  int    // the HTTP status of the last try; 0 when none came back
	Message string // short, printable
	Tries   int
}

func (e *CallError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("payment provider error: %d %s", e.Status, e.Message)
	}
	return "payment provider error: " + e.Message
}

// Retryable reports whether a later attempt of the job may succeed.
func (e *CallError) Retryable() bool { return e.Kind == Unreachable }

// Request is one provider call: its method, URL, headers (credentials, the idempotency key) and
// body, sent again as they are on a retry.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is a provider's successful (2xx) answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Caller makes provider calls with the retries of §6.16: up to CallTries tries, retried on
// network errors, time-outs, 5xx and 429 (waiting for a 429's Retry-After, up to 5 s), never on
// another 4xx.
type Caller struct {
	HTTP *http.Client // NewHTTPClient() when nil
	// Wait is how the caller sleeps between tries; a timer honouring ctx when nil (tests shorten it).
	Wait func(ctx context.Context, d time.Duration) error
	// Message extracts a provider's error text from an error response's body; the status text
	// when nil or when it finds none.
	Message func(body []byte) string
}

// Do makes the call.
func (c *Caller) Do(ctx context.Context, r Request) (*Response, error) {
	cl := c.HTTP
	if cl == nil {
		cl = NewHTTPClient()
	}
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	var last *tryError
	for try := 1; try <= CallTries; try++ {
		if try > 1 {
			wait := jitter(backoff[try-2])
			if last.Status == http.StatusTooManyRequests && last.retryAfter > 0 {
				wait = last.retryAfter
			}
			if err := c.wait(ctx, wait); err != nil {
				return nil, &CallError{Kind: Unreachable, Status: last.Status, Message: "timeout", Tries: try - 1}
			}
		}
		resp, err := c.once(ctx, cl, r)
		if err == nil {
			return resp, nil
		}
		last = err
		last.Tries = try
		if last.Kind != Unreachable {
			return nil, last.CallError
		}
	}
	return nil, last.CallError
}

// tryError is a try's failure, with a 429's Retry-After.
type tryError struct {
	*CallError
	retryAfter time.Duration
}

func (c *Caller) once(ctx context.Context, cl *http.Client, r Request) (*Response, *tryError) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, &tryError{CallError: &CallError{Kind: Rejected, Message: "bad request: " + err.Error()}}
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	resp, err := cl.Do(req)
	if err != nil {
		msg := "network error"
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			msg = "timeout"
		}
		return nil, &tryError{CallError: &CallError{Kind: Unreachable, Message: msg}}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return nil, &tryError{CallError: &CallError{Kind: Unreachable, Status: resp.StatusCode, Message: "the response was cut off"}}
	}
	if len(body) > MaxResponse {
		return nil, &tryError{CallError: &CallError{Kind: Rejected, Status: resp.StatusCode, Message: "response larger than 4 MiB"}}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
	}
	e := &CallError{Status: resp.StatusCode, Message: c.message(resp.StatusCode, body)}
	te := &tryError{CallError: e}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = Unreachable
		te.retryAfter = retryAfter(resp.Header.Get("Retry-After"))
	case resp.StatusCode >= 500:
		e.Kind = Unreachable
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.Kind = Refused
	default:
		e.Kind = Rejected
	}
	return nil, te
}

func (c *Caller) wait(ctx context.Context, d time.Duration) error {
	if c.Wait != nil {
		return c.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// message is the provider's error text, printable and at most 255 characters.
func (c *Caller) message(status int, body []byte) string {
	msg := ""
	if c.Message != nil {
		msg = c.Message(body)
	}
	if strings.TrimSpace(msg) == "" {
		msg = http.StatusText(status)
	}
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	if r := []rune(msg); len(r) > 255 {
		msg = string(r[:255])
	}
	return msg
}

// retryAfter reads a Retry-After of whole seconds, bounded; 0 when absent or unreadable.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, maxRetryAfter)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// jitter spreads d by ±25 %.
func jitter(d time.Duration) time.Duration {
	return d*3/4 + time.Duration(rand.Int64N(int64(d)/2+1))
}

// IdempotencyKey is the key of a provider create call for our record (§6.16): the same for
// every retry of the same call, so a retried or crashed job can never create twice.
func IdempotencyKey(record string, id int64, action string) string {
	return "elevate-" + record + "-" + strconv.FormatInt(id, 10) + "-" + action
}
