package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elevatepay/elevatepay/auth"
)

// server is the elevatepay child process under load.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	token  string // admin bearer token
	stderr *tail
	exited chan struct{}
	err    error // set when exited is closed
}

// startServer runs `serve` on the run's database at a free loopback port, with a random JWT
// secret it also uses to mint an admin token (serve's defaults: no issuer, no audience), and
// waits until /readyz answers 200.
func startServer(ctx context.Context, c Config, db *target) (*server, error) {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	tokens, err := auth.NewTokens(ctx, auth.Config{Secret: []byte(secret)})
	if err != nil {
		return nil, err
	}
	token, err := tokens.Issue(auth.Principal{Subject: "bench", Admin: true, Scopes: []string{auth.ScopeAdmin}}, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()

	args := []string{"serve", "--database", db.url, "--addr", addr}
	if c.DBMaxConns > 0 {
		args = append(args, "--db-max-conns", strconv.Itoa(c.DBMaxConns))
	}
	if c.CPUProfile != "" {
		args = append(args, "--cpu-profile", c.CPUProfile)
	}
	cmd, err := c.Server(args)
	if err != nil {
		return nil, fmt.Errorf("server command: %w", err)
	}
	// The secret goes through the environment, not the command line (which every local user can
	// read in /proc); the rest of serve's configuration is its defaults.
	cmd.Env = append(serverEnv(cmd.Env), "ELEVATEPAY_JWT_SECRET="+secret)
	s := &server{cmd: cmd, base: "http://" + addr, token: token, stderr: &tail{max: 16 << 10}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = nil, s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	logf(c, "server pid %d on %s", cmd.Process.Pid, s.base)
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// serverEnv is env (the process environment when nil) without DATABASE_URL and ELEVATEPAY_*,
// so a developer's settings (an issuer, say, that the bench's token would lack) cannot change
// the server under test.
func serverEnv(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "ELEVATEPAY_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	cl := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("the server exited before it was ready (%v):\n%s", s.err, s.stderr)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := cl.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server was not ready within %v:\n%s", limit, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks the server to shut down (SIGINT, which serve drains on) and waits for it.
func (s *server) stop() error {
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(40 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			return errors.New("the server did not stop within 40s of SIGINT; killed it")
		}
	}
	if s.err != nil {
		return fmt.Errorf("the server ended with %v:\n%s", s.err, s.stderr)
	}
	return nil
}

// tail keeps the last max bytes written to it, and the first maxErrorLines lines of the
// server's log at level ERROR (a request that failed with 500 logs its cause there).
type tail struct {
	mu     sync.Mutex
	max    int
	b      []byte
	line   []byte   // the line being written, up to maxLine bytes
	errors []string // ERROR lines, clipped
}

const (
	maxErrorLines = 20
	maxLine       = 2048
)

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	for rest := p; len(rest) > 0; {
		chunk, after, complete := bytes.Cut(rest, []byte("\n"))
		if room := maxLine - len(t.line); room > 0 {
			t.line = append(t.line, chunk[:min(room, len(chunk))]...)
		}
		if !complete {
			break
		}
		if len(t.errors) < maxErrorLines && bytes.Contains(t.line, []byte(`"level":"ERROR"`)) {
			t.errors = append(t.errors, string(t.line))
		}
		t.line, rest = t.line[:0], after
	}
	return len(p), nil
}

// loggedErrors returns the server's first ERROR log lines.
func (t *tail) loggedErrors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.errors)
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// procStatus returns a field of /proc/pid/status in bytes (VmRSS, VmHWM); 0 when unknown
// (not Linux, or the process is gone).
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func rssOf(pid int) int64 { return procStatus(pid, "VmRSS") }
func hwmOf(pid int) int64 { return procStatus(pid, "VmHWM") }

// clockTicks is USER_HZ, the unit of utime and stime in /proc/pid/stat: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// machineBusy returns the CPU time all cores have spent busy (everything in /proc/stat's cpu
// line but idle and iowait), or -1 when unknown.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return -1
	}
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest and guest_nice are already counted in user and nice
			break
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return -1
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / clockTicks
}

// cpuOf returns the CPU time process pid has used (user + system), or -1 when unknown.
func cpuOf(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// The command name (field 2) is in parentheses and may hold spaces: fields count from the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(ut+st) * time.Second / clockTicks
}
