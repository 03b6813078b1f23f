// Package postgres opens the PostgreSQL store (pgx driver) with its embedded migrations.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"github.com/elevatepay/elevatepay/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's SQL dialect.
var Dialect = sqlstore.Dialect{
	Name:        "postgres",
	Goose:       goose.DialectPostgres,
	Numbered:    true,
	ForUpdate:   " FOR UPDATE",
	TextCollate: ` COLLATE "C"`,
	IsUnique:    func(err error) bool { return pgCode(err) == "23505" },
	IsRetryable: func(err error) bool { c := pgCode(err); return c == "40001" || c == "40P01" },
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Open connects to the database at url (postgres://…), applies migrations and returns the store.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
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
