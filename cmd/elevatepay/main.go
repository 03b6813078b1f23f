// Command elevatepay is the elevatepay payments service: `serve` runs the HTTP API, `migrate`
// applies database migrations, `token` mints a bearer token and `users` manages the accounts of
// POST /v1/authenticate. Configuration comes from flags or the environment (see README.md).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "elevatepay:", err)
		os.Exit(1)
	}
}

const usage = `usage: elevatepay <command> [flags]

commands:
  serve     run the HTTP API (migrations run at start)
  migrate   apply database migrations and exit
  token     print a signed bearer token
  users     add | list | disable | enable accounts of POST /v1/authenticate

Run 'elevatepay <command> -h' for the flags of a command.`

// run is the whole program, testable in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "token":
		return runToken(ctx, args[1:], getenv, stdout, stderr)
	case "users":
		return runUsers(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
