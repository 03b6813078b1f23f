package httpapi_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// crashExit is the exit status of a server process killed at a crash point.
const crashExit = 7

// TestIdempotencyCrash kills a real server process at the two crash points of a keyed money
// movement — just before and just after its transaction commits — and retries the request
// against a server that survived on the same database (spec §2.14, issue 6 item 12):
//   - killed after the commit: the response was stored in the movement's own transaction, so
//     the retry replays it byte for byte and nothing runs twice;
//   - killed before the commit: nothing happened; the key stays "in progress" until it is
//     stale, then one retry takes it over and the payment is made exactly once.
func TestIdempotencyCrash(t *testing.T) {
	// Not parallel: re-executes the test binary (TestIdempotencyCrashChild) as a server process that crashes.
	for _, engine := range apitest.Engines {
		for _, at := range []string{"after-commit", "before-commit"} {
			t.Run(engine+"/"+at, func(t *testing.T) { testIdempotencyCrash(t, engine, at) })
		}
	}
}

func testIdempotencyCrash(t *testing.T, engine, at string) {
	loc := apitest.Location(t, engine)
	e := apitest.Start(t, apitest.OpenStore(t, engine, loc)) // the replica that survives
	w := seedWorld(t, e)
	body := fmt.Sprintf(`{"generatedInvoiceId":%d,"amountInMajorCurrency":7.25,"description":"Cheque 4711","paymentMethod":"CHEQUE"}`, w.mine.invoice)
	paymentsPath := fmt.Sprintf("/v1/invoice-payments?page=1&pageSize=100&generatedInvoiceId=%d", w.mine.invoice)
	before := e.Get(w.admin, paymentsPath).Want(t, 200).Array(t)
	invBefore := e.Get(w.admin, fmt.Sprintf("/v1/invoices/%d", w.mine.invoice)).Want(t, 200).Object(t)

	url := startCrashingServer(t, engine, loc, at)
	req, _ := http.NewRequest("POST", url+"/v1/invoice-payments", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.admin)
	req.Header.Set("Idempotency-Key", "crash-1")
	if resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the crashing server answered %d", resp.StatusCode)
	}

	retry := func() *apitest.Response {
		return e.Do(apitest.Request{Method: "POST", Path: "/v1/invoice-payments", Token: w.admin, Body: body,
			Header: map[string]string{"Idempotency-Key": "crash-1"}})
	}
	var first *apitest.Response
	switch at {
	case "after-commit":
		first = retry().Want(t, 201)
		if first.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a committed request was executed again: %s", first.Body)
		}
	case "before-commit":
		if r := retry().Want(t, 409); !strings.Contains(string(r.Body), "in progress") {
			t.Fatalf("retry while the key may still be running: %s", r.Body)
		}
		e.Offset.Store(int64(httpapi.IdempotencyStale + time.Minute))
		first = retry().Want(t, 201)
		if first.Header.Get("Idempotent-Replayed") == "true" {
			t.Fatal("a request that never committed was replayed")
		}
	}
	again := retry().Want(t, 201)
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) ||
		again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("replays differ:\n%s\n%s", first.Body, again.Body)
	}

	// Exactly one payment of 7.25 was made, and it is the one the replay describes.
	after := e.Get(w.admin, paymentsPath).Want(t, 200).Array(t)
	if len(after) != len(before)+1 {
		t.Fatalf("%d payments after the crash and retries, want %d", len(after), len(before)+1)
	}
	got := first.Object(t)
	stored := e.Get(w.admin, fmt.Sprintf("/v1/invoice-payments/%d", num(t, got["id"]))).Want(t, 200).Object(t)
	if fmt.Sprint(stored["amountInMajorCurrency"]) != "7.25" || fmt.Sprint(got["amountInMajorCurrency"]) != "7.25" || stored["description"] != "Cheque 4711" {
		t.Fatalf("stored payment %v, replayed %v", stored, got)
	}
	invAfter := e.Get(w.admin, fmt.Sprintf("/v1/invoices/%d", w.mine.invoice)).Want(t, 200).Object(t)
	o1, _ := new(big.Rat).SetString(fmt.Sprint(invBefore["outstandingInMajorCurrency"]))
	o2, _ := new(big.Rat).SetString(fmt.Sprint(invAfter["outstandingInMajorCurrency"]))
	if o1 == nil || o2 == nil || new(big.Rat).Sub(o1, o2).Cmp(big.NewRat(725, 100)) != 0 {
		t.Fatalf("outstanding went from %v to %v, want 7.25 less", invBefore["outstandingInMajorCurrency"], invAfter["outstandingInMajorCurrency"])
	}
}

