package bench

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPgbenchLatencies: the per-transaction log of pgbench -R -l (PostgreSQL 15's format: client,
// transaction, latency µs, script, epoch, µs, schedule lag µs), one file per thread; skipped and
// failed transactions carry no latency and are not counted.
func TestPgbenchLatencies(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("tx.123", "0 0 1500 0 1764590000 1 200\n0 1 2500 0 1764590000 9000 0\n1 0 skipped 0 1764590001 5 300\n")
	write("tx.123.1", "2 0 10000 0 1764590000 7 5000\n2 1 failed 0 1764590001 8 0\n")
	write("other.txt", "0 0 99999999 0 1 1 1\n")
	lat, err := pgbenchLatencies(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1700 * time.Microsecond, 2500 * time.Microsecond, 15000 * time.Microsecond}
	var l Limit
	l.setLatencies(lat)
	if len(lat) != len(want) || l.P50 != want[1] || l.P99 != want[2] {
		t.Errorf("latencies %v (p50 %v, p99 %v); want %v", lat, l.P50, l.P99, want)
	}
	if _, err := pgbenchLatencies(t.TempDir()); err == nil {
		t.Error("an empty directory gave latencies")
	}
}
