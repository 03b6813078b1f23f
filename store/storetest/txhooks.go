package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/store"
)

// witnessJob is a job whose insertion the test can see: the witness queue records it as a
// settings row written with the transaction's own *sql.Tx.
type witnessJob struct{ name string }

func (j witnessJob) Kind() string { return "witness" }

type witnessQueue struct{ inserted atomic.Int64 }

func (q *witnessQueue) InsertTx(ctx context.Context, tx *sql.Tx, job store.Job) error {
	j, ok := job.(witnessJob)
	if !ok {
		return fmt.Errorf("witness queue: unexpected job %T", job)
	}
	// Literal values: the name is the test's own constant, and placeholders differ by engine.
	if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('job:"+j.name+"', '"+j.Kind()+"')"); err != nil {
		return err
	}
	q.inserted.Add(1)
	return nil
}

// testTxHooks checks the transaction hooks later work needs: a job enqueued in a transaction
// exists exactly when the transaction commits (plain, parked-and-committed, or rolled back),
// and after-commit functions run only after a commit, once.
func testTxHooks(t *testing.T, s store.Store) {
	q := &witnessQueue{}
	s.UseQueue(q)
	defer s.UseQueue(nil)
	has := func(name string) bool {
		var ok bool
		if err := s.Read(ctx(), func(tx store.Tx) error {
			_, found, err := tx.Setting("job:" + name)
			ok = found
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	var after atomic.Int64
	// Committed.
	if err := s.Tx(ctx(), func(tx store.Tx) error {
		tx.AfterCommit(func() { after.Add(1) })
		return tx.Enqueue(witnessJob{"committed"})
	}); err != nil {
		t.Fatal(err)
	}
	if !has("committed") || after.Load() != 1 {
		t.Fatalf("committed transaction: job stored %v, after-commit ran %d times", has("committed"), after.Load())
	}
	// Rolled back by its function.
	boom := errors.New("boom")
	if err := s.Tx(ctx(), func(tx store.Tx) error {
		tx.AfterCommit(func() { after.Add(1) })
		if err := tx.Enqueue(witnessJob{"rolled-back"}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("rolled-back transaction: %v", err)
	}
	if has("rolled-back") || after.Load() != 1 {
		t.Fatalf("rolled-back transaction: job stored %v, after-commit ran %d times (want 1 in all)", has("rolled-back"), after.Load())
	}
	// Parked on an idempotency key, then committed with its response.
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "hooks", Key: "a", Fingerprint: "f", CreatedAt: 10})
		return err
	})
	m := &store.IdempotencyMark{Subject: "hooks", Key: "a"}
	if err := s.KeyedTx(ctx(), m, func(tx store.Tx) error {
		tx.AfterCommit(func() { after.Add(1) })
		return tx.Enqueue(witnessJob{"parked"})
	}); err != nil {
		t.Fatal(err)
	}
	if has("parked") || after.Load() != 1 {
		t.Fatal("a parked transaction's job is visible, or its after-commit ran, before it commits")
	}
	if err := m.Parked().Commit(&store.IdempotencyRecord{Subject: "hooks", Key: "a", Status: 201, Header: "{}", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if !has("parked") || after.Load() != 2 {
		t.Fatalf("parked then committed: job stored %v, after-commit ran %d times (want 2 in all)", has("parked"), after.Load())
	}
	// Parked, then rolled back.
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "hooks", Key: "b", Fingerprint: "f", CreatedAt: 10})
		return err
	})
	m2 := &store.IdempotencyMark{Subject: "hooks", Key: "b"}
	if err := s.KeyedTx(ctx(), m2, func(tx store.Tx) error {
		tx.AfterCommit(func() { after.Add(1) })
		return tx.Enqueue(witnessJob{"parked-rolled-back"})
	}); err != nil {
		t.Fatal(err)
	}
	m2.Parked().Rollback()
	if has("parked-rolled-back") || after.Load() != 2 {
		t.Fatal("a parked transaction rolled back kept its job or ran its after-commit")
	}
	// Without a queue, Enqueue fails and the transaction rolls back.
	s.UseQueue(nil)
	if err := s.Tx(ctx(), func(tx store.Tx) error { return tx.Enqueue(witnessJob{"no-queue"}) }); !errors.Is(err, store.ErrNoQueue) {
		t.Fatalf("Enqueue without a queue: %v", err)
	}
	// Inside a read-only transaction, Enqueue fails.
	s.UseQueue(q)
	if err := s.Read(ctx(), func(tx store.Tx) error { return tx.Enqueue(witnessJob{"read-only"}) }); err == nil {
		t.Fatal("Enqueue inside a read-only transaction succeeded")
	}
	if has("no-queue") || has("read-only") {
		t.Fatal("a refused Enqueue stored its job")
	}
	if n := q.inserted.Load(); n != 4 {
		t.Fatalf("the queue was called %d times, want 4", n)
	}
}

// testFatalInsideTx: a test that fails inside a transaction function (t.Fatal ends its
// goroutine with runtime.Goexit) leaves no transaction open: the database stays writable.
func testFatalInsideTx(t *testing.T, s store.Store) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Tx(ctx(), func(tx store.Tx) error {
			if _, err := tx.SetSettingIfAbsent("goexit", "1"); err != nil {
				return err
			}
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	c, cancel := context.WithTimeout(ctx(), 30*time.Second)
	defer cancel()
	if err := s.Tx(c, func(tx store.Tx) error {
		_, err := tx.SetSettingIfAbsent("goexit", "2")
		return err
	}); err != nil {
		t.Fatalf("after a transaction function ended by Goexit, a write fails: %v", err)
	}
	var v string
	if err := s.Read(ctx(), func(tx store.Tx) (err error) { v, _, err = tx.Setting("goexit"); return err }); err != nil || v != "2" {
		t.Fatalf("setting = %q, %v; want 2 (the abandoned write rolled back)", v, err)
	}
}

// testContextEndsInsideTx: a transaction whose context ends before it commits (its client went
// away) is rolled back, and the error says so: it wraps the context's error, so the HTTP layer
// can tell a client that left from a fault of the server.
func testContextEndsInsideTx(t *testing.T, s store.Store) {
	c, cancel := context.WithCancel(ctx())
	err := s.Tx(c, func(tx store.Tx) error {
		if _, err := tx.SetSettingIfAbsent("ended", "1"); err != nil {
			return err
		}
		cancel()
		time.Sleep(20 * time.Millisecond) // database/sql rolls back when it sees the context end
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a transaction whose context ended before COMMIT: %v; want an error wrapping context.Canceled", err)
	}
	var v string
	var ok bool
	if err := s.Read(ctx(), func(tx store.Tx) (err error) { v, ok, err = tx.Setting("ended"); return err }); err != nil || ok {
		t.Fatalf("setting = %q (%v), %v; want none: the write rolled back", v, ok, err)
	}
}
