// Package sqlstore implements store.Store with database/sql for both supported engines.
// The SQL is written once; a Dialect carries the few differences (placeholders, row locks,
// collation, error classification). store/postgres and store/sqlite only open connections and
// choose the dialect and migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/elevatepay/elevatepay/store"
)

// Dialect describes how one engine differs.
type Dialect struct {
	Name      string        // "postgres" or "sqlite"
	Goose     goose.Dialect // migration dialect
	Numbered  bool          // placeholders are $1, $2 … instead of ?
	ForUpdate string        // suffix of a SELECT that locks its rows ("" where the whole transaction is exclusive)
	// WritableCTE: data-modifying statements may run in WITH, so a posting is one round trip.
	WritableCTE bool
	// NoFlushCTE, when set, is a WITH query whose rows (one) make the statement it is joined to,
	// run outside a transaction, commit without waiting for the disk (PostgreSQL:
	// synchronous_commit off for that statement's own transaction). "" where commits do not wait.
	NoFlushCTE  string
	TextCollate string // collation clause making text sort by code point
	IsUnique    func(error) bool
	IsRetryable func(error) bool
	// Statements, when positive, is how many prepared statements each pool keeps (see
	// stmtCache): a statement run often is parsed once per connection instead of on every
	// execution. 0 leaves preparation to the driver (pgx keeps its own per-connection cache).
	Statements int
	// SteadyWrites makes the statements of a write transaction ignore the end of its context:
	// the modernc SQLite driver starts a goroutine and installs a progress handler for every
	// statement whose context can end, which cost a fifth of a payment's transaction. An ended
	// context still ends the wait for the write slot and BEGIN, and rolls the transaction back
	// (database/sql watches it from BEGIN) once the statement under way, a short one in a write
	// transaction, has finished. Read transactions keep interruptible statements.
	SteadyWrites bool
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

	writers atomic.Pointer[writeSlots] // set by LimitWriters; nil: no limit
	waits   atomic.Int64               // writers that had to wait for a slot

	wstmts, rstmts *stmtCache     // prepared statements of db and rdb; nil: none
	closers        []func() error // run by Close before the pools close, last first
}

// UseReadPool makes Read use pool (for example SQLite connections opened query-only, whose
// transactions never take the write lock). Close closes it too.
func (s *DB) UseReadPool(pool *sql.DB) {
	s.rdb = pool
	s.rstmts = newStmtCache(pool, s.d.Statements, nil)
}

// New wraps db. migrations holds the engine's goose migrations at its root.
func New(db *sql.DB, d Dialect, migrations fs.FS) *DB {
	s := &DB{db: db, d: d, migrations: migrations}
	s.wstmts = newStmtCache(db, d.Statements, s.writerSlot)
	return s
}

// ErrWriterWait is returned when a write waited longer than LimitWriters allows for its turn.
// Under any sane load turns come in milliseconds: a wait this long usually means a goroutine that
// holds a write transaction (or a parked one) asked for a second, which can never be served.
var ErrWriterWait = errors.New("timed out waiting for the write connection (does this request already hold a write transaction?)")

// LimitWriters makes every write transaction on the main pool (and everything else the store
// runs there: statement preparation, WithWriter) first take one of n slots, in arrival order,
// and only then ask the pool for a connection. With n equal to the pool's size (SQLite: its one
// write connection) writers never meet each other in the database's lock, where SQLite's busy
// handler would make them sleep and retry: they queue here, in Go, and the slot passes to the
// next writer the moment a transaction ends. A writer waiting longer than wait fails with
// ErrWriterWait instead of waiting forever. Writes under way keep the slots they took.
func (s *DB) LimitWriters(n int, wait time.Duration) {
	s.writers.Store(&writeSlots{ch: make(chan struct{}, n), wait: wait})
}

// writeSlots holds one token per write under way: a writer sends to take a slot, in arrival
// order (a channel wakes its blocked senders first come, first served), and receives to give it
// back.
type writeSlots struct {
	ch   chan struct{}
	wait time.Duration // longest wait for a slot
}

