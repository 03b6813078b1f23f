package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.OwnerToken([]int32{7})
		post := func(tok, key, body string) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: body, Header: map[string]string{"Idempotency-Key": key}})
		}
		count := func() string {
			return e.Get(tok, "/v1/customers?page=1&pageSize=1").Header.Get("X-Total-Count")
		}
		first := post(tok, "key-1", `{"contractOwnerId":7,"customerName":"Acme","currencyId":1,"creditThreshold":500}`).Want(t, 201)
		// The same request written differently (key order, number form) is the same request.
		again := post(tok, "key-1", `{ "creditThreshold": 500.00, "currencyId": 1, "customerName": "Acme", "contractOwnerId": 7 }`).Want(t, 201)
		if string(again.Body) != string(first.Body) || again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay differs:\n%s %v\n%s %v", first.Body, first.Header, again.Body, again.Header)
		}
		if count() != "1" {
			t.Fatalf("%s customers after a replay, want 1", count())
		}
		conflict := post(tok, "key-1", `{"contractOwnerId":7,"customerName":"Other","currencyId":1}`).Want(t, 409)
		if !strings.Contains(string(conflict.Body), "different request") {
			t.Errorf("conflict message: %s", conflict.Body)
		}
		// Keys belong to the principal: another subject may use the same key.
		other := e.Token(e.PrincipalFor("someone-else", 7))
		post(other, "key-1", `{"contractOwnerId":7,"customerName":"Acme","currencyId":1,"creditThreshold":500}`).Want(t, 201)
		if count() != "2" {
			t.Fatalf("%s customers, want 2", count())
		}
		// 4xx answers are kept and replayed byte for byte (timestamp included)…
		bad := post(tok, "key-2", `{"contractOwnerId":7,"customerName":"$$$","currencyId":1}`).Want(t, 400)
		time.Sleep(1100 * time.Millisecond)
		if badAgain := post(tok, "key-2", `{"contractOwnerId":7,"customerName":"$$$","currencyId":1}`).Want(t, 400); string(badAgain.Body) != string(bad.Body) {
			t.Errorf("400 not replayed: %s vs %s", bad.Body, badAgain.Body)
		}
		// …but 403 is not: the request runs again.
		forbidden := post(tok, "key-3", `{"contractOwnerId":8,"customerName":"X","currencyId":1}`).Want(t, 403)
		if forbidden.Header.Get("Idempotent-Replayed") != "" {
			t.Error("403 was stored")
		}
		if r := post(tok, "key-3", `{"contractOwnerId":8,"customerName":"X","currencyId":1}`).Want(t, 403); r.Header.Get("Idempotent-Replayed") != "" {
			t.Error("403 replayed")
		}
		for _, key := range []string{strings.Repeat("k", 256), "has space", "naïve"} {
			post(tok, key, `{"contractOwnerId":7,"customerName":"Y","currencyId":1}`).Want(t, 400)
		}
		// After 24 hours a key is forgotten.
		e.Offset.Store(int64(25 * time.Hour))
		post(tok, "key-1", `{"contractOwnerId":7,"customerName":"Other","currencyId":1}`).Want(t, 201)
		e.Offset.Store(0)
		// PATCH takes keys too.
		cust := first.Object(t)
		patch := func(v int) *apitest.Response {
			return e.Do(apitest.Request{Method: "PATCH", Path: fmt.Sprintf("/v1/customers/%d", num(t, cust["id"])), Token: tok,
				Body: fmt.Sprintf(`[{"op":"replace","path":"/creditThreshold","value":%d}]`, v), Header: map[string]string{"Idempotency-Key": "patch-1"}})
		}
		patch(600).Want(t, 200)
		patch(700).Want(t, 409)
	})
}

