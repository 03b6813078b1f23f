package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/elevatepay/elevatepay/bench"
)

// benchServer returns the command that runs `elevatepay <args>` for bench: this binary.
var benchServer = func(args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe, args...), nil
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench")
	database := fs.String("database", "", "sqlite:PATH (a new file) or postgres://… (the run works in a new schema); default a temporary SQLite file. DATABASE_URL is not read: bench never seeds a server's own database")
	conc := fs.String("concurrency", "1,8,32,64", "comma-separated numbers of client goroutines, one cell each")
	duration := fs.Duration("duration", 10*time.Second, "length of each cell")
	scen := fs.String("scenarios", strings.Join(bench.Scenarios, ","), "comma-separated scenarios: a invoice payments, b customer payments, c balances, d payment lists, e 80% c + 20% a, f a with Idempotency-Key")
	customers := fs.Int("customers", 10000, "customers to seed, each with a site and one large invoice")
	listRows := fs.Int("list-rows", 1000000, "invoice payments to seed for the list scenario d")
	plot := fs.String("plot", "", "write a PNG of throughput against concurrency to this file")
	noLimits := fs.Bool("no-limits", false, "skip measuring the database's own limit")
	keep := fs.Bool("keep", false, "keep the SQLite file or PostgreSQL schema afterwards")
	cpuProfile := fs.String("cpu-profile", "", "the server writes a CPU profile of the whole run (seeding excluded) to this file")
	dbMaxConns := fs.Int("db-max-conns", 0, "the server's PostgreSQL pool size (serve --db-max-conns); 0: serve's default")
	explainPlans := fs.Bool("explain", false, "after seeding, print the plans (PostgreSQL EXPLAIN ANALYZE, SQLite EXPLAIN QUERY PLAN) and timings of scenario d's list queries")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	levels, err := parseLevels(*conc)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range strings.Split(*scen, ",") {
		if s = strings.TrimSpace(s); s != "" {
			names = append(names, s)
		}
	}
	_, err = bench.Run(ctx, bench.Config{Database: *database, Concurrency: levels, Duration: *duration, Scenarios: names,
		Customers: *customers, ListRows: *listRows, Plot: *plot, NoLimits: *noLimits, Keep: *keep, CPUProfile: *cpuProfile, DBMaxConns: *dbMaxConns, Explain: *explainPlans,
		Server: benchServer, Out: stdout, Log: stderr})
	return err
}

// parseLevels parses --concurrency.
func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--concurrency: whole numbers >= 1 separated by commas, e.g. 1,8,32; got %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}
