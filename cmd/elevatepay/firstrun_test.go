package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/testdb"
)

// runIn runs the program in-process and returns its error, stdout and stderr.
func runIn(t *testing.T, args []string, getenv func(string) string, stdin string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// TestHelpExitsZero: help of every command and subcommand, however asked, exits 0 and prints
// the usage on stdout, nothing on stderr (issue 6, item 19: it was exit 1 "flag: help
// requested", and "users --help" was an unknown command).
func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"usage: elevatepay <command>":              {"help", "-h", "--help"},
		"usage: elevatepay serve [flags]":          {"serve -h", "serve --help", "serve -help", "serve help", "help serve"},
		"usage: elevatepay migrate [flags]":        {"migrate --help", "help migrate"},
		"usage: elevatepay token --sub NAME":       {"token --help", "token -h", "help token"},
		"usage: elevatepay users <add|list":        {"users --help", "users -h", "users help", "help users"},
		"usage: elevatepay users add --username":   {"users add --help", "users add -h", "help users add"},
		"usage: elevatepay users list [flags]":     {"users list --help"},
		"usage: elevatepay users disable --userna": {"users disable --help"},
		"usage: elevatepay users enable --usernam": {"users enable --help"},
	}
	flagsOf := map[string]string{"serve": "-demo", "migrate": "-database", "token": "-contract-owners", "add": "-password-stdin", "list": "-database"}
	for want, list := range cases {
		t.Run(want, func(t *testing.T) {
			for _, line := range list {
				args := strings.Fields(line)
				out, errOut, err := runIn(t, args, noEnv, "")
				if err != nil || !strings.HasPrefix(out, want) || errOut != "" {
					t.Errorf("elevatepay %s: err %v, stdout %.80q, stderr %q; want exit 0 and %q on stdout", line, err, out, errOut, want)
					continue
				}
				for cmd, flag := range flagsOf {
					if strings.Contains(want, " "+cmd+" ") && !strings.Contains(out, flag) {
						t.Errorf("elevatepay %s: the help lists no %s flag:\n%s", line, flag, out)
					}
				}
			}
		})
	}
	// No command at all is a mistake: usage on stderr, exit 1.
	if _, errOut, err := runIn(t, nil, noEnv, ""); err == nil || !strings.Contains(errOut, "usage: elevatepay") {
		t.Errorf("no command: err %v, stderr %q", err, errOut)
	}
}

// TestVersion: `version` and `--version` print the version and commit (item 19).
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, err := runIn(t, args, noEnv, "")
		if err != nil || !strings.HasPrefix(out, "elevatepay ") || !strings.Contains(out, "commit ") {
			t.Errorf("%v: err %v, stdout %q", args, err, out)
		}
	}
	info := func(v string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/elevatepay/elevatepay/cmd/elevatepay", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0ff6638abcdef0123456789abcdef0123456789a"
	for _, c := range []struct {
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"v1.2.3", info("v0.0.0-x", "vcs.revision", rev, "vcs.modified", "false"), "elevatepay v1.2.3 (commit " + rev + ", go1.26.8)"},
		{"", info("v0.4.0", "vcs.revision", rev, "vcs.modified", "true"), "elevatepay v0.4.0 (commit " + rev + ", with local modifications, go1.26.8)"},
		{"", info("(devel)"), "elevatepay devel (commit unknown, go1.26.8)"},
		{"", info(""), "elevatepay devel (commit unknown, go1.26.8)"},
		{"", nil, "elevatepay devel (commit unknown)"},
	} {
		if got := describeVersion(c.ldflags, c.bi); got != c.want {
			t.Errorf("describeVersion(%q, …) = %q, want %q", c.ldflags, got, c.want)
		}
	}
}

