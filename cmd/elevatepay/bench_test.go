package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchChildArgs carries the arguments of `elevatepay <args>` to TestBenchChildServer.
const benchChildArgs = "EPBENCH_CHILD_ARGS"

// TestBenchChildServer is the server process of TestBenchSmoke: this test binary run again,
// acting as `elevatepay serve …`. Without benchChildArgs in the environment it does nothing.
func TestBenchChildServer(t *testing.T) {
	raw := os.Getenv(benchChildArgs)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// TestBenchSmoke runs `elevatepay bench` for about two seconds on tiny data (SQLite, limits on)
// so the harness cannot rot: it must finish, print a row per cell with no errors and every
// ratio, and write a PNG that decodes. It asserts no timing.
func TestBenchSmoke(t *testing.T) {
	saved := benchServer
	t.Cleanup(func() { benchServer = saved })
	benchServer = func(args []string) (*exec.Cmd, error) {
		b, err := json.Marshal(args)
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChildServer$", "-test.count=1")
		cmd.Env = append(os.Environ(), benchChildArgs+"="+string(b))
		return cmd, nil
	}
	plot := filepath.Join(t.TempDir(), "bench.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, log bytes.Buffer
	err := run(ctx, []string{"bench", "--customers", "20", "--list-rows", "500", "--concurrency", "1,2", "--duration", "200ms",
		"--scenarios", "a,c", "--plot", plot}, func(string) string { return "" }, nil, &out, &log)
	if err != nil {
		t.Fatalf("bench: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), log.String())
	}
	text := out.String()
	t.Logf("\n%s", text)

	// fields returns the numbers after label on the line starting with it.
	fields := func(label string, c int) []string {
		for _, line := range strings.Split(text, "\n") {
			rest, ok := strings.CutPrefix(line, label)
			if !ok {
				continue
			}
			f := strings.Fields(rest)
			if c == 0 || (len(f) > 0 && f[0] == strconv.Itoa(c)) {
				return f
			}
		}
		t.Fatalf("no line %q (c=%d) in the output", label, c)
		return nil
	}
	positive := func(what, v string) {
		if x, err := strconv.ParseFloat(v, 64); err != nil || x <= 0 {
			t.Errorf("%s = %q, want a positive number", what, v)
		}
	}
	for _, s := range []string{"a invoice payment", "c customer balance"} {
		for _, c := range []int{1, 2} {
			f := fields(s+" ", c) // c, req/s, p50, p95, p99, errors, RSS, CPU of the server, the client, the machine
			if len(f) != 10 {
				t.Fatalf("%s c=%d: row %q", s, c, f)
			}
			positive(s+" req/s", f[1])
			positive(s+" p50", f[2])
			if f[5] != "0" {
				t.Errorf("%s c=%d: %s errors", s, c, f[5])
			}
			// Known (not "-"); a short cell may round a process's share to 0 (clock ticks of 10 ms).
			for i, what := range []string{"server CPU", "client CPU", "machine CPU"} {
				if x, err := strconv.ParseFloat(f[7+i], 64); err != nil || x < 0 {
					t.Errorf("%s %s = %q, want a number", s, what, f[7+i])
				}
			}
		}
	}
	for _, l := range []string{"4-write tx ", "one-row select "} {
		for _, c := range []int{1, 2} {
			f := fields(l, c) // c, tx/s, before, after, errors
			if len(f) != 5 {
				t.Fatalf("limit %s c=%d: row %q", l, c, f)
			}
			for i, what := range []string{"tx/s", "before", "after"} {
				positive(l+what, f[1+i])
			}
			if f[4] != "0" {
				t.Errorf("limit %s c=%d: %s errors", l, c, f[4])
			}
		}
	}
	// The write limit paced as the paced cell was.
	lines := strings.Split(text, "\n")
	paced := false
	for i, line := range lines {
		if strings.HasPrefix(line, "limit at ½ peak, paced") && i+1 < len(lines) {
			f := strings.Fields(strings.TrimPrefix(lines[i+1], "4-write tx")) // c, tx/s, p50, p95, p99, errors
			if len(f) != 6 {
				t.Fatalf("paced limit row %q", lines[i+1])
			}
			positive("paced limit tx/s", f[1])
			positive("paced limit p99", f[4])
			paced = true
		}
	}
	if !paced {
		t.Error("no paced limit in the output")
	}
	for _, r := range []string{"a invoice payment ÷ 4-write tx", "c customer balance ÷ one-row select"} {
		f := fields(r, 0)
		if len(f) != 2 {
			t.Fatalf("ratio %s: %q, want one per concurrency", r, f)
		}
		positive(r, f[0])
		positive(r, f[1])
	}

	file, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	img, format, err := image.Decode(file)
	if err != nil || format != "png" || img.Bounds().Dx() < 100 {
		t.Fatalf("plot: %v, format %q", err, format)
	}
}
