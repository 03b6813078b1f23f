package main

import (
	"bufio"
	"context"

	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/service"
)

func runUsers(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, commandHelp["users"])
		return fmt.Errorf("users: a subcommand is required: add, list, disable or enable")
	}
	if isHelpArg(args[0]) {
		fmt.Fprintln(stdout, commandHelp["users"])
		return errHelp
	}
	name := "users " + args[0]
	if _, ok := commandHelp[name]; !ok {
		fmt.Fprintln(stderr, commandHelp["users"])
		return fmt.Errorf("unknown users command %q (add, list, disable, enable)", args[0])
	}
	fs := newFlagSet(name)
	var cfg config
	cfg.bind(fs, getenv)
	var username *string
	if args[0] != "list" {
		username = fs.String("username", "", "account name")
	}
	var owners, scope *string
	var admin, passwordStdin *bool
	var password *string
	if args[0] == "add" {
		owners = fs.String("contract-owners", "", "comma-separated contract owner ids")
		admin = fs.Bool("admin", false, "the account sees every contract owner (and gets the admin scope unless --scope is given)")
		scope = fs.String("scope", "", scopeFlagHelp)
		password = fs.String("password", "", "password (prefer --password-stdin)")
		passwordStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	}
	if err := parseFlags(fs, args[1:], stdout, stderr); err != nil {
		return err
	}
	if username != nil && *username == "" {
		return fmt.Errorf("%s: --username is required", name)
	}
	// Everything is checked before the database is opened.
	var user *ep.User
	var pw string
	if args[0] == "add" {
		if *owners == "" && !*admin {
			return fmt.Errorf("users add: one of --contract-owners (e.g. --contract-owners 7) or --admin (every contract owner) is required")
		}
		ids, scopes, err := parseAccess(*owners, accessScope(flagSet(fs, "scope"), *scope, *admin))
		if err != nil {
			return err
		}
		user = &ep.User{Username: *username, ContractOwnerIDs: ids, Admin: *admin, Scopes: scopes}
		pw = *password
		if *passwordStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && err != io.EOF {
				return fmt.Errorf("read password: %w", err)
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		if pw == "" {
			return fmt.Errorf("users add: a password is required (--password-stdin or --password)")
		}
	}
	if err := cfg.check(); err != nil {
		return err
	}
	st, err := cfg.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &service.Service{Store: st}
	switch args[0] {
	case "add":
		if err := svc.AddUser(ctx, user, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added\n", user.Username)
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
		if err := svc.DisableUser(ctx, *username, args[0] == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s %sd\n", *username, args[0])
	}
	return nil
}