// startCrashingServer runs TestIdempotencyCrashChild in a new process serving the database at
// loc; the process exits at the crash point. It returns the server's URL.
func startCrashingServer(t *testing.T, engine, loc, at string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdempotencyCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EP_CRASH_ENGINE="+engine, "EP_CRASH_DB="+loc, "EP_CRASH_AT="+at)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		select {
		case err := <-exited:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != crashExit {
				t.Errorf("the server process ended with %v, want exit status %d at %s\n%s", err, crashExit, at, stderr.String())
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("the server process did not crash at %s", at)
		}
	})
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "LISTEN "); ok {
			go func() {
				for lines.Scan() {
				}
				exited <- cmd.Wait()
			}()
			return u
		}
	}
	exited <- cmd.Wait()
	t.Fatalf("the server process did not start: %s", stderr.String())
	return ""
}

// TestIdempotencyCrashChild is the server process of TestIdempotencyCrash; it does nothing
// when run on its own.
func TestIdempotencyCrashChild(t *testing.T) {
	// Not parallel: sets the package-wide crash hook (SetCrashHook); it is the child process of TestIdempotencyCrash.
	engine, loc, at := os.Getenv("EP_CRASH_ENGINE"), os.Getenv("EP_CRASH_DB"), os.Getenv("EP_CRASH_AT")
	if engine == "" {
		return
	}
	httpapi.SetCrashHook(func(point string) {
		if point == at {
			os.Exit(crashExit) // no deferred work, no rollback, no response: as kill -9
		}
	})
	e := apitest.Start(t, apitest.OpenStore(t, engine, loc))
	fmt.Println("LISTEN " + e.URL)
	time.Sleep(20 * time.Second)
	t.Fatal("no request reached the crash point")
}

// TestIdempotencyResponseBound: a response larger than the stored bound is never kept. A write
// whose response cannot be kept is rolled back (500, nothing happened); a rejected request's
// oversized answer is simply not stored, so a retry is judged afresh.
func TestIdempotencyResponseBound(t *testing.T) {
	// Not parallel: changes the package-wide bound of stored responses (SetMaxStoredResponse).
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		count := func() string { return e.Get(tok, "/v1/customers?page=1&pageSize=1").Header.Get("X-Total-Count") }
		body := `{"contractOwnerId":7,"customerName":"Bound Ltd","currencyId":1}`
		post := func(key, body string) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: body, Header: map[string]string{"Idempotency-Key": key}})
		}
		httpapi.SetMaxStoredResponse(t, 100)
		if r := post("big", body).Want(t, 500); !strings.Contains(string(r.Body), "rolled back") {
			t.Errorf("unrecordable write: %s", r.Body)
		}
		if n := count(); n != "0" {
			t.Fatalf("%s customers after a rolled-back write, want 0", n)
		}
		bad := `{"contractOwnerId":7,"customerName":"Bound Ltd","currencyId":1,"a1":1,"a2":2,"a3":3,"a4":4}`
		post("bad", bad).Want(t, 400)
		if r := post("bad", bad).Want(t, 400); r.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("an oversized response was stored and replayed")
		}
		httpapi.SetMaxStoredResponse(t, httpapi.MaxStoredResponse)
		first := post("big", body).Want(t, 201)
		if r := post("big", body).Want(t, 201); r.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.Body, first.Body) {
			t.Errorf("after the bound is raised the key works normally: %s", r.Body)
		}
		if n := count(); n != "1" {
			t.Fatalf("%s customers, want 1", n)
		}
	})
}

// TestIdempotencyKeyPresentButEmpty: an empty or repeated Idempotency-Key is a 400 naming the
// header (spec §2.14, 1 to 255 characters), never treated as absent.
func TestIdempotencyKeyPresentButEmpty(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	tok := e.AdminToken()
	for name, values := range map[string][]string{"empty": {""}, "repeated": {"k1", "k2"}, "space": {" "}} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.URL+"/v1/customers", strings.NewReader(`{"contractOwnerId":7,"customerName":"Empty Key Ltd","currencyId":1}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header["Idempotency-Key"] = values
			resp, err := e.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			if resp.StatusCode != 400 || !strings.Contains(b.String(), `"field":"Idempotency-Key"`) {
				t.Fatalf("status %d: %s", resp.StatusCode, b.String())
			}
		})
	}
	if n := e.Get(tok, "/v1/customers?page=1&pageSize=1").Header.Get("X-Total-Count"); n != "0" {
		t.Fatalf("%s customers created by rejected requests", n)
	}
}
