package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/elevatepay/elevatepay/auth"
)

func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	var cfg config
	cfg.bind(fs, getenv)
	sub := fs.String("sub", "", "subject (username) of the token")
	owners := fs.String("contract-owners", "", "comma-separated contract owner ids the token may act for")
	admin := fs.Bool("admin", false, "the token sees every contract owner")
	scope := fs.String("scope", "payments:read payments:write", "space-separated scopes: payments:read payments:write providers:write admin")
	ttl := fs.Duration("ttl", 15*time.Minute, "lifetime of the token")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *sub == "" {
		return fmt.Errorf("--sub is required")
	}
	if *owners == "" && !*admin {
		return fmt.Errorf("one of --contract-owners or --admin is required")
	}
	ids, scopes, err := parseAccess(*owners, *scope)
	if err != nil {
		return err
	}
	if *ttl <= 0 {
		return fmt.Errorf("--ttl must be positive")
	}
	st, err := cfg.openStore(ctx)
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
