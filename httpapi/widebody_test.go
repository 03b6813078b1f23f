package httpapi_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// wideArray is a JSON array of n zeros.
func wideArray(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("0,", n), ",") + "]"
}

// TestBodyValueCount: a body holding more than MaxValues values is refused before it is
// decoded (decoding costs about 200 bytes a value: a 1 MiB flat array cost 100 MB); up to the
// bound it is decoded and validated as usual.
func TestBodyValueCount(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		want := fmt.Sprintf("request body holds more than %d values", httpapi.MaxValues)
		for name, body := range map[string]string{
			"array":        wideArray(httpapi.MaxValues + 1),
			"half a MiB":   wideArray(1<<19 - 1),
			"object value": `{"brand":"x","username":` + wideArray(httpapi.MaxValues+1) + `,"password":"p"}`,
		} {
			t.Run(name, func(t *testing.T) {
				for _, tok := range []string{"", e.AdminToken()} {
					path := "/v1/authenticate"
					if tok != "" {
						path = "/v1/customers"
					}
					if m := errorBody(t, e.Post(tok, path, body), 400); m["message"] != want {
						t.Errorf("%s: message %q, want %q", path, m["message"], want)
					}
				}
			})
		}
		// At the bound the body is decoded and judged by the schema.
		m := errorBody(t, e.Post("", "/v1/authenticate", wideArray(httpapi.MaxValues-1)), 400)
		if m["message"] == want {
			t.Errorf("a body within the bound was refused for its size")
		}
	})
}

// TestLargeBodiesGated: however many large bodies arrive at once, at most MaxLargeBodies are
// decoded at a time (each may cost about 20 MB); every request still gets its answer, and
// requests with small bodies are not held up by the gate.
func TestLargeBodiesGated(t *testing.T) {
	// Not parallel: measures the large-body gate (LargeBodiesPeak, in-flight bodies) under a burst of large bodies.
	e := apitest.New(t, "sqlite")
	body := []byte(`{"brand":"x","username":` + wideArray(httpapi.MaxValues-10) + `,"password":"p"}`)
	if len(body) <= httpapi.LargeBody {
		t.Fatalf("test body of %d bytes is not large", len(body))
	}
	var wg sync.WaitGroup
	statuses := make(chan int, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := e.Client.Post(e.URL+"/v1/authenticate", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	// Small requests go through while the large ones queue.
	for range 5 {
		e.Get(e.AdminToken(), "/v1/currencies?page=1&pageSize=10").Want(t, http.StatusOK)
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 400 {
			t.Errorf("a large invalid body answered %d", s)
		}
	}
	if p := e.Server.LargeBodiesPeak(); p < 1 || p > httpapi.MaxLargeBodies {
		t.Errorf("%d large bodies were processed at once, want 1 to %d", p, httpapi.MaxLargeBodies)
	}
}

// TestBadShapeRefusedWhileArriving: a body that nests too deeply is refused as soon as the
// offending byte arrives; the server does not wait for (or buffer) the rest of a 1 MiB body.
func TestBadShapeRefusedWhileArriving(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/authenticate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", httpapi.MaxBody, strings.Repeat("[", 64))
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the rest of the body was sent: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "levels deep") {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
}

// TestControlCharacterErrorsCapped: control characters in many fields are reported like any
// other validation errors: 20 listed, the total in the message (a body of 40,000 keys with
// NUL once listed every one of them).
func TestControlCharacterErrorsCapped(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		var b strings.Builder
		b.WriteString("{")
		for i := range 40000 {
			fmt.Fprintf(&b, `"k%05d":"\u0000",`, i)
		}
		b.WriteString(`"brand":"x"}`)
		r := e.Post("", "/v1/authenticate", b.String())
		m := errorBody(t, r, 400)
		if len(r.Body) > 4096 {
			t.Errorf("error body is %d bytes", len(r.Body))
		}
		if errs, _ := m["errors"].([]any); len(errs) != httpapi.MaxFieldErrors {
			t.Errorf("%d errors listed, want %d", len(errs), httpapi.MaxFieldErrors)
		}
		if want := "Validation failed for 40000 fields (first 20 listed): k00000 contains a control character (U+0000)"; m["message"] != want {
			t.Errorf("message %q, want %q", m["message"], want)
		}
	})
}