// writerSlot takes a write slot (see LimitWriters) and returns the function giving it back; a
// no-op without a limit.
func (s *DB) writerSlot(ctx context.Context) (release func(), err error) {
	slots := s.writers.Load()
	if slots == nil {
		return func() {}, nil
	}
	select {
	case slots.ch <- struct{}{}:
	default:
		s.waits.Add(1)
		t := time.NewTimer(slots.wait)
		defer t.Stop()
		select {
		case slots.ch <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
			return nil, ErrWriterWait
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-slots.ch }) }, nil
}

// WithWriter runs fn on a connection of the main pool in its turn among the writers (see
// LimitWriters), for maintenance such as WAL checkpoints.
func (s *DB) WithWriter(ctx context.Context, fn func(*sql.Conn) error) error {
	release, err := s.writerSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(c)
}

// OnClose makes Close run fn (the last registered first) before it closes the pools, for
// background work on them that must stop first.
func (s *DB) OnClose(fn func() error) { s.closers = append(s.closers, fn) }

// SQL returns the underlying pool (for tests and tools).
func (s *DB) SQL() *sql.DB { return s.db }

// provider returns the goose provider; locked makes it hold the dialect's migration lock while
// it applies migrations (checks for pending ones never take it, and only read: they go through
// the read pool when there is one, so a readiness check never queues for the write connection).
func (s *DB) provider(locked bool) (*goose.Provider, error) {
	var opts []goose.ProviderOption
	if locked && s.d.MigrationLock != nil {
		opts = append(opts, goose.WithSessionLocker(s.d.MigrationLock()))
	}
	pool := s.db
	if !locked && s.rdb != nil {
		pool = s.rdb
	}
	return goose.NewProvider(s.d.Goose, pool, s.migrations, opts...)
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

// Ping checks the database answers (through the read pool when there is one: it need not wait
// for the write connection).
func (s *DB) Ping(ctx context.Context) error {
	if s.rdb != nil {
		return s.rdb.PingContext(ctx)
	}
	return s.db.PingContext(ctx)
}

// Engine names the engine.
func (s *DB) Engine() string { return s.d.Name }

// Close stops what OnClose registered, closes the prepared statements and then the pools.
func (s *DB) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	s.wstmts.close()
	s.rstmts.close()
	if s.rdb != nil {
		s.rdb.Close()
	}
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}

// Stats returns pool figures. WaitCount counts waits for a connection and, under LimitWriters,
// for a write slot.
func (s *DB) Stats() store.PoolStats {
	st := s.db.Stats()
	return store.PoolStats{Open: st.OpenConnections, InUse: st.InUse, Idle: st.Idle, WaitCount: st.WaitCount + s.waits.Load()}
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
	return s.retrying(ctx, func() error { return s.tx(ctx, opts, key, fn) })
}

// maxBadConns bounds the attempts of one call that fail on a broken pooled connection.
const maxBadConns = 32

// retrying runs once until it succeeds, fails for good, or has failed maxAttempts times on
// serialisation failures and lock time-outs, waiting a little longer after each. An attempt that
// failed on a broken pooled connection (driver.ErrBadConn: see badConn) is run again at once,
// up to maxBadConns times, without counting against maxAttempts.
func (s *DB) retrying(ctx context.Context, once func() error) error {
	var err error
	for attempt, bad := 1, 0; attempt <= maxAttempts; {
		err = once()
		if err == nil || ctx.Err() != nil {
			return err
		}
		if badConn(err) && bad < maxBadConns {
			bad++
			continue
		}
		if !s.d.IsRetryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
		attempt++
	}
	return err
}

