// Package postgres opens the PostgreSQL store (pgx driver) with its embedded migrations.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/elevatepay/elevatepay/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's SQL dialect.
var Dialect = sqlstore.Dialect{
	Name:          "postgres",
	Goose:         goose.DialectPostgres,
	Numbered:      true,
	ForUpdate:     " FOR UPDATE",
	WritableCTE:   true,
	NoFlushCTE:    "SELECT set_config('synchronous_commit', 'off', true)",
	TextCollate:   ` COLLATE "C"`,
	IsUnique:      func(err error) bool { return pgCode(err) == "23505" },
	IsRetryable:   func(err error) bool { c := pgCode(err); return c == "40001" || c == "40P01" },
	MigrationLock: func() lock.SessionLocker { return &migrationLock{} },
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// DefaultMaxConns is the default size of the connection pool: several replicas fit within
// PostgreSQL's default max_connections of 100.
const DefaultMaxConns = 10

// MaxConnsLimit is the largest pool size Open accepts.
const MaxConnsLimit = 1000

// Options tune OpenWith.
type Options struct {
	// MaxConns is the most connections the pool opens (1..MaxConnsLimit); DefaultMaxConns when 0.
	MaxConns int
}

// Open connects to the database at url (postgres://…) with the default options, applies
// migrations and returns the store.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	return OpenWith(ctx, url, Options{})
}

// OpenWith connects to the database at url (postgres://…), applies migrations and returns the store.
func OpenWith(ctx context.Context, url string, o Options) (*sqlstore.DB, error) {
	n := o.MaxConns
	if n == 0 {
		n = DefaultMaxConns
	}
	if n < 1 || n > MaxConnsLimit {
		return nil, fmt.Errorf("postgres pool size %d outside 1..%d", n, MaxConnsLimit)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s := sqlstore.New(db, Dialect, sub)
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrationLock is a session advisory lock held while migrations are applied, so processes
// starting together on one database take turns (two replicas on an empty database used to race,
// and one failed with a duplicate key). Its key is derived from the database and the schema the
// migrations go to: migrations of different schemas on one server (tests) do not wait for each
// other. pg_advisory_lock waits for the lock while ctx lives; a lock whose session ends (a
// process that dies) is released by the server.
type migrationLock struct{ key int64 }

var _ lock.SessionLocker = (*migrationLock)(nil)

// migrationLockKey is the advisory lock key of migrations of schema in database db.
func migrationLockKey(db, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("elevatepay migrations\x00" + db + "\x00" + schema))
	return int64(h.Sum64())
}

func (l *migrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	var db, schema string
	if err := conn.QueryRowContext(ctx, "SELECT current_database(), coalesce(current_schema(), '')").Scan(&db, &schema); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	l.key = migrationLockKey(db, schema)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", l.key); err != nil {
		return fmt.Errorf("wait for the migration lock: %w", err)
	}
	return nil
}

func (l *migrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var released bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", l.key).Scan(&released); err != nil {
		return fmt.Errorf("release the migration lock: %w", err)
	}
	if !released {
		return errors.New("release the migration lock: it was not held")
	}
	return nil
}
