package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// Configuration checks run before any database is opened, so a mistake is reported at once,
// naming the flag and the fix, instead of after connecting (or as a library's error).

const secretHint = "generate one with: openssl rand -base64 48"

// isPostgres reports whether the database URL names PostgreSQL.
func isPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// sqlitePath returns the file of a sqlite: URL ("" when u is not one).
func sqlitePath(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, "sqlite:")
	if !ok {
		return "", false
	}
	return strings.TrimPrefix(rest, "//"), true
}

// checkDatabase checks the form of --database and suggests the URL that was probably meant.
func checkDatabase(u string) error {
	if isPostgres(u) {
		return nil
	}
	if path, ok := sqlitePath(u); ok {
		if path == "" {
			return fmt.Errorf("--database (DATABASE_URL) %q names no file: use sqlite:PATH, e.g. sqlite:elevatepay.db", u)
		}
		return nil
	}
	const form = "a database URL is sqlite:PATH or postgres://user@host:5432/db"
	switch {
	case u == "":
		return fmt.Errorf("--database (DATABASE_URL) is empty: %s", form)
	case strings.HasPrefix(u, "postgres:") || strings.HasPrefix(u, "postgresql:"):
		_, rest, _ := strings.Cut(u, ":")
		return fmt.Errorf("--database (DATABASE_URL) %q: %s; did you mean postgres://%s?", u, form, strings.TrimLeft(rest, "/"))
	case strings.HasPrefix(u, "file:"):
		return fmt.Errorf("--database (DATABASE_URL) %q: %s; did you mean sqlite:%s?", u, form, strings.TrimPrefix(strings.TrimPrefix(u, "file:"), "//"))
	case !strings.Contains(u, "://"):
		return fmt.Errorf("--database (DATABASE_URL) %q: %s; did you mean sqlite:%s?", u, form, u)
	}
	return fmt.Errorf("--database (DATABASE_URL) %q: %s", u, form)
}

// check validates the shared configuration without touching the database.
func (c *config) check() error {
	if err := checkDatabase(c.database); err != nil {
		return err
	}
	if n := len(c.jwtSecret); n > 0 && n < 32 {
		return fmt.Errorf("--jwt-secret (ELEVATEPAY_JWT_SECRET) is %d bytes; it must be at least 32 bytes (%s)", n, secretHint)
	}
	if c.jwtSecret == "" && isPostgres(c.database) {
		return fmt.Errorf("--jwt-secret (ELEVATEPAY_JWT_SECRET) is required with PostgreSQL: every replica must sign with the same secret (%s)", secretHint)
	}
	if (c.jwtKeys != "" || c.jwksURL != "") && (c.jwtIssuer == "" || c.jwtAudience == "") {
		return errors.New("--jwt-public-keys and --jwks-url need both --jwt-issuer and --jwt-audience: tokens of an external identity provider are always checked for both")
	}
	return nil
}

// openExisting opens the configured database like openStore, but refuses to create a SQLite
// file: commands other than serve and migrate must work on the server's database, and a new
// file would carry a new JWT secret whose tokens the server refuses.
func (c *config) openExisting(ctx context.Context) (*sqlstore.DB, error) {
	if path, ok := sqlitePath(c.database); ok && path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			where := path
			if abs, err := filepath.Abs(path); err == nil && abs != path {
				where = fmt.Sprintf("%s (%s)", path, abs)
			}
			return nil, fmt.Errorf("no database at %s; run `elevatepay serve` first (it creates the database) or pass --database sqlite:PATH of the server's database", where)
		}
	}
	return c.openStore(ctx)
}

// parseLogLevel reads --log-level.
func parseLogLevel(s string) (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level (ELEVATEPAY_LOG_LEVEL) %q is not a log level: use debug, info, warn or error", s)
	}
	return level, nil
}

// checkAddr checks the form of --addr and suggests the address that was probably meant.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		if _, numErr := strconv.ParseUint(addr, 10, 16); numErr == nil {
			return fmt.Errorf("--addr (ELEVATEPAY_ADDR) %q is not host:port: did you mean :%s (every interface) or 127.0.0.1:%s (this machine only)?", addr, addr, addr)
		}
		return fmt.Errorf("--addr (ELEVATEPAY_ADDR) %q is not host:port, e.g. 127.0.0.1:8080 or :8080", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil && port != "" {
		if _, err := net.LookupPort("tcp", port); err != nil {
			return fmt.Errorf("--addr (ELEVATEPAY_ADDR) %q: the port %q is not a number from 0 to 65535", addr, port)
		}
	}
	return nil
}

// listenError explains a failed listen on addr.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("--addr %s: the address is already in use (is another elevatepay or another program serving there?); stop it or pass another port, e.g. --addr 127.0.0.1:8081", addr)
	}
	return fmt.Errorf("--addr %s: %w", addr, err)
}
