// Package sqlstore implements store.Store with database/sql for both supported engines.
// The SQL is written once; a Dialect carries the few differences (placeholders, row locks,
// collation, error classification). store/postgres and store/sqlite only open connections and
// choose the dialect and migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/elevatepay/elevatepay/store"
)

// Dialect describes how one engine differs.
type Dialect struct {
	Name        string        // "postgres" or "sqlite"
	Goose       goose.Dialect // migration dialect
	Numbered    bool          // placeholders are $1, $2 … instead of ?
	ForUpdate   string        // suffix of a SELECT that locks its rows ("" where the whole transaction is exclusive)
	TextCollate string        // collation clause making text sort by code point
	IsUnique    func(error) bool
	IsRetryable func(error) bool
	// MigrationLock, when set, returns a new session lock that Migrate holds while it applies
	// migrations, so processes migrating one database together take turns.
	MigrationLock func() lock.SessionLocker
}

// DB is a store.Store on a database/sql connection pool.
type DB struct {
	mu         sync.Mutex
	queue      store.Queue // job queue of Tx.Enqueue; nil: none
	db         *sql.DB
	rdb        *sql.DB // pool for read-only transactions; db when nil
	d          Dialect
	migrations fs.FS
}

// UseReadPool makes Read use pool (for example SQLite connections opened query-only, whose
// transactions never take the write lock). Close closes it too.
func (s *DB) UseReadPool(pool *sql.DB) { s.rdb = pool }

// New wraps db. migrations holds the engine's goose migrations at its root.
func New(db *sql.DB, d Dialect, migrations fs.FS) *DB {
	return &DB{db: db, d: d, migrations: migrations}
}

// SQL returns the underlying pool (for tests and tools).
func (s *DB) SQL() *sql.DB { return s.db }

// provider returns the goose provider; locked makes it hold the dialect's migration lock while
// it applies migrations (checks for pending ones never take it).
func (s *DB) provider(locked bool) (*goose.Provider, error) {
	var opts []goose.ProviderOption
	if locked && s.d.MigrationLock != nil {
		opts = append(opts, goose.WithSessionLocker(s.d.MigrationLock()))
	}
	return goose.NewProvider(s.d.Goose, s.db, s.migrations, opts...)
}

// Migrate applies every pending migration, under the dialect's migration lock when it has one:
// replicas starting together on an empty database take turns instead of racing.
func (s *DB) Migrate(ctx context.Context) error {
	p, err := s.provider(true)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether no migration is pending.
func (s *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := s.provider(false)
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("check migrations: %w", err)
	}
	return !pending, nil
}

// Ping checks the database answers.
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Engine names the engine.
func (s *DB) Engine() string { return s.d.Name }

// Close closes the pools.
func (s *DB) Close() error {
	if s.rdb != nil {
		s.rdb.Close()
	}
	return s.db.Close()
}

// Stats returns pool figures.
func (s *DB) Stats() store.PoolStats {
	st := s.db.Stats()
	return store.PoolStats{Open: st.OpenConnections, InUse: st.InUse, Idle: st.Idle, WaitCount: st.WaitCount}
}

const maxAttempts = 5

// Tx runs fn in a transaction, retrying on serialisation failures and lock time-outs.
func (s *DB) Tx(ctx context.Context, fn func(store.Tx) error) error {
	return s.retry(ctx, nil, nil, fn)
}

// KeyedTx runs fn in a transaction that, when fn succeeds, is parked on key instead of
// committing (see store.Store.KeyedTx).
func (s *DB) KeyedTx(ctx context.Context, key *store.IdempotencyMark, fn func(store.Tx) error) error {
	if key == nil {
		return errors.New("KeyedTx without an idempotency key")
	}
	return s.retry(ctx, nil, key, fn)
}

// Read runs fn in a read-only transaction: a snapshot that takes no write lock (on SQLite a
// deferred transaction, so reads do not queue behind writers).
func (s *DB) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.retry(ctx, &sql.TxOptions{ReadOnly: true}, nil, fn)
}

// UseQueue sets the job queue Tx.Enqueue inserts into.
func (s *DB) UseQueue(q store.Queue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = q
}

func (s *DB) jobQueue() store.Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue
}

func (s *DB) retry(ctx context.Context, opts *sql.TxOptions, key *store.IdempotencyMark, fn func(store.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = s.tx(ctx, opts, key, fn)
		if err == nil || !s.d.IsRetryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	return err
}

func (s *DB) tx(ctx context.Context, opts *sql.TxOptions, key *store.IdempotencyMark, fn func(store.Tx) error) (err error) {
	readOnly := opts != nil && opts.ReadOnly
	pool := s.db
	if readOnly && s.rdb != nil {
		pool = s.rdb
	}
	if key != nil && key.HasParked() {
		// Checked before BEGIN: on SQLite a second writer would wait for the parked one.
		return store.ErrSecondWrite
	}
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{ctx: ctx, tx: sqlTx, d: &s.d, readOnly: readOnly, queue: s.jobQueue()}
	parked := false
	defer func() {
		// Unless it is parked, the transaction ends here whatever ended fn: an error, a panic, or
		// runtime.Goexit from t.Fatal in a test roll it back, so no connection or lock stays
		// held. After a commit, Rollback does nothing.
		if !parked {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if key != nil {
		// The request's response is stored in this transaction before it commits.
		if err := key.Park(parkedTx{t}); err != nil {
			return err
		}
		parked = true
		return nil
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.committed()
	return nil
}

// parkedTx is a successful write transaction of a keyed request, waiting for its response.
type parkedTx struct{ t *tx }

func (p parkedTx) Commit(rec *store.IdempotencyRecord) error {
	rec.Completed, rec.Executed = true, true
	if err := p.t.IdempotencyComplete(rec); err != nil {
		_ = p.t.tx.Rollback()
		return err
	}
	if err := p.t.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	p.t.committed()
	return nil
}

func (p parkedTx) Rollback() { _ = p.t.tx.Rollback() }

type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	d        *Dialect
	readOnly bool
	queue    store.Queue
	after    []func()
}

// Enqueue inserts job through the store's queue with this transaction.
func (t *tx) Enqueue(job store.Job) error {
	if t.readOnly {
		return errors.New("enqueue inside a read-only transaction")
	}
	if t.queue == nil {
		return store.ErrNoQueue
	}
	if err := t.queue.InsertTx(t.ctx, t.tx, job); err != nil {
		return fmt.Errorf("enqueue %s: %w", job.Kind(), err)
	}
	return nil
}

// AfterCommit queues fn to run once this transaction has committed.
func (t *tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// committed runs the after-commit functions, once.
func (t *tx) committed() {
	after := t.after
	t.after = nil
	for _, fn := range after {
		fn()
	}
}

// rebind turns ? placeholders into $n for numbered dialects. Queries never contain a literal '?'.
func (t *tx) rebind(q string) string {
	if !t.d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, t.rebind(q), args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.rebind(q), args...)
}

func (t *tx) queryRow(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.rebind(q), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *tx) insert(q string, args ...any) (int64, error) {
	var id int64
	if err := t.queryRow(q+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// scopeCond returns a condition restricting col to the scope's contract owners.
func scopeCond(s store.Scope, col string) (string, []any) {
	if s.All {
		return "1 = 1", nil
	}
	if len(s.Owners) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(s.Owners))
	for i, o := range s.Owners {
		args[i] = o
	}
	return col + " IN (" + placeholders(len(args)) + ")", args
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
