package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel() // every subtest opens a fresh schema
	storetest.Run(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}

// TestClaimCommitsWithoutFlushOnly: an idempotency key's claim outside a transaction turns off
// synchronous_commit for its own statement only; the connection keeps the server's setting for
// everything after it (a money movement's commit still waits for the disk).
func TestClaimCommitsWithoutFlushOnly(t *testing.T) {
	t.Parallel()
	s := testdb.Postgres(t)
	db := s.SQL()
	db.SetMaxOpenConns(1) // the claim and the checks share one connection
	ctx := context.Background()
	rec := &store.IdempotencyRecord{Subject: "s", Key: "k", Fingerprint: "f", CreatedAt: 1}
	if err := s.Auto(ctx, func(tx store.Tx) error {
		existing, err := tx.IdempotencyBegin(rec)
		if err == nil && existing != nil {
			t.Errorf("a new key came back as existing: %+v", existing)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var setting string
	if err := db.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&setting); err != nil || setting != "on" {
		t.Errorf("synchronous_commit after the claim = %q, %v; want on", setting, err)
	}
	var got *store.IdempotencyRecord
	if err := s.Auto(ctx, func(tx store.Tx) (err error) { got, err = tx.IdempotencyBegin(rec); return err }); err != nil || got == nil || got.Fingerprint != "f" {
		t.Errorf("the claimed key read back as %+v, %v", got, err)
	}
}

// TestAbandonedRequestsDoNotFailOthers: requests whose context ends mid-statement (a client
// that went away) make pgx close their connections, and database/sql hands such connections to
// the requests waiting for the full pool. The store runs an attempt that met only broken
// connections again, so the requests still waiting never fail for the ones that left (found by
// elevatepay bench: "begin: driver: bad connection" on a live list request, issue 8).
func TestAbandonedRequestsDoNotFailOthers(t *testing.T) {
	t.Parallel()
	s := testdb.Postgres(t)
	db := s.SQL()
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	ctx := context.Background()
	var live, failed, broken atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	deadline := time.Now().Add(2 * time.Second)
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				if i%3 != 0 {
					// Abandoned: its context ends while the statement runs, and pgx closes the
					// connection, which goes back to the pool.
					actx, cancel := context.WithTimeout(ctx, time.Duration(1+n%3)*time.Millisecond)
					if _, err := db.ExecContext(actx, "SELECT pg_sleep(0.01)"); err != nil {
						broken.Add(1)
					}
					cancel()
					continue
				}
				live.Add(1)
				err := s.Read(ctx, func(tx store.Tx) error { _, _, err := tx.ListCurrencies(query.List{Page: 1, PageSize: 10}); return err })
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d live requests, %d abandoned statements", live.Load(), broken.Load())
	if failed.Load() > 0 || live.Load() == 0 || broken.Load() == 0 {
		t.Errorf("%d of %d requests with a live context failed beside %d abandoned ones; first: %v", failed.Load(), live.Load(), broken.Load(), firstErr.Load())
	}
}