// badConn reports whether err is database/sql giving up on broken pooled connections: a driver
// answers driver.ErrBadConn only for a statement it never sent (pgx: pgconn.SafeToRetry), and
// database/sql then tries two more connections. Under a full pool those are connections handed
// over by other requests, and pgx closes a connection whose request was cancelled mid-statement
// (a client that went away); pgx's database/sql driver has no validity check, so such
// connections reach the next waiters, each failing its session reset. With ten of them handed
// over in a row (a slow list's clients all gone at once), a live request failed with "driver: bad
// connection" (found by elevatepay bench, issue 8). Nothing of the attempt is committed: a
// transaction on a broken connection rolls back, and a failed COMMIT is never retried
// (commitError).
func badConn(err error) bool {
	var ce *commitError
	return errors.Is(err, driver.ErrBadConn) && !errors.As(err, &ce)
}

// commitError is a failed COMMIT, whose outcome the caller cannot know: never retried.
type commitError struct{ err error }

func (e *commitError) Error() string { return "commit: " + e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }

// pool returns the pool a transaction runs on, with its prepared statements: reads on the read
// pool when there is one.
func (s *DB) pool(readOnly bool) (*sql.DB, *stmtCache) {
	if readOnly && s.rdb != nil {
		return s.rdb, s.rstmts
	}
	return s.db, s.wstmts
}

func (s *DB) tx(ctx context.Context, opts *sql.TxOptions, key *store.IdempotencyMark, fn func(store.Tx) error) (err error) {
	readOnly := opts != nil && opts.ReadOnly
	pool, stmts := s.pool(readOnly)
	if key != nil && key.HasParked() {
		// Checked before BEGIN: on SQLite a second writer would wait for the parked one.
		return store.ErrSecondWrite
	}
	t := &tx{ctx: ctx, d: &s.d, readOnly: readOnly, queue: s.jobQueue(), stmts: stmts}
	if pool == s.db {
		// The write slot is taken before the connection and given back when the transaction
		// ends (for a parked one: when it commits or rolls back with its response).
		if t.release, err = s.writerSlot(ctx); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
	}
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		t.ended()
		return fmt.Errorf("begin: %w", err)
	}
	t.tx = sqlTx
	if !readOnly && s.d.SteadyWrites {
		t.ctx = context.WithoutCancel(ctx)
	}
	parked := false
	defer func() {
		// Unless it is parked, the transaction ends here whatever ended fn: an error, a panic, or
		// runtime.Goexit from t.Fatal in a test roll it back, so no connection or lock stays
		// held. After a commit, Rollback does nothing.
		if !parked {
			_ = sqlTx.Rollback()
			t.ended()
		}
	}()
	if err := fn(t); err != nil {
		return whenEnded(ctx, err)
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
		return &commitError{whenEnded(ctx, err)}
	}
	t.ended()
	t.committed()
	return nil
}

// whenEnded adds to an error of a transaction that ctx had ended: database/sql rolls a
// transaction back when its context ends, and the statement or COMMIT that follows only says
// the transaction is done.
func whenEnded(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("%w: rolled back when its context ended (%w)", err, cerr)
	}
	return err
}

// parkedTx is a successful write transaction of a keyed request, waiting for its response.
type parkedTx struct{ t *tx }

func (p parkedTx) Commit(rec *store.IdempotencyRecord) error {
	defer p.t.ended()
	rec.Completed, rec.Executed = true, true
	if err := p.t.IdempotencyComplete(rec); err != nil {
		_ = p.t.tx.Rollback()
		return err
	}
	if err := p.t.tx.Commit(); err != nil {
		return &commitError{whenEnded(p.t.ctx, err)}
	}
	p.t.ended()
	p.t.committed()
	return nil
}

func (p parkedTx) Rollback() {
	_ = p.t.tx.Rollback()
	p.t.ended()
}

type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	d        *Dialect
	readOnly bool
	queue    store.Queue
	after    []func()

	pool    *sql.DB // outside a transaction (ReadOne, Auto): statements run on the pool; nil in one
	ran     int     // statements run
	refused bool    // a write was refused outside a transaction

	release  func()     // gives the write slot back; nil when none is held
	stmts    *stmtCache // the pool's prepared statements; nil: none
	prepared []txStmt   // cached statements bound to this transaction so far
	missed   []string   // statements run unprepared, offered to stmts when the transaction ends
}

