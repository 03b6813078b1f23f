package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/service"
)

func init() { auth.Cost = bcrypt.MinCost }

// syncBuffer is a goroutine-safe output buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// startServe runs `elevatepay serve` in-process and waits until it listens; it returns the
// base URL, the output and a stop function that checks run returned nil.
func startServe(t *testing.T, args []string, getenv func(string) string) (string, *syncBuffer, func()) {
	t.Helper()
	start := time.Now()
	base, out, logs, stop, err := launchServe(t, args, getenv)
	if err != nil {
		t.Fatalf("serve stopped: %v\n%s%s", err, out.String(), logs.String())
	}
	t.Logf("serving %s after %v (from run() to listening, build excluded)", base, time.Since(start).Round(time.Millisecond))
	return base, out, func() {
		if err := stop(); err != nil {
			t.Errorf("serve returned %v after cancel, want nil (exit 0)", err)
		}
	}
}

// launchServe runs `serve --addr 127.0.0.1:0` and args in-process and waits until it listens.
// It returns the base URL, the output, the log and stop, which ends serve and returns what it
// returned; or, when serve ended before listening, its error (and a nil stop).
func launchServe(t *testing.T, args []string, getenv func(string) string) (base string, out, logs *syncBuffer, stop func() error, err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, logs = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), out, logs)
	}()
	re := regexp.MustCompile(`listening on (https?://\S+)`)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, logs, func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(30 * time.Second):
					return errors.New("serve did not stop within 30 s")
				}
			}, nil
		}
		select {
		case err := <-done:
			cancel()
			if err == nil {
				err = errors.New("serve returned before listening")
			}
			return "", out, logs, nil, err
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s%s", out.String(), logs.String())
		}
	}
}

var (
	curlHeader = regexp.MustCompile(`-H '([^']*)'`)
	curlData   = regexp.MustCompile(`-d '([^']*)'`)
	curlURL    = regexp.MustCompile(`'(http://[^']*)'`)
)

