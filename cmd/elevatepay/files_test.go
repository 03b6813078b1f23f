package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store/postgres"
)

// serveLog starts `serve` in-process on the database, stops it once it listens and returns
// what it logged (stderr).
func serveLog(t *testing.T, database string) string {
	t.Helper()
	_, out, logs, stop, err := launchServe(t, []string{"--database", database}, noEnv)
	if err != nil {
		t.Fatalf("serve stopped: %v\n%s%s", err, out.String(), logs.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	return logs.String()
}

// warnings returns the messages of the WARN lines of a JSON log.
func warnings(t *testing.T, log string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec struct{ Level, Msg, Path string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec.Level == "WARN" {
			out = append(out, rec.Msg+" path="+rec.Path)
		}
	}
	return out
}

// TestServeWarnsWhenDatabaseFileIsExposed: serve creates the SQLite file 0600 and says nothing;
// when the file is readable by others, serve warns naming the file and `chmod 600` (issue 6
// item 6: the file holds the token signing secret).
func TestServeWarnsWhenDatabaseFileIsExposed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "elevatepay.db")
	if w := warnings(t, serveLog(t, "sqlite:"+path)); len(w) != 0 {
		t.Errorf("warnings for a new database: %q", w)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Fatalf("serve created %s with mode %v, want 0600", path, m)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	w := warnings(t, serveLog(t, "sqlite:"+path))
	found := false
	for _, m := range w {
		if strings.Contains(m, "chmod 600 "+path) && strings.Contains(m, "signing secret") && strings.HasSuffix(m, "path="+path) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no warning naming %s and chmod 600 for a 0644 database file; warnings: %q", path, w)
	}
}

// TestDBMaxConns: --db-max-conns and ELEVATEPAY_DB_MAX_CONNS set the PostgreSQL pool size
// (default 10); values outside 1..1000 are refused with an error naming the flag.
func TestDBMaxConns(t *testing.T) {
	t.Parallel()
	url := testdb.PostgresSchemaURL(t)
	pool := func(args []string, getenv func(string) string) (int, error) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var c config
		c.bind(fs, getenv)
		if err := fs.Parse(append([]string{"--database", url}, args...)); err != nil {
			t.Fatal(err)
		}
		st, err := c.openStore(context.Background())
		if err != nil {
			return 0, err
		}
		defer st.Close()
		return st.SQL().Stats().MaxOpenConnections, nil
	}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want int
	}{
		{nil, nil, postgres.DefaultMaxConns},
		{[]string{"--db-max-conns", "3"}, nil, 3},
		{nil, map[string]string{"ELEVATEPAY_DB_MAX_CONNS": "4"}, 4},
		{[]string{"--db-max-conns=1000"}, map[string]string{"ELEVATEPAY_DB_MAX_CONNS": "4"}, 1000},
	} {
		got, err := pool(c.args, envOf(c.env))
		if err != nil || got != c.want {
			t.Errorf("%v %v: pool of %d, %v; want %d", c.args, c.env, got, err, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--db-max-conns", "0"}, nil},
		{[]string{"--db-max-conns", "1001"}, nil},
		{[]string{"--db-max-conns", "-5"}, nil},
		{[]string{"--db-max-conns", "ten"}, nil},
		{[]string{"--db-max-conns", "2.5"}, nil},
		{nil, map[string]string{"ELEVATEPAY_DB_MAX_CONNS": "many"}},
	} {
		_, err := pool(c.args, envOf(c.env))
		if err == nil || !strings.Contains(err.Error(), "--db-max-conns (ELEVATEPAY_DB_MAX_CONNS) must be a whole number from 1 to 1000") {
			t.Errorf("%v %v: error %v, want one naming --db-max-conns and 1 to 1000", c.args, c.env, err)
		}
	}
	// The whole program refuses it before touching the database.
	err := run(context.Background(), []string{"migrate", "--database", "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "--db-max-conns", "0"}, noEnv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--db-max-conns") {
		t.Errorf("migrate --db-max-conns 0: %v", err)
	}
}