// txStmt is a cached statement bound to a transaction.
type txStmt struct {
	q string
	s *sql.Stmt
}

// ended runs once the transaction has committed or rolled back: it gives the write slot back,
// then offers the statements that missed the cache to it (preparing them needs a connection
// of the pool, so it must wait until this transaction no longer holds one). Calling it again
// does nothing.
func (t *tx) ended() {
	if t.release != nil {
		t.release()
		t.release = nil
	}
	if len(t.missed) > 0 {
		missed := t.missed
		t.missed = nil
		t.stmts.admit(context.WithoutCancel(t.ctx), missed)
	}
}

// Enqueue inserts job through the store's queue with this transaction.
func (t *tx) Enqueue(job store.Job) error {
	if t.readOnly {
		return errors.New("enqueue inside a read-only transaction")
	}
	if t.tx == nil {
		return errors.New("enqueue outside a transaction")
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

// rebound remembers rebind's answers (rewriting every statement on every execution was 3 % of a
// request's CPU), for at most maxRebound texts: list statements vary with their filters, and
// past the bound a text is rewritten each time instead of remembered.
var (
	rebound     sync.Map // string → string
	reboundSize atomic.Int64
)

const maxRebound = 4096

// rebind turns ? placeholders into $n for numbered dialects. Queries never contain a literal '?'.
func (t *tx) rebind(q string) string {
	if !t.d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := numbered(q)
	if reboundSize.Load() < maxRebound {
		if _, loaded := rebound.LoadOrStore(q, r); !loaded {
			reboundSize.Add(1)
		}
	}
	return r
}

// numbered rewrites the ? placeholders of q as $1, $2 ….
func numbered(q string) string {
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

// stmt returns the cached prepared statement of q bound to this transaction, or nil when q is
// not cached (then it is offered to the cache when the transaction ends). Binding reuses the
// statement already prepared on the transaction's connection, or prepares it there once.
func (t *tx) stmt(q string) *sql.Stmt {
	if t.stmts == nil || t.refused {
		return nil // a refused write goes to refusing, never to the pool's statements
	}
	for _, p := range t.prepared {
		if p.q == q {
			return p.s
		}
	}
	cached := t.stmts.get(q)
	if cached == nil {
		if !slices.Contains(t.missed, q) {
			t.missed = append(t.missed, q)
		}
		return nil
	}
	if t.tx == nil {
		return cached // outside a transaction the pool's statement picks its connection
	}
	s := t.tx.StmtContext(t.ctx, cached)
	t.prepared = append(t.prepared, txStmt{q, s})
	return s
}

// querier is where statements run: the transaction, or the pool outside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// on returns where statement q runs, counting it. Outside a transaction a read-only caller
// (ReadOne) may run only a SELECT: there is no READ ONLY transaction to refuse a write.
func (t *tx) on(q string) querier {
	t.ran++
	if t.tx != nil {
		return t.tx
	}
	if t.readOnly && !isSelect(q) {
		t.refused = true
		return refusing{t.pool}
	}
	return t.pool
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	on := t.on(q)
	q = t.rebind(q)
	if s := t.stmt(q); s != nil {
		return s.ExecContext(t.ctx, args...)
	}
	return on.ExecContext(t.ctx, q, args...)
}

// query runs a statement returning rows. It never uses the statement cache: a prepared
// statement serves one result at a time on its connection, and rows stay open while the caller
// iterates, perhaps running other statements.
func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.on(q).QueryContext(t.ctx, t.rebind(q), args...)
}

// queryRow runs a statement returning at most one row, through the statement cache: every caller
// scans the row at once, which closes it before the statement can be run again.
func (t *tx) queryRow(q string, args ...any) *sql.Row {
	on := t.on(q)
	q = t.rebind(q)
	if s := t.stmt(q); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return on.QueryRowContext(t.ctx, q, args...)
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
