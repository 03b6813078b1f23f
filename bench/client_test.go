package bench

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestClientReadsWhatNetHTTPWrites: the load generator's client against net/http's server on
// loopback: fixed-length and chunked bodies, an error body kept, headers sent, keep-alive reused
// and a closed connection redialled.
func TestClientReadsWhatNetHTTPWrites(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/fixed":
			w.Write([]byte("ok:" + string(body) + ":" + r.Header.Get("Idempotency-Key") + ":" + r.Header.Get("Content-Type")))
		case "/chunked":
			for range 3 {
				w.Write([]byte(strings.Repeat("x", 5000)))
				w.(http.Flusher).Flush()
			}
		case "/close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		default:
			http.Error(w, "nothing at "+r.URL.Path, http.StatusNotFound)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	cl := newClient(&server{base: srv.URL, token: "tok"})
	defer cl.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		r      request
		status int
		body   string // kept only for a status other than 2xx
	}{
		{request{method: "POST", path: "/fixed", body: []byte(`{"a":1}`), key: "k1"}, 200, ""},
		{request{method: "GET", path: "/chunked"}, 200, ""},
		{request{method: "GET", path: "/missing"}, 404, "nothing at /missing\n"},
		{request{method: "GET", path: "/close"}, 200, ""},
		{request{method: "GET", path: "/chunked"}, 200, ""},
	} {
		status, body, err := cl.do(ctx, tc.r)
		if err != nil || status != tc.status || string(body) != tc.body {
			t.Fatalf("%s %s: %d %q %v, want %d %q", tc.r.method, tc.r.path, status, body, err, tc.status, tc.body)
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one kept alive until the server closed it, then one more)", n)
	}
}

// TestClientRefusesMalformedResponses: a response the client cannot frame is an error, never a
// success.
func TestClientRefusesMalformedResponses(t *testing.T) {
	for _, resp := range []string{
		"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for { // the request's head
				line, err := r.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
			}
			io.WriteString(c, resp)
		}()
		cl := newClient(&server{base: "http://" + ln.Addr().String(), token: "tok"})
		status, _, err := cl.do(context.Background(), request{method: "GET", path: "/"})
		cl.close()
		ln.Close()
		if err == nil {
			t.Errorf("response %q: status %d and no error", resp, status)
		} else if !errors.Is(err, errFraming) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Errorf("response %q: %v, want a framing error", resp, err)
		}
	}
}
