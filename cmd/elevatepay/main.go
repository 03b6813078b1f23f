// Command elevatepay is the elevatepay payments service: `serve` runs the HTTP API (and the
// durable jobs' workers), `worker` runs the workers alone, `migrate` applies database migrations, `token` mints a bearer token and `users` manages the accounts of
// POST /v1/authenticate. Configuration comes from flags or the environment (see README.md).
package main

import (
	"context"
	"errors"
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
  serve     run the HTTP API and the durable jobs' workers (migrations run at start)
  worker    run the durable jobs' workers without the HTTP API
  migrate   apply database migrations and exit
  token     print a signed bearer token
  users     add | list | disable | enable accounts of POST /v1/authenticate
  bench     load-test a fresh seeded server against the database's own limit
  version   print the version and commit

Run 'elevatepay <command> --help' for the flags of a command.`

// run is the whole program, testable in-process. A command that printed its help as asked
// returns nil (exit status 0).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no command given")
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], getenv, stdout, stderr)
	case "worker":
		err = runWorker(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "token":
		err = runToken(ctx, args[1:], getenv, stdout, stderr)
	case "users":
		err = runUsers(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "bench":
		err = runBench(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[1] != "help" { // elevatepay help serve = elevatepay serve --help
			return run(ctx, append(args[1:], "--help"), getenv, stdin, stdout, stderr)
		}
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}