// TestIdempotencyConcurrent sends the same request with the same key from many goroutines at
// once: exactly one is executed.
func TestIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.OwnerToken([]int32{7})
		const n = 20
		var wg sync.WaitGroup
		statuses := make([]int, n)
		replayed := make([]bool, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				r := e.Do(apitest.Request{Method: http.MethodPost, Path: "/v1/customers", Token: tok,
					Body: `{"contractOwnerId":7,"customerName":"Once","currencyId":1}`, Header: map[string]string{"Idempotency-Key": "same"}})
				statuses[i], replayed[i] = r.Status, r.Header.Get("Idempotent-Replayed") == "true"
			}(i)
		}
		close(start)
		wg.Wait()
		executed := 0
		for i, s := range statuses {
			switch {
			case s == 201 && !replayed[i]:
				executed++
			case s == 201 && replayed[i], s == 409:
			default:
				t.Errorf("request %d: status %d", i, s)
			}
		}
		if executed != 1 {
			t.Errorf("%d requests executed, want 1 (statuses %v)", executed, statuses)
		}
		if c := e.Get(tok, "/v1/customers?page=1&pageSize=1").Header.Get("X-Total-Count"); c != "1" {
			t.Errorf("%s customers exist, want 1", c)
		}
	})
}

// TestIdempotencyAfterCrash covers keys left "in progress" by a request that died: the key is
// marked executed inside the request's own write transaction, so a retry knows whether it ran.
func TestIdempotencyAfterCrash(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		p := e.PrincipalFor("crash-user", 7)
		tok := e.Token(p)
		body := `{"contractOwnerId":7,"customerName":"Crash Ltd","currencyId":1}`
		fp := httpapi.Fingerprint("POST", "/v1/customers", []byte(body))
		old := time.Now().Add(-5 * time.Minute).Unix()
		leave := func(key string, createdAt int64, executed bool) {
			t.Helper()
			rec := &store.IdempotencyRecord{Subject: p.Subject, Key: key, Fingerprint: fp, CreatedAt: createdAt}
			if err := e.Store.Tx(ctx, func(tx store.Tx) error { _, err := tx.IdempotencyBegin(rec); return err }); err != nil {
				t.Fatal(err)
			}
			if executed { // what a request's committed write transaction recorded before responses were stored with it
				db := e.Store.(*sqlstore.DB).SQL()
				if _, err := db.Exec("UPDATE idempotency_keys SET executed = TRUE WHERE key = '" + key + "'"); err != nil {
					t.Fatal(err)
				}
			}
		}
		post := func(key string) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: body, Header: map[string]string{"Idempotency-Key": key}})
		}
		count := func() string { return e.Get(tok, "/v1/customers?page=1&pageSize=1").Header.Get("X-Total-Count") }

		leave("died-before-commit", old, false)
		first := post("died-before-commit").Want(t, 201)
		if again := post("died-before-commit").Want(t, 201); again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Errorf("after take-over the response is kept: %s", again.Body)
		}
		leave("still-running", time.Now().Unix(), false)
		if r := post("still-running").Want(t, 409); !strings.Contains(string(r.Body), "in progress") {
			t.Errorf("recent key: %s", r.Body)
		}
		leave("died-after-commit", old, true)
		if r := post("died-after-commit").Want(t, 409); !strings.Contains(string(r.Body), "was executed") {
			t.Errorf("executed key: %s", r.Body)
		}
		if count() != "1" {
			t.Errorf("%s customers, want 1: only the take-over executed", count())
		}
		// A normal keyed request marks its key executed in its own transaction.
		post("normal").Want(t, 201)
		var rec *store.IdempotencyRecord
		if err := e.Store.Tx(ctx, func(tx store.Tx) error {
			var err error
			rec, err = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: p.Subject, Key: "normal", Fingerprint: "x", CreatedAt: 1})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if rec == nil || !rec.Executed || !rec.Completed {
			t.Errorf("record of a normal request: %+v", rec)
		}
		// A request that fails validation never executes: its 400 is stored, not marked executed.
		e.Do(apitest.Request{Method: "POST", Path: "/v1/customers", Token: tok, Body: `{"contractOwnerId":7}`, Header: map[string]string{"Idempotency-Key": "bad"}}).Want(t, 400)
		_ = e.Store.Tx(ctx, func(tx store.Tx) error {
			rec, _ = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: p.Subject, Key: "bad", Fingerprint: "x", CreatedAt: 1})
			return nil
		})
		if rec == nil || rec.Executed || rec.Status != 400 {
			t.Errorf("record of a rejected request: %+v", rec)
		}
	})
}
