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
	"os"
	"strings"
	"time"

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
	// Prepared statements, reused on each connection: parsing a statement cost more than
	// running most of them (a quarter of the server's CPU on a payment, mostly inside the write
	// lock). PostgreSQL leaves it to pgx, which caches per connection: the same cache there measured
	// no better nor worse.
	Statements: 128,
	// A write transaction's statements are short: they need not be interruptible.
	SteadyWrites: true,
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

// busyTimeout is how long, in milliseconds, a connection waits for a lock another process (or,
// for readers, a checkpoint) holds: 10 s.
const busyTimeout = 10000

// Writers is the number of connections of the store's write pool: one. SQLite lets one
// transaction write at a time anyway (BEGIN IMMEDIATE takes the write lock at the start), and
// with several connections the waiting ones sleep in SQLite's busy handler (1, 2, 5, 10 ms …)
// and retry, so the lock sits free while they sleep. With one connection, writers queue in Go
// (sqlstore.DB.LimitWriters: first come, first served) and the next one starts the moment the
// previous one ends; they never see SQLITE_BUSY from each other. The busy timeout stays for
// other processes on the same file (the elevatepay CLI, a second server).
const Writers = 1

// Readers is the number of connections of the store's read pool.
const Readers = 8

// WriterWait is how long a write transaction waits for its turn on the write connection before
// it fails with sqlstore.ErrWriterWait: as long as the busy timeout a write waited for another
// connection's lock before, so no legitimate wait got shorter, and a transaction that asks for
// the write connection while its own goroutine holds it fails instead of hanging forever.
const WriterWait = 10 * time.Second

// WriterDSN is the data source name of the store's write connection to the file at path: WAL,
// a 10 s busy timeout, foreign keys, synchronous=NORMAL, BEGIN IMMEDIATE transactions, and no
// automatic checkpoints (Checkpoints runs them in the background) with the WAL cut back to
// WALLimit when it starts over.
func WriterDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", WALLimit))
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// ReaderDSN is the data source name of the store's read connections: query-only, in deferred
// transactions, so in WAL mode they read a snapshot without queueing behind the writer.
func ReaderDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "query_only(1)")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path, applies migrations and returns the store.
// A new file is created readable and writable by its owner only (0600): it holds the token
// signing secret when none is configured. SQLite gives the -wal and -shm files the main file's mode.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", WriterDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(Writers)
	db.SetMaxIdleConns(Writers)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s := sqlstore.New(db, Dialect, sub)
	s.LimitWriters(Writers, WriterWait)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Reads go through query-only connections in deferred transactions: in WAL mode they read a
	// snapshot without queueing behind the writer, and cannot write by mistake.
	rdb, err := sql.Open("sqlite", ReaderDSN(path))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	rdb.SetMaxOpenConns(Readers)
	rdb.SetMaxIdleConns(Readers)
	s.UseReadPool(rdb)
	stop, err := Checkpoints(path, s.WithWriter)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.OnClose(stop)
	return s, nil
}

// createPrivate creates the database file empty with mode 0600 if it does not exist, before
// SQLite opens it (SQLite would create it 0644, and its -wal and -shm files likewise).
func createPrivate(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("create sqlite database %s: %w", path, err)
	}
	return f.Close()
}

// Companions are the suffixes of the files SQLite keeps beside the database file in WAL mode.
var Companions = []string{"-wal", "-shm"}

// Exposed lists the database file at path and its -wal and -shm files that other users (group or
// others) may read or write, with their modes. Missing files are skipped.
func Exposed(path string) (map[string]fs.FileMode, error) {
	out := map[string]fs.FileMode{}
	for _, suffix := range append([]string{""}, Companions...) {
		fi, err := os.Stat(path + suffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		if m := fi.Mode().Perm(); m&0o066 != 0 {
			out[path+suffix] = m
		}
	}
	return out, nil
}
