package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlite"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// TestOneWriteConnection: the store writes through one connection, and writers queue for it in
// Go: many at once all succeed, none meets SQLITE_BUSY, and the pool never opens a second one.
func TestOneWriteConnection(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	if got := s.SQL().Stats().MaxOpenConnections; got != sqlite.Writers || sqlite.Writers != 1 {
		t.Fatalf("write pool of %d connections (Writers = %d), want 1", got, sqlite.Writers)
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				err := s.Tx(context.Background(), func(tx store.Tx) error {
					_, err := tx.SetSettingIfAbsent(fmt.Sprintf("w%d-%d", g, i), "v")
					return err
				})
				if err != nil {
					failed.Add(1)
					t.Errorf("writer %d: %v", g, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if st := s.SQL().Stats(); st.MaxOpenConnections != 1 || st.OpenConnections > 1 {
		t.Errorf("write pool stats after the load: %+v", st)
	}
	if s.Stats().WaitCount == 0 {
		t.Error("16 concurrent writers never waited for their turn")
	}
}

// TestNoSelfDeadlock: with one write connection, a goroutine that holds a write transaction and
// asks for another could wait for itself forever. Every such path fails instead: a second
// KeyedTx of a request whose transaction is parked at once (ErrSecondWrite); any other write
// after the writer wait (ErrWriterWait, here shortened). Reads, Ping and the migrations check go
// to the read pool and work inside a write; so do statements run for the first time (the
// statement cache prepares on the pool only after the transaction has given the connection back).
func TestNoSelfDeadlock(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	const wait = 200 * time.Millisecond
	s.LimitWriters(sqlite.Writers, wait)
	ctx := context.Background()
	bounded := func(what string, fn func() error) error {
		t.Helper()
		start := time.Now()
		errc := make(chan error, 1)
		go func() { errc <- fn() }()
		select {
		case err := <-errc:
			if d := time.Since(start); d > 20*wait {
				t.Errorf("%s took %v", what, d)
			}
			return err
		case <-time.After(30 * time.Second):
			t.Fatalf("%s hangs", what)
			return nil
		}
	}

	// A write inside a write.
	err := bounded("a write inside a write", func() error {
		return s.Tx(ctx, func(store.Tx) error {
			return s.Tx(ctx, func(store.Tx) error { return nil })
		})
	})
	if !errors.Is(err, sqlstore.ErrWriterWait) {
		t.Errorf("a write inside a write: %v, want ErrWriterWait", err)
	}

	// Reads, Ping, the migrations check, and statements new to the cache (run in every
	// transaction, so they reach it), inside writes.
	for i := range 4 {
		err := bounded("reads and new statements inside a write", func() error {
			return s.Tx(ctx, func(tx store.Tx) error {
				if _, err := tx.SetSettingIfAbsent(fmt.Sprintf("k%d", i), "v"); err != nil {
					return err
				}
				if _, _, err := tx.Setting("k0"); err != nil {
					return err
				}
				if err := s.Ping(ctx); err != nil {
					return err
				}
				if ok, err := s.MigrationsCurrent(ctx); err != nil || !ok {
					return fmt.Errorf("migrations current: %v, %v", ok, err)
				}
				return s.Read(ctx, func(r store.Tx) error { _, _, err := r.Setting("k0"); return err })
			})
		})
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}

	// A keyed request's parked transaction holds the write connection until its response.
	m := &store.IdempotencyMark{Subject: "s", Key: "k"}
	if err := s.KeyedTx(ctx, m, func(tx store.Tx) error { _, err := tx.SetSettingIfAbsent("parked", "v"); return err }); err != nil || !m.HasParked() {
		t.Fatalf("keyed transaction: %v, parked %v", err, m.HasParked())
	}
	err = bounded("a second keyed write", func() error { return s.KeyedTx(ctx, m, func(store.Tx) error { return nil }) })
	if !errors.Is(err, store.ErrSecondWrite) {
		t.Errorf("a second keyed write: %v, want ErrSecondWrite", err)
	}
	err = bounded("a write while parked", func() error { return s.Tx(ctx, func(store.Tx) error { return nil }) })
	if !errors.Is(err, sqlstore.ErrWriterWait) {
		t.Errorf("a write while parked: %v, want ErrWriterWait", err)
	}
	if err := bounded("a read while parked", func() error { return s.Read(ctx, func(store.Tx) error { return nil }) }); err != nil {
		t.Errorf("a read while parked: %v", err)
	}
	if err := m.Parked().Commit(&store.IdempotencyRecord{Subject: "s", Key: "k", Status: 200}); err != nil {
		t.Fatal(err)
	}
	// The connection is free again after the parked commit; and after a parked rollback.
	m2 := &store.IdempotencyMark{Subject: "s", Key: "k2"}
	if err := s.KeyedTx(ctx, m2, func(store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	m2.Parked().Rollback()
	err = bounded("a write after the parked ones ended", func() error {
		return s.Tx(ctx, func(tx store.Tx) error {
			v, ok, err := tx.Setting("parked")
			if err == nil && (!ok || v != "v") {
				err = fmt.Errorf("the parked write is not committed: %q %v", v, ok)
			}
			return err
		})
	})
	if err != nil {
		t.Error(err)
	}
	// A write waiting for its turn gives up when its context ends.
	err = bounded("a write whose context ends while it waits", func() error {
		return s.Tx(ctx, func(store.Tx) error {
			cctx, cancel := context.WithTimeout(ctx, wait/4)
			defer cancel()
			return s.Tx(cctx, func(store.Tx) error { return nil })
		})
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a write whose context ends while it waits: %v", err)
	}
}

// TestCancelledWriteRollsBack: a write transaction's statements ignore the end of its context
// (Dialect.SteadyWrites), but the transaction does not: one whose context ends before it
// commits is rolled back, and the next writer gets the connection.
func TestCancelledWriteRollsBack(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.SetSettingIfAbsent("cancelled", "v"); err != nil {
			return err
		}
		cancel()
		_, err := tx.SetSettingIfAbsent("after", "v") // may run or fail: either way nothing commits
		_ = err
		return nil
	})
	if err == nil {
		t.Fatal("a write transaction whose context ended committed")
	}
	err = s.Tx(context.Background(), func(tx store.Tx) error {
		for _, k := range []string{"cancelled", "after"} {
			if _, ok, err := tx.Setting(k); err != nil || ok {
				return fmt.Errorf("%s: kept %v (%v)", k, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