// runCurl performs a printed curl command with net/http, exactly as written.
func runCurl(t *testing.T, line string) (int, string) {
	t.Helper()
	u := curlURL.FindStringSubmatch(line)
	if u == nil {
		t.Fatalf("no URL in %q", line)
	}
	method, body := http.MethodGet, io.Reader(nil)
	if d := curlData.FindStringSubmatch(line); d != nil {
		method, body = http.MethodPost, strings.NewReader(d[1])
	}
	req, err := http.NewRequest(method, u[1], body)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range curlHeader.FindAllStringSubmatch(line, -1) {
		k, v, _ := strings.Cut(h[1], ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeDemo runs the README's run command (`serve --demo`) on a fresh SQLite file and
// performs every curl command it prints.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	base, out, stop := startServe(t, []string{"--demo", "--database", "sqlite:" + db}, noEnv)
	curls := printedCurls(out.String())
	if len(curls) < 3 {
		t.Fatalf("demo printed %d curl commands:\n%s", len(curls), out.String())
	}
	for _, c := range curls {
		status, body := runCurl(t, c)
		if status != 200 || len(body) < 10 {
			t.Errorf("%s\n→ %d %s", c, status, body)
		}
	}
	status, body := runCurl(t, "curl '"+base+"/readyz'")
	if status != 200 || !strings.Contains(body, "sqlite") {
		t.Errorf("readyz: %d %s", status, body)
	}
	stop()

	// A second start keeps the data and the JWT secret: the first run's token still works.
	tok := regexp.MustCompile(`Bearer ([A-Za-z0-9._-]+)`).FindStringSubmatch(curls[0])[1]
	base2, out2, stop2 := startServe(t, []string{"--demo", "--database", "sqlite:" + db}, noEnv)
	// It says the demo data was not added and how to start afresh (issue 6, item 20), and its
	// examples still work on the existing data, the demo login included.
	for _, want := range []string{
		"the database " + db + " already has data (3 customers); demo data was not added.",
		"To start afresh: stop the server and remove " + db + " (and " + db + "-wal, " + db + "-shm), or pass --database sqlite:other.db.",
		"/v1/authenticate",
	} {
		if !strings.Contains(out2.String(), want) {
			t.Errorf("second --demo run: output lacks %q:\n%s", want, out2.String())
		}
	}
	if strings.Contains(out2.String(), "demo data created") {
		t.Errorf("second --demo run re-seeded: %s", out2.String())
	}
	again := printedCurls(out2.String())
	if len(again) != len(curls) {
		t.Errorf("second --demo run printed %d examples, the first %d", len(again), len(curls))
	}
	for _, c := range again {
		if status, body := runCurl(t, c); status != 200 || len(body) < 10 {
			t.Errorf("on the existing data: %s\n→ %d %s", c, status, body)
		}
	}
	status, body = runCurl(t, "curl -H 'Authorization: Bearer "+tok+"' '"+base2+"/v1/customers?page=1&pageSize=50'")
	if status != 200 || strings.Count(body, `"customerName"`) != 3 {
		t.Errorf("after restart: %d %s", status, body)
	}
	stop2()

	// Without the demo account the login example is left out, and the output says why.
	if err := run(context.Background(), []string{"users", "disable", "--database", "sqlite:" + db, "--username", demoUser}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, out3, stop3 := startServe(t, []string{"--demo", "--database", "sqlite:" + db}, noEnv)
	if strings.Contains(out3.String(), "/v1/authenticate") || !strings.Contains(out3.String(), `no enabled "demo" account`) {
		t.Errorf("demo account disabled: output\n%s", out3.String())
	}
	for _, c := range printedCurls(out3.String()) {
		if status, body := runCurl(t, c); status != 200 {
			t.Errorf("%s\n→ %d %s", c, status, body)
		}
	}
	stop3()
}

// printedCurls returns the curl commands of serve's output.
func printedCurls(out string) []string {
	var curls []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "curl ") {
			curls = append(curls, sc.Text())
		}
	}
	return curls
}

// TestServeDemoPostgres: --demo seeds an empty PostgreSQL database once; a second start says
// the database already has data, without printing its URL, and its examples still work.
func TestServeDemoPostgres(t *testing.T) {
	t.Parallel()
	url := testdb.PostgresSchemaURL(t)
	getenv := envOf(map[string]string{"DATABASE_URL": url, "ELEVATEPAY_JWT_SECRET": "a-secret-for-postgres-of-32-bytes-or-more"})
	_, out, stop := startServe(t, []string{"--demo"}, getenv)
	if !strings.Contains(out.String(), "demo data created") {
		t.Errorf("first run: %s", out.String())
	}
	for _, c := range printedCurls(out.String()) {
		if status, body := runCurl(t, c); status != 200 || len(body) < 10 {
			t.Errorf("%s\n→ %d %s", c, status, body)
		}
	}
	stop()
	_, out2, stop2 := startServe(t, []string{"--demo"}, getenv)
	if !strings.Contains(out2.String(), "the PostgreSQL database already has data (3 customers); demo data was not added.") ||
		!strings.Contains(out2.String(), "point --database (DATABASE_URL) at an empty database") || strings.Contains(out2.String(), url) {
		t.Errorf("second run: %s", out2.String())
	}
	for _, c := range printedCurls(out2.String()) {
		if status, body := runCurl(t, c); status != 200 || len(body) < 10 {
			t.Errorf("%s\n→ %d %s", c, status, body)
		}
	}
	stop2()
}

// TestCommands covers token, users and migrate against one SQLite file.
func TestCommands(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "cmd.db")
	var out, errb bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"migrate", "--database", db}, noEnv, nil, &out, &errb); err != nil || !strings.Contains(out.String(), "migrations current") {
		t.Fatalf("migrate: %v %s %s", err, out.String(), errb.String())
	}
	// The job queue's tables too.
	var jobRows int
	if err := testdb.SQLiteAt(t, strings.TrimPrefix(db, "sqlite:")).SQL().QueryRow("SELECT count(*) FROM river_job").Scan(&jobRows); err != nil || jobRows != 0 {
		t.Fatalf("river_job after migrate: %d, %v", jobRows, err)
	}
	out.Reset()
	if err := run(ctx, []string{"users", "add", "--database", db, "--username", "ops", "--contract-owners", "7,9", "--scope", "payments:read", "--password-stdin"},
		noEnv, strings.NewReader("s3cret pass\n"), &out, &errb); err != nil {
		t.Fatalf("users add: %v %s", err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"users", "list", "--database", db}, noEnv, nil, &out, &errb); err != nil || !strings.Contains(out.String(), "ops") || !strings.Contains(out.String(), "[7 9]") {
		t.Fatalf("users list: %v %s", err, out.String())
	}
	if err := run(ctx, []string{"users", "add", "--database", db, "--username", "ops", "--password", "x"}, noEnv, nil, &out, &errb); err == nil {
		t.Error("adding a user twice succeeded")
	}
	out.Reset()
	if err := run(ctx, []string{"token", "--database", db, "--sub", "svc", "--contract-owners", "7", "--scope", "payments:read"}, noEnv, nil, &out, &errb); err != nil {
		t.Fatalf("token: %v %s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	tok := lines[len(lines)-1]
	for _, bad := range [][]string{
		{"token", "--database", db, "--contract-owners", "7"},
		{"token", "--database", db, "--sub", "x"},
		{"token", "--database", db, "--sub", "x", "--admin", "--scope", "everything"},
		{"nope"},
		{},
	} {
		if err := run(ctx, bad, noEnv, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}

	base, _, stop := startServe(t, []string{"--database", db}, noEnv)
	status, body := runCurl(t, "curl -H 'Authorization: Bearer "+tok+"' '"+base+"/v1/currencies?page=1&pageSize=3'")
	if status != 200 || !strings.Contains(body, "GBP") {
		t.Errorf("token from `elevatepay token`: %d %s", status, body)
	}
	status, body = runCurl(t, "curl -H 'Content-Type: application/json' -d '{\"brand\":\"elevatepay\",\"username\":\"ops\",\"password\":\"s3cret pass\"}' '"+base+"/v1/authenticate'")
	if status != 200 || !strings.Contains(body, `"username":"ops"`) {
		t.Errorf("authenticate as the added user: %d %s", status, body)
	}
	var login struct{ Token string }
	if err := json.Unmarshal([]byte(body), &login); err != nil || login.Token == "" {
		t.Fatalf("authenticate: no token in %s (%v)", body, err)
	}
	ops := "curl -H 'Authorization: Bearer " + login.Token + "' '" + base + "/v1/currencies?page=1&pageSize=3'"
	if status, body := runCurl(t, ops); status != 200 {
		t.Errorf("the added user's token: %d %s", status, body)
	}
	if err := run(ctx, []string{"users", "disable", "--database", db, "--username", "ops"}, noEnv, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The running server honours a disable made elsewhere within service.DisabledTTL.
	disabledAt := time.Now()
	for {
		status, _ := runCurl(t, ops)
		if status == 401 {
			break
		}
		if time.Since(disabledAt) > service.DisabledTTL+time.Second {
			t.Fatalf("the disabled user's token still answers %d after %v", status, time.Since(disabledAt))
		}
		time.Sleep(50 * time.Millisecond)
	}
	status, _ = runCurl(t, "curl -H 'Content-Type: application/json' -d '{\"brand\":\"elevatepay\",\"username\":\"ops\",\"password\":\"s3cret pass\"}' '"+base+"/v1/authenticate'")
	if status != 401 {
		t.Errorf("disabled user logged in: %d", status)
	}
	stop()
}

// TestServePostgres serves from PostgreSQL, where a JWT secret is required.
func TestServePostgres(t *testing.T) {
	t.Parallel()
	url := testdb.PostgresSchemaURL(t)
	err := run(context.Background(), []string{"serve", "--database", url, "--addr", "127.0.0.1:0"}, noEnv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "jwt-secret") {
		t.Fatalf("serve on PostgreSQL without a secret: %v", err)
	}
	base, _, stop := startServe(t, nil, envOf(map[string]string{"DATABASE_URL": url, "ELEVATEPAY_JWT_SECRET": "a-secret-for-postgres-of-32-bytes-or-more"}))
	status, body := runCurl(t, "curl '"+base+"/readyz'")
	if status != 200 || !strings.Contains(body, "postgres") {
		t.Errorf("readyz: %d %s", status, body)
	}
	stop()
}

// TestSignals builds the binary and checks SIGINT and SIGTERM stop it with exit status 0.
func TestSignals(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "sig.db"))
		cmd.Env = append(os.Environ(), "DATABASE_URL=", "ELEVATEPAY_JWT_SECRET=")
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), "listening on") {
			if time.Now().After(deadline) {
				t.Fatalf("binary did not start: %s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v: exit %v, want 0", sig, err)
		}
	}
}
