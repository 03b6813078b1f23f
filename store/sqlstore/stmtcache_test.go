package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // "sqlite" driver

	"github.com/elevatepay/elevatepay/store"
)

// openCached opens a store on a new SQLite file as store/sqlite does (one write connection with
// LimitWriters, a read pool), with a statement cache of max entries and a table kv.
func openCached(t *testing.T, max int) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	no := func(error) bool { return false }
	s := New(db, Dialect{Name: "sqlite", Statements: max, IsUnique: no, IsRetryable: no}, nil)
	s.LimitWriters(1, 500*time.Millisecond)
	rdb, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	rdb.SetMaxOpenConns(4)
	s.UseReadPool(rdb)
	t.Cleanup(func() { s.Close() })
	return s
}

// write runs fn in a write transaction of s and fails the test on error or when it takes long
// (a transaction asking the pool for the connection it holds would wait prepareWait).
func write(t *testing.T, s *DB, fn func(*tx) error) {
	t.Helper()
	start := time.Now()
	if err := s.Tx(context.Background(), func(x store.Tx) error { return fn(x.(*tx)) }); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > prepareWait/2 {
		t.Fatalf("a write transaction took %v", d)
	}
}

func read(t *testing.T, s *DB, fn func(*tx) error) {
	t.Helper()
	if err := s.Read(context.Background(), func(x store.Tx) error { return fn(x.(*tx)) }); err != nil {
		t.Fatal(err)
	}
}

// TestStmtCacheAdmission: a statement is run unprepared on its first two misses and prepared
// after the second transaction that ran it has ended (never inside it: the one write connection
// is held then); from then on transactions bind the cached statement. Both pools have their own.
func TestStmtCacheAdmission(t *testing.T) {
	t.Parallel()
	s := openCached(t, 8)
	ins, sel := "INSERT INTO kv (v) VALUES (?)", "SELECT v FROM kv WHERE k = ?"
	for i := range 3 {
		write(t, s, func(t2 *tx) error {
			if _, err := t2.exec(ins, fmt.Sprint(i)); err != nil {
				return err
			}
			var v string
			if err := t2.queryRow(sel, 1).Scan(&v); err != nil || v != "0" {
				return fmt.Errorf("read back %q: %v", v, err)
			}
			if bound := len(t2.prepared); bound != map[int]int{0: 0, 1: 0, 2: 2}[i] {
				return fmt.Errorf("transaction %d bound %d cached statements", i, bound)
			}
			return nil
		})
		if want := map[int]int{0: 0, 1: 2, 2: 2}[i]; s.wstmts.len() != want {
			t.Fatalf("after transaction %d the write cache holds %d statements, want %d", i, s.wstmts.len(), want)
		}
	}
	if s.rstmts.len() != 0 {
		t.Fatal("writes filled the read cache")
	}
	for range 3 {
		read(t, s, func(t2 *tx) error { var v string; return t2.queryRow(sel, 2).Scan(&v) })
	}
	if s.rstmts.len() != 1 {
		t.Fatalf("the read cache holds %d statements, want 1", s.rstmts.len())
	}
	// A query returning rows is never cached (its rows stay open while the caller runs more).
	for range 3 {
		read(t, s, func(t2 *tx) error {
			rows, err := t2.query("SELECT k FROM kv ORDER BY k")
			if err != nil {
				return err
			}
			return rows.Close()
		})
	}
	if s.rstmts.len() != 1 {
		t.Fatalf("the read cache holds %d statements after queries, want 1", s.rstmts.len())
	}
}

