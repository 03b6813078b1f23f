// Package sqlite opens the embedded SQLite store (pure Go, modernc.org/sqlite) with its migrations.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/elevatepay/elevatepay/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's SQL dialect. Every transaction starts with BEGIN IMMEDIATE, so a
// transaction holds the database's write lock from its start: that serialises postings
// as PostgreSQL's row locks do.
var Dialect = sqlstore.Dialect{
	Name:        "sqlite",
	Goose:       goose.DialectSQLite3,
	ForUpdate:   "",
	TextCollate: "",
	IsUnique: func(err error) bool {
		c := code(err)
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	IsRetryable: func(err error) bool {
		c := code(err) & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	},
}

func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// Open opens (creating if needed) the database file at path, applies migrations and returns the store.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s := sqlstore.New(db, Dialect, sub)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Reads go through query-only connections in deferred transactions: in WAL mode they read a
	// snapshot without queueing behind the writer, and cannot write by mistake.
	rq := url.Values{}
	rq.Add("_pragma", "busy_timeout(10000)")
	rq.Add("_pragma", "foreign_keys(1)")
	rq.Add("_pragma", "query_only(1)")
	rdb, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	rdb.SetMaxOpenConns(8)
	s.UseReadPool(rdb)
	return s, nil
}
