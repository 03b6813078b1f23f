package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/elevatepay/elevatepay/store"
)

// errOneStatement: ReadOne's function ran more than one statement, which would not all read
// one snapshot.
var errOneStatement = errors.New("sqlstore: ReadOne ran more than one statement (use Read)")

// ReadOne runs fn, which runs one statement, outside an explicit transaction, on the read pool:
// a single statement reads one consistent snapshot by itself, so BEGIN and COMMIT would only
// add two round trips (issue 8). A function that ran more statements fails with an error.
func (s *DB) ReadOne(ctx context.Context, fn func(store.Tx) error) error {
	return s.retrying(ctx, func() error { return s.readOne(ctx, fn) })
}

func (s *DB) readOne(ctx context.Context, fn func(store.Tx) error) error {
	pool, stmts := s.pool(true)
	t := &tx{ctx: ctx, pool: pool, d: &s.d, readOnly: true, stmts: stmts}
	defer t.ended()
	err := fn(t)
	switch {
	case t.refused:
		return errWriteInReadOne
	case err != nil:
		return err
	case t.ran > 1:
		return errOneStatement
	}
	return nil
}

// Auto runs fn outside a transaction: every statement commits on its own. It is for writes
// made of steps that are each complete, where a transaction would only add BEGIN and COMMIT
// (an idempotency key's claim); it takes the write slot (LimitWriters) for fn's duration.
func (s *DB) Auto(ctx context.Context, fn func(store.Tx) error) error {
	for bad := 0; ; bad++ {
		ran, err := s.auto(ctx, fn)
		// Only a first statement that failed on a broken connection is safe to run again: a
		// later one follows statements that have committed.
		if err == nil || ran > 1 || !badConn(err) || bad >= maxBadConns || ctx.Err() != nil {
			return err
		}
	}
}

func (s *DB) auto(ctx context.Context, fn func(store.Tx) error) (ran int, err error) {
	pool, stmts := s.pool(false)
	t := &tx{ctx: ctx, pool: pool, d: &s.d, stmts: stmts}
	if t.release, err = s.writerSlot(ctx); err != nil {
		return 0, fmt.Errorf("auto: %w", err)
	}
	defer t.ended()
	if err := fn(t); err != nil {
		return t.ran, err
	}
	t.committed()
	return t.ran, nil
}

// isSelect reports whether q is a SELECT.
func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// refusing is where a write outside a transaction of ReadOne goes: nowhere. A *sql.Row cannot
// be made to carry an error of ours, so its QueryRow is a query on a cancelled context (which
// fails before it takes a connection), and ReadOne reports errWriteInReadOne when its function
// returns.
type refusing struct{ pool *sql.DB }

func (refusing) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, errWriteInReadOne
}

func (refusing) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, errWriteInReadOne
}

func (r refusing) QueryRowContext(context.Context, string, ...any) *sql.Row {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return r.pool.QueryRowContext(ctx, "SELECT 1")
}

// errWriteInReadOne: ReadOne's function tried to write.
var errWriteInReadOne = errors.New("sqlstore: a write inside ReadOne")