// TestStmtCacheParked: a parked transaction holds the write connection until its response
// commits; the statements it missed are prepared only after that.
func TestStmtCacheParked(t *testing.T) {
	t.Parallel()
	s := openCached(t, 8)
	for i := range 3 {
		m := &store.IdempotencyMark{Subject: "s", Key: fmt.Sprint(i)}
		err := s.KeyedTx(context.Background(), m, func(x store.Tx) error {
			_, err := x.(*tx).exec("INSERT INTO kv (v) VALUES (?)", "parked")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 0, true: 1}[i == 2]; s.wstmts.len() != want {
			t.Fatalf("round %d: %d cached while parked, want %d", i, s.wstmts.len(), want)
		}
		// The store has no idempotency table here: Commit fails on it and rolls back. What
		// matters is that ending the parked transaction frees the connection and admits.
		_ = m.Parked().Commit(&store.IdempotencyRecord{Subject: "s", Key: fmt.Sprint(i)})
		write(t, s, func(*tx) error { return nil })
	}
	if s.wstmts.len() < 1 {
		t.Fatal("the parked transactions' statement was never cached")
	}
}

// TestStmtCacheBounded: texts that differ every time (list queries built from filters) never
// enter the cache, and however many texts repeat, it holds at most max statements, the
// evicted ones closed.
func TestStmtCacheBounded(t *testing.T) {
	t.Parallel()
	const max = 4
	s := openCached(t, max)
	for i := range 100 {
		read(t, s, func(t2 *tx) error { var n int; return t2.queryRow(fmt.Sprintf("SELECT %d + ?", i), 1).Scan(&n) })
	}
	if n := s.rstmts.len(); n != 0 {
		t.Fatalf("texts run once filled the cache with %d statements", n)
	}
	if n := len(s.rstmts.seen); n > max {
		t.Fatalf("%d texts remembered, want at most %d", n, max)
	}
	var first *sql.Stmt
	for i := range 20 {
		q := fmt.Sprintf("SELECT %d * ?", i)
		for range 3 {
			read(t, s, func(t2 *tx) error { var n int; return t2.queryRow(q, 2).Scan(&n) })
		}
		if i == 0 {
			first = s.rstmts.get(q)
		}
		if n := s.rstmts.len(); n > max {
			t.Fatalf("the cache holds %d statements, want at most %d", n, max)
		}
	}
	if first == nil {
		t.Fatal("a repeated statement was not cached")
	}
	if err := first.QueryRow(2).Scan(new(int)); err == nil {
		t.Error("an evicted statement is still open")
	}
}

// TestStmtCacheConcurrent: many goroutines reading and writing through the caches at once,
// with evictions, get their own results (run it with -race).
func TestStmtCacheConcurrent(t *testing.T) {
	t.Parallel()
	s := openCached(t, 3)
	write(t, s, func(t2 *tx) error {
		for i := range 10 {
			if _, err := t2.exec("INSERT INTO kv (k, v) VALUES (?, ?)", i, fmt.Sprint(i)); err != nil {
				return err
			}
		}
		return nil
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				k := (g + i) % 10
				q := fmt.Sprintf("SELECT v || '%d' FROM kv WHERE k = ?", i%5) // 5 texts, 3 cached
				var err error
				if g%2 == 0 {
					err = s.Read(context.Background(), func(x store.Tx) error {
						var v string
						if err := x.(*tx).queryRow(q, k).Scan(&v); err != nil {
							return err
						}
						if want := fmt.Sprintf("%d%d", k, i%5); v != want {
							return fmt.Errorf("read %q, want %q", v, want)
						}
						return nil
					})
				} else {
					err = s.Tx(context.Background(), func(x store.Tx) error {
						_, err := x.(*tx).exec(fmt.Sprintf("UPDATE kv SET v = v WHERE k = ? AND %d = %d", i%5, i%5), k)
						return err
					})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if s.rstmts.len() > 3 || s.wstmts.len() > 3 {
		t.Errorf("caches of %d and %d statements, want at most 3", s.rstmts.len(), s.wstmts.len())
	}
}

// TestStmtCacheEvictedInUse: a transaction keeps using a statement that another evicted and
// closed meanwhile (database/sql closes it when the transaction is done).
func TestStmtCacheEvictedInUse(t *testing.T) {
	t.Parallel()
	s := openCached(t, 1)
	q := "SELECT count(*) + ? FROM kv"
	for range 2 {
		read(t, s, func(t2 *tx) error { return t2.queryRow(q, 0).Scan(new(int)) })
	}
	read(t, s, func(t2 *tx) error {
		if err := t2.queryRow(q, 0).Scan(new(int)); err != nil || len(t2.prepared) != 1 {
			return fmt.Errorf("cached statement: %v, %d bound", err, len(t2.prepared))
		}
		other := "SELECT count(*) - ? FROM kv"
		for range 2 { // in other transactions: admits other, evicting q
			read(t, s, func(t3 *tx) error { return t3.queryRow(other, 0).Scan(new(int)) })
		}
		if s.rstmts.get(q) != nil {
			return fmt.Errorf("q was not evicted")
		}
		return t2.queryRow(q, 1).Scan(new(int))
	})
}

// TestStmtCacheClose: Close closes the cached statements; admissions after it are dropped.
func TestStmtCacheClose(t *testing.T) {
	t.Parallel()
	s := openCached(t, 4)
	q := "SELECT ? + 1"
	for range 2 {
		read(t, s, func(t2 *tx) error { return t2.queryRow(q, 1).Scan(new(int)) })
	}
	st := s.rstmts.get(q)
	if st == nil {
		t.Fatal("not cached")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.rstmts.len() != 0 || s.wstmts.len() != 0 {
		t.Error("statements left in the caches after Close")
	}
	if err := st.QueryRow(1).Scan(new(int)); err == nil {
		t.Error("a cached statement is still open after Close")
	}
	s.rstmts.admit(context.Background(), []string{q, q})
	if s.rstmts.len() != 0 {
		t.Error("a statement was admitted after Close")
	}
}
