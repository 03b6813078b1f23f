package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/postgres"
	"github.com/elevatepay/elevatepay/store/sqlite"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// config is the configuration shared by every command.
type config struct {
	database    string
	jwtSecret   string
	jwtIssuer   string
	jwtAudience string
	jwtKeys     string // comma-separated PEM files of RS256/ES256 public keys
	jwksURL     string
	brand       string
	dbMaxConns  string // PostgreSQL pool size, validated by poolSize
}

func env(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// bind registers the shared flags, with defaults from the environment.
func (c *config) bind(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.database, "database", env(getenv, "DATABASE_URL", "sqlite:elevatepay.db"), "database URL: sqlite:PATH or postgres://… (env DATABASE_URL)")
	fs.StringVar(&c.jwtSecret, "jwt-secret", getenv("ELEVATEPAY_JWT_SECRET"), "HS256 secret, at least 32 bytes (env ELEVATEPAY_JWT_SECRET); on SQLite a random one is kept in the database when unset; required on PostgreSQL")
	fs.StringVar(&c.jwtIssuer, "jwt-issuer", getenv("ELEVATEPAY_JWT_ISSUER"), "iss of issued tokens, required on incoming ones when set (env ELEVATEPAY_JWT_ISSUER)")
	fs.StringVar(&c.jwtAudience, "jwt-audience", getenv("ELEVATEPAY_JWT_AUDIENCE"), "aud required on incoming tokens when set (env ELEVATEPAY_JWT_AUDIENCE)")
	fs.StringVar(&c.jwtKeys, "jwt-public-keys", getenv("ELEVATEPAY_JWT_PUBLIC_KEYS"), "comma-separated PEM files of RS256/ES256 public keys of an external identity provider (env ELEVATEPAY_JWT_PUBLIC_KEYS)")
	fs.StringVar(&c.jwksURL, "jwks-url", getenv("ELEVATEPAY_JWKS_URL"), "JWKS URL of an external identity provider (env ELEVATEPAY_JWKS_URL)")
	fs.StringVar(&c.brand, "brand", env(getenv, "ELEVATEPAY_BRAND", "elevatepay"), "brand name POST /v1/authenticate expects (env ELEVATEPAY_BRAND)")
	fs.StringVar(&c.dbMaxConns, "db-max-conns", env(getenv, "ELEVATEPAY_DB_MAX_CONNS", strconv.Itoa(postgres.DefaultMaxConns)),
		fmt.Sprintf("most PostgreSQL connections this process opens, 1 to %d; keep replicas × this below the server's max_connections (env ELEVATEPAY_DB_MAX_CONNS)", postgres.MaxConnsLimit))
}

// openStore opens the configured database and applies its migrations (the job queue's tables
// are migrated by jobs.Open, or by migrate).
func (c *config) openStore(ctx context.Context) (*sqlstore.DB, error) {
	n, err := c.poolSize()
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(c.database, "postgres://"), strings.HasPrefix(c.database, "postgresql://"):
		return postgres.OpenWith(ctx, c.database, postgres.Options{MaxConns: n})
	case strings.HasPrefix(c.database, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(c.database, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("database URL %q names no file", c.database)
		}
		return sqlite.Open(ctx, path)
	}
	return nil, checkDatabase(c.database)
}

// poolSize parses --db-max-conns.
func (c *config) poolSize() (int, error) {
	v := c.dbMaxConns
	if v == "" {
		return postgres.DefaultMaxConns, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > postgres.MaxConnsLimit {
		return 0, fmt.Errorf("--db-max-conns (ELEVATEPAY_DB_MAX_CONNS) must be a whole number from 1 to %d, got %q", postgres.MaxConnsLimit, v)
	}
	return n, nil
}

const secretSetting = "jwt_secret"

// tokens builds the token signer/verifier. Without a configured secret, SQLite keeps a random
// secret in the database so tokens survive restarts; PostgreSQL deployments must configure one
// (replicas must share it).
func (c *config) tokens(ctx context.Context, st store.Store) (*auth.Tokens, error) {
	secret := []byte(c.jwtSecret)
	if len(secret) == 0 {
		if st.Engine() != "sqlite" {
			return nil, fmt.Errorf("--jwt-secret (ELEVATEPAY_JWT_SECRET) is required with PostgreSQL (%s)", secretHint)
		}
		b := make([]byte, 48)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		var stored string
		err := st.Tx(ctx, func(tx store.Tx) error {
			var err error
			stored, err = tx.SetSettingIfAbsent(secretSetting, base64.RawStdEncoding.EncodeToString(b))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("jwt secret: %w", err)
		}
		if secret, err = base64.RawStdEncoding.DecodeString(stored); err != nil {
			return nil, fmt.Errorf("jwt secret stored in the database is corrupt: %w", err)
		}
	}
	cfg := auth.Config{Secret: secret, Issuer: c.jwtIssuer, Audience: c.jwtAudience, JWKSURL: c.jwksURL}
	if c.jwtKeys != "" {
		for _, f := range strings.Split(c.jwtKeys, ",") {
			b, err := os.ReadFile(strings.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("read public key: %w", err)
			}
			cfg.PublicKeyPEMs = append(cfg.PublicKeyPEMs, b)
		}
	}
	return auth.NewTokens(ctx, cfg)
}

// parseOwners parses "1,2,3" into contract owner ids.
func parseOwners(s string) ([]int32, error) {
	var ids []int32
	if strings.TrimSpace(s) == "" {
		return ids, nil
	}
	for _, f := range strings.Split(s, ",") {
		var id int32
		if _, err := fmt.Sscan(strings.TrimSpace(f), &id); err != nil || id < 1 {
			return nil, fmt.Errorf("--contract-owners: contract owner ids are integers >= 1 separated by commas, e.g. 7 or 7,9; got %q", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// parseAccess parses the --contract-owners and --scope flags shared by token and users add.
func parseAccess(owners, scope string) ([]int32, []string, error) {
	ids, err := parseOwners(owners)
	if err != nil {
		return nil, nil, err
	}
	scopes, err := auth.ParseScopes(scope)
	if err != nil {
		return nil, nil, fmt.Errorf("--scope %q: %w; the scopes are payments:read payments:write providers:write admin, separated by spaces", scope, err)
	}
	return ids, scopes, nil
}
