package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/elevatepay/elevatepay/store/postgres"
	"github.com/elevatepay/elevatepay/store/sqlite"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// target is the database of one run: a SQLite file the run created, or a PostgreSQL schema it
// created (existing data is never touched).
type target struct {
	engine string // "sqlite" or "postgres"
	url    string // what serve --database gets

	path string // SQLite: the file
	dir  string // SQLite: the temporary directory holding it, when the run chose the file

	admin  *sql.DB // PostgreSQL: a connection without the schema, to create and drop it
	schema string  // PostgreSQL: the run's schema
	base   string  // PostgreSQL: the URL as given, without search_path (libpq reads it: pgbench)
}

func openTarget(ctx context.Context, c Config) (*target, error) {
	d := c.Database
	switch {
	case d == "":
		dir, err := os.MkdirTemp("", "elevatepay-bench-")
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, "bench.db")
		return &target{engine: "sqlite", url: "sqlite:" + p, path: p, dir: dir}, nil
	case strings.HasPrefix(d, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(d, "sqlite:"), "//")
		if p == "" {
			return nil, fmt.Errorf("--database %q names no file", d)
		}
		if _, err := os.Stat(p); err == nil {
			return nil, fmt.Errorf("--database %s: the file exists; bench seeds its own data into a new file (give a path that does not exist, or leave --database out for a temporary one)", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return &target{engine: "sqlite", url: "sqlite:" + p, path: p}, nil
	case strings.HasPrefix(d, "postgres://"), strings.HasPrefix(d, "postgresql://"):
		u, err := url.Parse(d)
		if err != nil {
			return nil, fmt.Errorf("--database: %v", err)
		}
		q := u.Query()
		q.Del("search_path")
		u.RawQuery = q.Encode()
		base := u.String()
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return nil, err
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := admin.PingContext(pctx); err != nil {
			admin.Close()
			return nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
		}
		b := make([]byte, 5)
		_, _ = rand.Read(b)
		schema := "bench_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(pctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, fmt.Errorf("create schema: %w", err)
		}
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return &target{engine: "postgres", url: u.String(), admin: admin, schema: schema, base: base}, nil
	}
	return nil, fmt.Errorf("--database %q: want sqlite:PATH or postgres://…", d)
}

func (t *target) describe() string {
	if t.engine == "sqlite" {
		return "SQLite file " + t.path
	}
	u, _ := url.Parse(t.base)
	return fmt.Sprintf("PostgreSQL %s, schema %s", u.Redacted(), t.schema)
}

// open opens the store (migrating it) with a pool of n connections on PostgreSQL.
func (t *target) open(ctx context.Context, n int) (*sqlstore.DB, error) {
	if t.engine == "sqlite" {
		return sqlite.Open(ctx, t.path)
	}
	return postgres.OpenWith(ctx, t.url, postgres.Options{MaxConns: n})
}

// cleanup removes what the run created, unless --keep.
func (t *target) cleanup(c Config) {
	switch {
	case c.Keep && t.engine == "sqlite":
		logf(c, "kept the SQLite database %s", t.path)
	case c.Keep:
		logf(c, "kept the PostgreSQL schema %s", t.schema)
	case t.engine == "sqlite" && t.dir != "":
		os.RemoveAll(t.dir)
	case t.engine == "sqlite":
		for _, s := range append([]string{""}, sqlite.Companions...) {
			os.Remove(t.path + s)
		}
	default:
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if _, err := t.admin.ExecContext(ctx, "DROP SCHEMA "+t.schema+" CASCADE"); err != nil {
			logf(c, "could not drop the schema %s: %v", t.schema, err)
		}
	}
	if t.admin != nil {
		t.admin.Close()
	}
}
