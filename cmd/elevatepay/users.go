package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/service"
)

func runUsers(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: elevatepay users add|list|disable|enable [flags]")
	}
	fs := flag.NewFlagSet("users "+args[0], flag.ContinueOnError)
	var cfg config
	cfg.bind(fs, getenv)
	username := fs.String("username", "", "account name")
	var owners, scope *string
	var admin, passwordStdin *bool
	var password *string
	if args[0] == "add" {
		owners = fs.String("contract-owners", "", "comma-separated contract owner ids")
		admin = fs.Bool("admin", false, "the account sees every contract owner")
		scope = fs.String("scope", "payments:read payments:write", "space-separated scopes")
		password = fs.String("password", "", "password (prefer --password-stdin)")
		passwordStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	}
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &service.Service{Store: st}
	switch args[0] {
	case "add":
		if *username == "" {
			return fmt.Errorf("--username is required")
		}
		pw := *password
		if *passwordStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && err != io.EOF {
				return fmt.Errorf("read password: %w", err)
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		if pw == "" {
			return fmt.Errorf("a password is required (--password-stdin or --password)")
		}
		ids, scopes, err := parseAccess(*owners, *scope)
		if err != nil {
			return err
		}
		u := &ep.User{Username: *username, ContractOwnerIDs: ids, Admin: *admin, Scopes: scopes}
		if err := svc.AddUser(ctx, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added\n", u.Username)
	case "list":
		users, err := svc.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tCONTRACT OWNERS\tADMIN\tSCOPES\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%v\t%v\t%s\t%v\n", u.Username, u.ContractOwnerIDs, u.Admin, strings.Join(u.Scopes, " "), u.Disabled)
		}
		return tw.Flush()
	case "disable", "enable":
		if *username == "" {
			return fmt.Errorf("--username is required")
		}
		if err := svc.DisableUser(ctx, *username, args[0] == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s %sd\n", *username, args[0])
	default:
		return fmt.Errorf("unknown users command %q (add, list, disable, enable)", args[0])
	}
	return nil
}