// TestMistakesNameTheFix: a bad flag value is an error naming the flag and the fix, reported
// before any database is opened or connected to (item 19).
func TestMistakesNameTheFix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "never.db")
	unreachable := "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable" // nothing listens on port 1
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"serve", "--database", db, "--log-level", "verbose"}, nil, `--log-level (ELEVATEPAY_LOG_LEVEL) "verbose" is not a log level: use debug, info, warn or error`},
		{[]string{"serve", "--database", db}, map[string]string{"ELEVATEPAY_LOG_LEVEL": "loud"}, `"loud" is not a log level`},
		{[]string{"serve", "--database", db, "--jwt-secret", "too-short"}, nil, "--jwt-secret (ELEVATEPAY_JWT_SECRET) is 9 bytes; it must be at least 32 bytes (generate one with: openssl rand -base64 48)"},
		{[]string{"serve", "--database", "elevatepay.db"}, nil, `did you mean sqlite:elevatepay.db?`},
		{[]string{"serve"}, map[string]string{"DATABASE_URL": "./data/ep.db"}, `did you mean sqlite:./data/ep.db?`},
		{[]string{"serve", "--database", "postgres:user@host/db"}, nil, `did you mean postgres://user@host/db?`},
		{[]string{"serve", "--database", "sqlite:"}, nil, `names no file`},
		{[]string{"serve", "--database", db, "--addr", "8080"}, nil, `--addr (ELEVATEPAY_ADDR) "8080" is not host:port: did you mean :8080 (every interface) or 127.0.0.1:8080 (this machine only)?`},
		{[]string{"serve", "--database", db, "--addr", "localhost"}, nil, `is not host:port, e.g. 127.0.0.1:8080`},
		{[]string{"serve", "--database", db, "--addr", "127.0.0.1:99999"}, nil, `the port "99999" is not a number from 0 to 65535`},
		// The JWT secret is checked before connecting to PostgreSQL: no "connection refused".
		{[]string{"serve", "--database", unreachable}, nil, "--jwt-secret (ELEVATEPAY_JWT_SECRET) is required with PostgreSQL"},
		{[]string{"serve", "--database", unreachable, "--jwt-secret", "short"}, nil, "is 5 bytes; it must be at least 32 bytes"},
		{[]string{"token", "--database", unreachable, "--sub", "x", "--admin"}, nil, "--jwt-secret (ELEVATEPAY_JWT_SECRET) is required with PostgreSQL"},
		{[]string{"serve", "--database", db, "--jwks-url", "https://id.example.test/jwks"}, nil, "need both --jwt-issuer and --jwt-audience"},
		{[]string{"serve", "--database", db, "--bogus"}, nil, "serve: flag provided but not defined: -bogus (see 'elevatepay serve --help')"},
		{[]string{"serve", "--database", db, "extra"}, nil, "serve: unexpected arguments: extra"},
		{[]string{"token", "--database", db, "--admin"}, nil, "--sub is required"},
		{[]string{"token", "--database", db, "--sub", "x"}, nil, "one of --contract-owners (e.g. --contract-owners 7) or --admin"},
		{[]string{"token", "--database", db, "--sub", "x", "--contract-owners", "7,a"}, nil, `--contract-owners: contract owner ids are integers >= 1`},
		{[]string{"token", "--database", db, "--sub", "x", "--admin", "--scope", "everything"}, nil, `--scope "everything"`},
		{[]string{"token", "--database", db, "--sub", "x", "--admin", "--ttl", "0s"}, nil, "--ttl 0s: the lifetime must be at least 1s"},
		{[]string{"token", "--database", db, "--sub", "x", "--admin", "--ttl", "soon"}, nil, `token: invalid value "soon" for flag -ttl`},
		{[]string{"users"}, nil, "users: a subcommand is required: add, list, disable or enable"},
		{[]string{"users", "frob"}, nil, `unknown users command "frob"`},
		{[]string{"users", "add", "--database", db, "--password", "x"}, nil, "users add: --username is required"},
		{[]string{"users", "add", "--database", db, "--username", "u", "--password", "x"}, nil, "one of --contract-owners (e.g. --contract-owners 7) or --admin"},
		{[]string{"users", "add", "--database", db, "--username", "u", "--contract-owners", "7"}, nil, "users add: a password is required (--password-stdin or --password)"},
		{[]string{"users", "add", "--database", db, "--username", "u", "--admin", "--scope", "root", "--password", "x"}, nil, `--scope "root"`},
		{[]string{"users", "disable", "--database", db}, nil, "users disable: --username is required"},
		{[]string{"nope"}, nil, `unknown command "nope"`},
	}
	for _, c := range cases {
		_, _, err := runIn(t, c.args, envOf(c.env), "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("elevatepay %s: error %v\nwant it to contain %q", strings.Join(c.args, " "), err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("a rejected command created %v", entries)
	}
	// The port is taken: the message says so and what to do.
	_, _, err = runIn(t, []string{"serve", "--database", db, "--addr", busy.Addr().String()}, noEnv, "")
	if err == nil || !strings.Contains(err.Error(), "--addr "+busy.Addr().String()+": the address is already in use") || !strings.Contains(err.Error(), "pass another port") {
		t.Errorf("serve on a busy port: %v", err)
	}
}

