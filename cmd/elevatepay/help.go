package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp is returned by a command that printed its help as asked: run answers nil (exit 0).
var errHelp = errors.New("help shown")

// isHelpArg reports whether arg asks for help.
func isHelpArg(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// Help texts of the commands: the usage line and what the command does; the flags follow.
var commandHelp = map[string]string{
	"serve": `usage: elevatepay serve [flags]

Runs the HTTP API (migrations run at start). Without --database it uses the SQLite file
elevatepay.db in the current directory, creating it when missing. With --demo an empty
database gets demo data, and an admin token and example requests are printed.`,
	"worker": `usage: elevatepay worker [flags]

Runs the durable jobs' workers without the HTTP API (serve runs them too unless
--workers=false), so API and worker processes scale separately on one PostgreSQL database. Jobs
are picked up at once on PostgreSQL (LISTEN/NOTIFY), within a second otherwise; periodic work
(the hourly purge of idempotency keys) runs once per interval across all worker processes. On
SIGINT or SIGTERM the jobs under way get 30 s to finish.`,
	"migrate": `usage: elevatepay migrate [flags]

Applies the database migrations and exits (serve applies them at start too). Creates the
SQLite file when missing.`,
	"token": `usage: elevatepay token --sub NAME (--contract-owners 1,2 | --admin) [--scope "…"] [--ttl 15m] [flags]

Prints a signed bearer token, signed exactly as the server signs: on SQLite with the secret kept
in the database, so run it against the server's database (the same --database, or the same
directory). The database must exist: run 'elevatepay serve' first.
With --admin and no --scope the token gets the admin scope, so it can do everything.`,
	"bench": `usage: elevatepay bench [--database URL] [--concurrency 1,8,32,64] [--duration 10s] [--scenarios a,b,c,d,e,f] [flags]

Load-tests elevatepay on a fresh database it seeds itself (a temporary SQLite file by default,
or a new schema on the PostgreSQL server of --database, dropped afterwards): it starts this
binary's server on a loopback port, runs each scenario at each concurrency and measures the
database's own limit in the same run (pgbench on PostgreSQL, in-process on SQLite). It prints
requests/s, latency, errors, the server's memory and CPU, and every ratio to the limit; --plot
draws them. Nothing is asserted: compare ratios, not absolute figures, across machines.

scenarios: a POST /v1/invoice-payments, b POST /v1/customer-payments, c GET
/v1/customer-balances, d GET /v1/invoice-payments pages (filters, sorts), e 80% c + 20% a,
f a with a unique Idempotency-Key.`,
	"users": `usage: elevatepay users <add|list|disable|enable> [flags]

Manages the accounts of POST /v1/authenticate in the server's database (which must exist: run
'elevatepay serve' first).

  users add --username U (--password-stdin | --password P) (--contract-owners 7 | --admin) [--scope …]
  users list
  users disable --username U
  users enable --username U

Run 'elevatepay users <subcommand> --help' for its flags.`,
	"users add": `usage: elevatepay users add --username U (--password-stdin | --password P) (--contract-owners 7 | --admin) [--scope "…"] [flags]

Adds an account. With --admin and no --scope it gets the admin scope.`,
	"users list":    "usage: elevatepay users list [flags]\n\nLists the accounts.",
	"users disable": "usage: elevatepay users disable --username U [flags]\n\nDisables an account: it can no longer log in, and its tokens are refused (by running servers within 1 s: they reuse an account check for that long).",
	"users enable":  "usage: elevatepay users enable --username U [flags]\n\nEnables a disabled account again.",
}

// newFlagSet returns a flag set for the command whose help is commandHelp[name].
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nflags:\n", commandHelp[name])
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses the flags of a command. Asked for help (-h, --help, or a lone trailing
// "help"), it prints the command's help on stdout and returns errHelp. A bad flag is an error
// naming it, with a pointer to the help.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var msgs bytes.Buffer
	fs.SetOutput(&msgs)
	err := fs.Parse(args)
	if err == nil && fs.NArg() == 1 && fs.Arg(0) == "help" {
		err = flag.ErrHelp
	}
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelp
	}
	fs.SetOutput(stderr)
	if err != nil {
		return fmt.Errorf("%s: %v (see 'elevatepay %s --help')", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments: %s (see 'elevatepay %s --help')", fs.Name(), strings.Join(fs.Args(), " "), fs.Name())
	}
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
