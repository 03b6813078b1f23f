// Package testdb gives tests real, isolated databases: a SQLite file in a temporary directory,
// or a fresh schema on the PostgreSQL server named by ELEVATEPAY_TEST_DATABASE_URL.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/elevatepay/elevatepay/store/postgres"
	"github.com/elevatepay/elevatepay/store/sqlite"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// DefaultPostgresURL is used when ELEVATEPAY_TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the server tests use.
func PostgresURL() string {
	if u := os.Getenv("ELEVATEPAY_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// SQLite opens a migrated store on a new file that is removed after the test.
func SQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	return SQLiteAt(t, filepath.Join(t.TempDir(), "test.db"))
}

// SQLiteAt opens a migrated store on the file at path (created if missing), closed after the test.
func SQLiteAt(t testing.TB, path string) *sqlstore.DB {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresSchemaURL creates a fresh schema and returns a URL whose connections use it; the
// schema is dropped after the test. It fails the test (never skips) when the server is unreachable.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		t.Fatalf("PostgreSQL is required for this test but %s is unreachable: %v\n"+
			"Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set ELEVATEPAY_TEST_DATABASE_URL.", redact(base), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", redact(base), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a migrated store in a fresh schema.
func Postgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	return PostgresAt(t, PostgresSchemaURL(t))
}

// PostgresAt opens a migrated store on the database URL (from PostgresSchemaURL), closed after the test.
func PostgresAt(t testing.TB, url string) *sqlstore.DB {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