// TestCommandsNeedTheServersDatabase: token and users never create a SQLite database (a new
// one would hold a new JWT secret); serve and migrate do (item 18).
func TestCommandsNeedTheServersDatabase(t *testing.T) {
	// Not parallel: changes the process's working directory (t.Chdir).
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	db := "sqlite:" + missing
	for _, args := range [][]string{
		{"token", "--database", db, "--sub", "x", "--admin"},
		{"users", "list", "--database", db},
		{"users", "add", "--database", db, "--username", "u", "--contract-owners", "7", "--password", "pw"},
		{"users", "disable", "--database", db, "--username", "u"},
		{"users", "enable", "--database", db, "--username", "u"},
	} {
		out, _, err := runIn(t, args, noEnv, "")
		if err == nil || !strings.Contains(err.Error(), "no database at "+missing) || !strings.Contains(err.Error(), "run `elevatepay serve` first") || !strings.Contains(err.Error(), "--database") {
			t.Errorf("elevatepay %s: error %v, stdout %q", strings.Join(args, " "), err, out)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("elevatepay %s created %s", strings.Join(args, " "), missing)
		}
	}
	// The default database, relative to the working directory: the message shows where.
	t.Chdir(dir)
	_, _, err := runIn(t, []string{"token", "--sub", "x", "--admin"}, noEnv, "")
	if err == nil || !strings.Contains(err.Error(), "no database at elevatepay.db ("+filepath.Join(dir, "elevatepay.db")+")") {
		t.Errorf("token without --database in an empty directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "elevatepay.db")); err == nil {
		t.Error("token created elevatepay.db")
	}
	// migrate creates the database; then token works on it.
	if _, _, err := runIn(t, []string{"migrate", "--database", db}, noEnv, ""); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runIn(t, []string{"token", "--database", db, "--sub", "x", "--admin"}, noEnv, ""); err != nil || strings.Count(out, ".") != 2 {
		t.Errorf("token on the migrated database: %v %q", err, out)
	}
}

// TestTokenFromAnotherDatabase: a token minted against another database is refused with a 401
// that says its signature did not verify; one minted against the server's database works.
func TestTokenFromAnotherDatabase(t *testing.T) {
	t.Parallel()
	served := "sqlite:" + filepath.Join(t.TempDir(), "served.db")
	other := "sqlite:" + filepath.Join(t.TempDir(), "other.db")
	if _, _, err := runIn(t, []string{"migrate", "--database", other}, noEnv, ""); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startServe(t, []string{"--database", served}, noEnv)
	defer stop()
	mint := func(db string) string {
		out, errOut, err := runIn(t, []string{"token", "--database", db, "--sub", "ops", "--contract-owners", "7"}, noEnv, "")
		if err != nil {
			t.Fatalf("token: %v %s", err, errOut)
		}
		return strings.TrimSpace(out)
	}
	status, body := runCurl(t, "curl -H 'Authorization: Bearer "+mint(other)+"' '"+base+"/v1/currencies?page=1&pageSize=1'")
	if status != 401 || !strings.Contains(body, "the token's signature did not verify (it was signed with another secret or key: was it minted against another database?)") {
		t.Errorf("token of another database: %d %s", status, body)
	}
	if status, body := runCurl(t, "curl -H 'Authorization: Bearer "+mint(served)+"' '"+base+"/v1/currencies?page=1&pageSize=1'"); status != 200 {
		t.Errorf("token of the server's database: %d %s", status, body)
	}
}

// TestAdminWithoutScope: `token --admin` and `users add --admin` without --scope can do what
// the admin claim suggests (reference-data writes need the admin scope); an explicit --scope
// is kept as given (item 19).
func TestAdminWithoutScope(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			getenv := noEnv
			db := "sqlite:" + filepath.Join(t.TempDir(), "admin.db")
			if engine == "postgres" {
				db = testdb.PostgresSchemaURL(t)
				getenv = envOf(map[string]string{"ELEVATEPAY_JWT_SECRET": "a-secret-for-postgres-of-32-bytes-or-more"})
			}
			base, _, stop := startServe(t, []string{"--database", db}, getenv)
			defer stop()
			createCustomer := func(tok, name string) (int, string) {
				return runCurl(t, "curl -H 'Authorization: Bearer "+tok+"' -H 'Content-Type: application/json' -d '{\"contractOwnerId\":7,\"customerName\":\""+name+"\",\"currencyId\":1}' '"+base+"/v1/customers'")
			}
			mint := func(args ...string) string {
				out, errOut, err := runIn(t, append([]string{"token", "--database", db, "--sub", "root"}, args...), getenv, "")
				if err != nil {
					t.Fatalf("token %v: %v %s", args, err, errOut)
				}
				return strings.TrimSpace(out)
			}
			if status, body := createCustomer(mint("--admin"), "Admin Ltd"); status != 201 {
				t.Errorf("token --admin without --scope: POST /v1/customers → %d %s", status, body)
			}
			if status, body := createCustomer(mint("--admin", "--scope", "payments:read"), "Reader Ltd"); status != 403 {
				t.Errorf("token --admin --scope payments:read: POST /v1/customers → %d %s, want 403", status, body)
			}
			if status, body := createCustomer(mint("--contract-owners", "7"), "Owner Ltd"); status != 403 {
				t.Errorf("token --contract-owners 7 (default scope): POST /v1/customers → %d %s, want 403", status, body)
			}

			if _, errOut, err := runIn(t, []string{"users", "add", "--database", db, "--username", "root", "--admin", "--password-stdin"}, getenv, "root password\n"); err != nil {
				t.Fatalf("users add --admin: %v %s", err, errOut)
			}
			out, _, err := runIn(t, []string{"users", "list", "--database", db}, getenv, "")
			if err != nil || !strings.Contains(out, auth.ScopeAdmin) {
				t.Errorf("users list: %v\n%s", err, out)
			}
			status, body := runCurl(t, "curl -H 'Content-Type: application/json' -d '{\"brand\":\"elevatepay\",\"username\":\"root\",\"password\":\"root password\"}' '"+base+"/v1/authenticate'")
			tok := ""
			if m := strings.SplitN(body, `"token":"`, 2); status == 200 && len(m) == 2 {
				tok, _, _ = strings.Cut(m[1], `"`)
			}
			if tok == "" {
				t.Fatalf("authenticate as the admin account: %d %s", status, body)
			}
			if status, body := createCustomer(tok, "Account Ltd"); status != 201 {
				t.Errorf("account added with --admin, no --scope: POST /v1/customers → %d %s", status, body)
			}
		})
	}
}
