package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/elevatepay/elevatepay/auth"
)

// defaultScope is the scope of tokens and accounts when --scope is not given (without --admin).
const defaultScope = "payments:read payments:write"

// scopeFlagHelp documents --scope of token and users add.
const scopeFlagHelp = "space-separated scopes: payments:read payments:write providers:write admin (default \"" + defaultScope + "\", or \"admin\" with --admin)"

// accessScope is the --scope to apply: as given, or else admin for --admin (an admin that
// could not do admin things would surprise) and defaultScope otherwise.
func accessScope(given bool, scope string, admin bool) string {
	switch {
	case given:
		return scope
	case admin:
		return auth.ScopeAdmin
	}
	return defaultScope
}

func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token")
	var cfg config
	cfg.bind(fs, getenv)
	sub := fs.String("sub", "", "subject (username) of the token")
	owners := fs.String("contract-owners", "", "comma-separated contract owner ids the token may act for")
	admin := fs.Bool("admin", false, "the token sees every contract owner (and gets the admin scope unless --scope is given)")
	scope := fs.String("scope", "", scopeFlagHelp)
	ttl := fs.Duration("ttl", 15*time.Minute, "lifetime of the token, e.g. 15m, 1h, 24h")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *sub == "" {
		return fmt.Errorf("--sub is required: the subject (username) the token is for, e.g. --sub ops")
	}
	if *owners == "" && !*admin {
		return fmt.Errorf("one of --contract-owners (e.g. --contract-owners 7) or --admin (every contract owner) is required")
	}
	ids, scopes, err := parseAccess(*owners, accessScope(flagSet(fs, "scope"), *scope, *admin))
	if err != nil {
		return err
	}
	if *ttl < time.Second {
		return fmt.Errorf("--ttl %v: the lifetime must be at least 1s, e.g. --ttl 15m", *ttl)
	}
	if err := cfg.check(); err != nil {
		return err
	}
	st, err := cfg.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tokens, err := cfg.tokens(ctx, st)
	if err != nil {
		return err
	}
	tok, err := tokens.Issue(auth.Principal{Subject: *sub, ContractOwnerIDs: ids, Admin: *admin, Scopes: scopes}, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
