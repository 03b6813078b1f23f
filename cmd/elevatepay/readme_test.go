package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testVersion is the version the test binary is built with (-ldflags -X main.version=…).
const testVersion = "v0.0.0-cmdtest"

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

// TestMain removes the binary built by binary().
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds the elevatepay binary once per test run, with main.version set to testVersion.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "elevatepay-cmdtest-"); buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "elevatepay")
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", buildBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// cleanEnv is the process environment without elevatepay's own variables, so a developer's
// settings cannot change what a test sees.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "ELEVATEPAY_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// startBinary starts the built binary with args in dir and waits until it listens; it returns
// the base URL and the output. The process is stopped with SIGTERM at the end of the test.
func startBinary(t *testing.T, dir string, args ...string) (string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server exit: %v", err)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop on SIGTERM")
		}
	})
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("server stopped: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readmeWalkthrough returns the prose and the shell commands of README.md's "Walk-through with
// curl" section: commands in order, continuation lines joined (kept as written), comment and
// blank lines dropped.
func readmeWalkthrough(t *testing.T) (prose string, commands []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	inSection, inCode, cont := false, false, ""
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			if inSection {
				return text.String(), commands
			}
			inSection = line == "## Walk-through with curl"
			continue
		case !inSection:
			continue
		case strings.HasPrefix(line, "```"):
			inCode = !inCode && strings.TrimPrefix(line, "```") == "sh"
			continue
		case !inCode:
			text.WriteString(line + "\n")
			continue
		}
		if cont == "" && (strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#")) {
			continue
		}
		cont += line
		if strings.HasSuffix(line, `\`) {
			cont += "\n"
			continue
		}
		commands = append(commands, cont)
		cont = ""
	}
	if !inSection {
		t.Fatal(`README.md has no "## Walk-through with curl" section`)
	}
	return text.String(), commands
}

// TestReadmeWalkthrough runs README.md's walk-through exactly as written, twice, against a
// fresh `serve --demo` of the built binary: every command must exit 0, every HTTP response
// must be 2xx, every step but a variable assignment must print something, and every list
// must have rows (issue 6, item 17). `go run ./cmd/elevatepay` is replaced by the built
// binary, and BASE by the address the server printed (it listens on a free port).
func TestReadmeWalkthrough(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (not found in PATH): the README walk-through needs it, and says so; install it, e.g. apt-get install %s", tool, tool)
		}
	}
	prose, commands := readmeWalkthrough(t)
	if len(commands) < 10 {
		t.Fatalf("the walk-through has %d commands:\n%s", len(commands), strings.Join(commands, "\n"))
	}
	if !strings.Contains(prose, "`jq`") || !strings.Contains(prose, "`curl`") {
		t.Error("the walk-through uses curl and jq but its text does not say it needs them")
	}
	serveCmd := regexp.MustCompile(`^go run \./cmd/elevatepay serve(\s.*)?$`)
	m := serveCmd.FindStringSubmatch(commands[0])
	if m == nil {
		t.Fatalf("the walk-through's first command is %q, want `go run ./cmd/elevatepay serve --demo`", commands[0])
	}
	args, _, _ := strings.Cut(m[1], "#") // a trailing comment
	serveArgs := strings.Fields(args)
	if !strings.Contains(m[1], "--demo") {
		t.Errorf("the walk-through starts the server without --demo: %q", commands[0])
	}
	dir := t.TempDir()
	base, out := startBinary(t, dir, append(append([]string{"serve"}, serveArgs...), "--addr", "127.0.0.1:0")...)
	if !strings.Contains(out.String(), "demo data created") {
		t.Fatalf("serve --demo on a fresh directory did not create demo data:\n%s", out.String())
	}

	bin := binary(t)
	var script strings.Builder
	// The runner's curl: fails on HTTP errors (keeping the body) and logs every status code.
	script.WriteString(`curl() { command curl --fail-with-body -S --write-out '%{stderr}@@http %{http_code}\n' "$@" 2>>"$EP_LOG"; }` + "\n")
	setBase := false
	steps := commands[1:]
	for i, c := range steps {
		switch {
		case strings.HasPrefix(c, "BASE="):
			c, setBase = "BASE="+base, true
		case serveCmd.MatchString(c):
			t.Fatalf("the walk-through starts a second server: %q", c)
		}
		c = strings.ReplaceAll(c, "go run ./cmd/elevatepay", "'"+bin+"'")
		fmt.Fprintf(&script, "EP_LOG='%s'\n: >\"$EP_LOG\"\n%s\nprintf '\\n@@end %d %%s\\n' \"$?\"\n", filepath.Join(dir, fmt.Sprintf("step-%d.log", i)), c, i)
	}
	if !setBase {
		t.Fatal("the walk-through does not set BASE (the server's address) before using it")
	}
	scriptPath := filepath.Join(dir, "walkthrough.sh")
	if err := os.WriteFile(scriptPath, []byte(script.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	end := regexp.MustCompile(`\n@@end (\d+) (\d+)\n`)
	code := regexp.MustCompile(`@@http (\d{3})`)
	assignment := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("sh", scriptPath)
		cmd.Dir, cmd.Env = dir, cleanEnv()
		var stderr syncBuffer
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			t.Fatalf("run %d: sh: %v\n%s", run, err, stderr.String())
		}
		outputs, rest := map[int]string{}, string(stdout)
		statuses := map[int]string{}
		for {
			loc := end.FindStringSubmatchIndex(rest)
			if loc == nil {
				break
			}
			var i int
			fmt.Sscan(rest[loc[2]:loc[3]], &i)
			outputs[i], statuses[i] = rest[:loc[0]], rest[loc[4]:loc[5]]
			rest = rest[loc[1]:]
		}
		for i, c := range steps {
			what := fmt.Sprintf("run %d, step %d:\n%s\n", run, i+1, c)
			status, ok := statuses[i]
			if !ok {
				t.Fatalf("%snever finished; stdout:\n%s\nstderr:\n%s", what, stdout, stderr.String())
			}
			log, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("step-%d.log", i)))
			output := outputs[i]
			if status != "0" {
				t.Errorf("%s→ exit status %s\noutput: %s\ncurl: %s", what, status, output, log)
				continue
			}
			if strings.Contains(c, "curl ") {
				codes := code.FindAllStringSubmatch(string(log), -1)
				if len(codes) == 0 {
					t.Errorf("%s→ made no HTTP request\ncurl: %s", what, log)
				}
				for _, m := range codes {
					if !strings.HasPrefix(m[1], "2") {
						t.Errorf("%s→ HTTP %s\noutput: %s\ncurl: %s", what, m[1], output, log)
					}
				}
			}
			if assignment.MatchString(c) {
				continue
			}
			if strings.TrimSpace(output) == "" {
				t.Errorf("%s→ printed nothing", what)
				continue
			}
			// A list must have rows (the README's comments describe them).
			body := output
			if strings.HasPrefix(body, "HTTP/") {
				if _, after, ok := strings.Cut(body, "\r\n\r\n"); ok {
					body = after
				}
			}
			if strings.HasPrefix(strings.TrimSpace(body), "[") {
				var list []json.RawMessage
				if err := json.NewDecoder(strings.NewReader(body)).Decode(&list); err != nil {
					t.Errorf("%s→ not a JSON list: %v\n%s", what, err, body)
				} else if len(list) == 0 {
					t.Errorf("%s→ an empty list", what)
				}
			}
		}
		if t.Failed() {
			t.Fatalf("run %d of the walk-through failed (server output:\n%s)", run, out.String())
		}
		t.Logf("run %d: %d steps of the README walk-through succeeded", run, len(steps))
	}
}

// TestBinaryExitStatus checks the built binary itself: help exits 0 printing to stdout, the
// version is the one set with -ldflags, a mistake exits 1 with the message on stderr.
func TestBinaryExitStatus(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	cases := []struct {
		args       []string
		exit       int
		stdout     string
		stderrWant string
	}{
		{[]string{"serve", "--help"}, 0, "usage: elevatepay serve", ""},
		{[]string{"token", "--help"}, 0, "usage: elevatepay token", ""},
		{[]string{"migrate", "--help"}, 0, "usage: elevatepay migrate", ""},
		{[]string{"users", "--help"}, 0, "usage: elevatepay users", ""},
		{[]string{"users", "add", "--help"}, 0, "usage: elevatepay users add", ""},
		{[]string{"version"}, 0, "elevatepay " + testVersion + " (", ""},
		{[]string{"--version"}, 0, "elevatepay " + testVersion + " (", ""},
		{[]string{"serve", "--addr", "8080"}, 1, "", "did you mean :8080"},
		{[]string{"token", "--sub", "x", "--admin"}, 1, "", "no database at elevatepay.db"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir, cmd.Env = dir, cleanEnv()
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		exit := 0
		if ee, ok := err.(*exec.ExitError); ok {
			exit = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if exit != c.exit || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderrWant) {
			t.Errorf("elevatepay %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), exit, c.exit, stdout.String(), stderr.String())
		}
		if c.exit == 0 && stderr.Len() > 0 {
			t.Errorf("elevatepay %s wrote to stderr: %s", strings.Join(c.args, " "), stderr.String())
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the commands created %v in their directory", entries)
	}
}
