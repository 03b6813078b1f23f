package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store"
)

// TestWorkerPurgesExpiredKeys: `elevatepay worker` works the database's jobs without the HTTP
// API: its periodic purge removes an idempotency key past its retention and keeps a fresh one,
// and it stops cleanly on its signal (the end of its context), on both engines.
func TestWorkerPurgesExpiredKeys(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			var db string
			var st store.Store
			if engine == "sqlite" {
				path := filepath.Join(t.TempDir(), "worker.db")
				db, st = "sqlite:"+path, testdb.SQLiteAt(t, path)
			} else {
				db = testdb.PostgresSchemaURL(t)
				st = testdb.PostgresAt(t, db)
			}
			old := &store.IdempotencyRecord{Subject: "s", Key: "old", Fingerprint: "f", CreatedAt: time.Now().Add(-25 * time.Hour).Unix()}
			fresh := &store.IdempotencyRecord{Subject: "s", Key: "fresh", Fingerprint: "f", CreatedAt: time.Now().Unix()}
			ctx := context.Background()
			if err := st.Tx(ctx, func(tx store.Tx) error {
				for _, r := range []*store.IdempotencyRecord{old, fresh} {
					if _, err := tx.IdempotencyBegin(r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}

			wctx, stop := context.WithCancel(ctx)
			var out, errb syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(wctx, []string{"worker", "--database", db, "--jwt-secret", strings.Repeat("k", 32), "--metrics-addr", "127.0.0.1:0"}, noEnv, nil, &out, &errb)
			}()
			exists := func(key string) bool {
				var rec *store.IdempotencyRecord
				// Begin on an existing key returns it (and claims nothing).
				probe := &store.IdempotencyRecord{Subject: "s", Key: key, Fingerprint: "probe", CreatedAt: time.Now().Unix()}
				if err := st.Tx(ctx, func(tx store.Tx) (err error) { rec, err = tx.IdempotencyBegin(probe); return err }); err != nil {
					t.Fatal(err)
				}
				if rec == nil { // it was gone, and the probe claimed it: take the claim back
					_ = st.Tx(ctx, func(tx store.Tx) error { return tx.IdempotencyRelease("s", key) })
				}
				return rec != nil
			}
			deadline := time.Now().Add(20 * time.Second)
			for exists("old") && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if exists("old") {
				t.Errorf("the expired key is still there after 20 s of the worker (stdout %q, stderr %q)", out.String(), errb.String())
			}
			if !exists("fresh") {
				t.Error("the worker purged a key within its retention")
			}
			// Its metrics count the purge's job.
			m := regexp.MustCompile(`metrics on (http://\S+/metrics)`).FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("the worker printed no metrics address: %q", out.String())
			}
			series := `elevatepay_jobs_total{kind="periodic",outcome="completed"} 1`
			var body string
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(body, series); time.Sleep(50 * time.Millisecond) {
				resp, err := http.Get(m[1])
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body = string(b)
			}
			if !strings.Contains(body, series) {
				t.Errorf("the worker's metrics lack %s:\n%s", series, body)
			}
			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("worker: %v (%s)", err, errb.String())
				}
			case <-time.After(40 * time.Second):
				t.Fatal("the worker did not stop within 40 s of its signal")
			}
			if !strings.Contains(out.String(), "elevatepay worker running") {
				t.Errorf("worker printed %q", out.String())
			}
		})
	}
}
