package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestSmoke runs every phase briefly against a test server so the tool cannot rot; the
// figures it prints are not judged here (load runs are not timed assertions).
func TestSmoke(t *testing.T) {
	e := apitest.New(t, "sqlite")
	var out bytes.Buffer
	err := run([]string{"-url", e.URL, "-token", e.AdminToken(), "-brand", apitest.Brand, "-pid", strconv.Itoa(os.Getpid()),
		"-phase", "300ms", "-payers", "1", "-flooders", "1"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 7 {
		t.Fatalf("want a header and 6 phases:\n%s", out.String())
	}
	for i, l := range lines[1:] {
		f := strings.Fields(l[36:])
		if len(f) != 7 || f[4] != "0" || (i == 0 && f[0] == "0") {
			t.Errorf("payment errors, or no payment in the baseline: %q", l)
		}
	}
	if err := run([]string{"-url", "http://10.0.0.1:8080", "-token", "x"}, &out); err == nil {
		t.Error("a non-loopback URL was accepted")
	}
}
