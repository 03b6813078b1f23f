// Package bench is the load harness behind `elevatepay bench` (issue 8). It seeds a fresh
// database (a temporary SQLite file, or a new schema on a PostgreSQL server), starts the server
// as a child process of the same binary on a loopback port, drives each scenario at each
// concurrency over keep-alive HTTP, and measures the database's own limit in the same run (on
// PostgreSQL with pgbench, on SQLite in-process with the same driver and pragmas): every figure
// is printed beside its ratio to that same-run limit, never against an absolute target.
//
// Nothing here asserts timings; the smoke test only checks that a tiny run completes.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// Config is one run of the harness.
type Config struct {
	// Database is sqlite:PATH (a file that does not exist yet) or a postgres:// URL (the run
	// works in a new schema it drops afterwards); empty means a temporary SQLite file.
	Database    string
	Concurrency []int         // client goroutines of each cell
	Duration    time.Duration // length of each cell
	Scenarios   []string      // names from Scenarios
	Customers   int           // customers seeded, each with a site and one large NORMAL invoice
	ListRows    int           // invoice payments seeded for the list scenario (d)
	Plot        string        // PNG file of throughput against concurrency; empty: no plot
	NoLimits    bool          // skip the database-limit runs
	Keep        bool          // keep the SQLite file or PostgreSQL schema afterwards
	CPUProfile  string        // the server writes a CPU profile of the run to this file; empty: none
	DBMaxConns  int           // the server's PostgreSQL pool size; 0: serve's default
	Explain     bool          // print the plans of scenario d's list queries after seeding (explain.go)
	// Server returns the command that runs `elevatepay <args>` as a child process (the same
	// binary). Its Env is replaced by the caller's environment without DATABASE_URL and
	// ELEVATEPAY_* (so the server runs with serve's defaults), plus the JWT secret; a command
	// whose Env is already set keeps those entries too.
	Server func(args []string) (*exec.Cmd, error)
	Out    io.Writer // the tables
	Log    io.Writer // progress lines
}

// Scenario names, in the order they run.
var Scenarios = []string{"a", "b", "c", "d", "e", "f"}

// Cell is one scenario at one concurrency.
type Cell struct {
	Scenario      string
	Concurrency   int
	Requests      int64         // answered 2xx within the cell
	Rate          float64       // of those, per second
	P50, P95, P99 time.Duration // latency of those
	Errors        int64
	FirstError    string
	PeakRSS       int64   // bytes, sampled VmRSS of the server during the cell
	CPU           float64 // % of one core used by the server during the cell; -1: unknown
	ClientCPU     float64 // % of one core used by this process (the load generator); -1: unknown
	MachineCPU    float64 // % of one core busy over the whole machine (all processes); -1: unknown
	Paced         float64 // requests due per second; 0: back to back
}

// Limit is one database-limit measurement.
type Limit struct {
	Kind        string // LimitWrite or LimitRead
	Concurrency int
	Rate        float64 // transactions (or selects) per second: the higher of Before and After
	Before      float64 // measured before the cells
	After       float64 // measured after them
	// Paced: transactions due a second (the paced limit: see runPacedLimit); 0 back to back.
	// P50, P95, P99: their latency, counted from when each was due.
	Paced         float64
	P50, P95, P99 time.Duration
	Errors        int64
	Note          string // why it is missing, when Rate is 0
}

// The two limits.
const (
	LimitWrite = "4-write tx"
	LimitRead  = "one-row select"
)

// Result is what a run measured.
type Result struct {
	Engine    string
	Seed      SeedTimes
	Cells     []Cell
	Limits    []Limit
	LimitTool string // "pgbench" or "in-process database/sql"
	ServerHWM int64  // VmHWM of the server at the end (bytes)
	// ServerErrors: the server's first log lines at level ERROR (the causes of its 500s).
	ServerErrors []string
	// PacedLimit: the write limit at the paced cell's rate and clients; nil when not measured.
	PacedLimit *Limit
	ServerPID  int
	Plot       string // the PNG written, if any
}

// Run runs the harness: seed, serve, load, limits, report.
func Run(ctx context.Context, c Config) (*Result, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	db, err := openTarget(ctx, c)
	if err != nil {
		return nil, err
	}
	defer db.cleanup(c)
	logf(c, "database: %s", db.describe())

	res := &Result{Engine: db.engine}
	data, err := seed(ctx, c, db, &res.Seed)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	logf(c, "seeded in %s: %s", res.Seed.Total().Round(10*time.Millisecond), res.Seed)
	if c.Explain {
		if err := explain(ctx, c, db, data); err != nil {
			return nil, err
		}
	}

	var before []Limit
	if !c.NoLimits {
		// The limits are measured twice, before the cells and after them: the database does not
		// stay the same over a run (the cells add rows; autovacuum and checkpoints come and go),
		// and pgbench's figure moved by a third between the two in runs here. Each ratio uses the
		// higher of the two.
		if before, err = runLimits(ctx, c, db, data, res); err != nil {
			return nil, fmt.Errorf("database limit: %w", err)
		}
	}
	srv, err := startServer(ctx, c, db)
	if err != nil {
		return nil, err
	}
	res.ServerPID = srv.pid()
	loadErr := runScenarios(ctx, c, srv, data, res)
	res.ServerHWM = hwmOf(srv.pid())
	res.ServerErrors = srv.stderr.loggedErrors()
	if err := srv.stop(); err != nil && loadErr == nil {
		loadErr = err
	}
	if loadErr != nil {
		return nil, loadErr
	}
	if !c.NoLimits {
		after, err := runLimits(ctx, c, db, data, res)
		if err != nil {
			return nil, fmt.Errorf("database limit: %w", err)
		}
		res.Limits = mergeLimits(before, after)
		if err := runPacedLimit(ctx, c, db, data, res); err != nil {
			return nil, fmt.Errorf("database limit, paced: %w", err)
		}
	}
	report(c.Out, c, res)
	if c.Plot != "" {
		if err := writePlot(c.Plot, c, res); err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		res.Plot = c.Plot
		fmt.Fprintf(c.Out, "\nplot: %s\n", c.Plot)
	}
	return res, nil
}

func (c *Config) check() error {
	if len(c.Concurrency) == 0 {
		return errors.New("--concurrency: give at least one level, e.g. 1,8,32")
	}
	for _, n := range c.Concurrency {
		if n < 1 || n > 1024 {
			return fmt.Errorf("--concurrency: %d is outside 1..1024", n)
		}
	}
	if c.Duration < 10*time.Millisecond {
		return fmt.Errorf("--duration %v: each cell needs at least 10ms", c.Duration)
	}
	if len(c.Scenarios) == 0 {
		return errors.New("--scenarios: give at least one of a,b,c,d,e,f")
	}
	for _, s := range c.Scenarios {
		if !slices.Contains(Scenarios, s) {
			return fmt.Errorf("--scenarios: unknown scenario %q (the scenarios are %s)", s, strings.Join(Scenarios, ","))
		}
	}
	if c.Customers < 1 {
		return fmt.Errorf("--customers %d: at least 1", c.Customers)
	}
	if c.ListRows < 0 {
		return fmt.Errorf("--list-rows %d: not negative", c.ListRows)
	}
	if c.Server == nil {
		return errors.New("bench: no server command")
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return nil
}

func logf(c Config, format string, args ...any) {
	fmt.Fprintf(c.Log, "bench: "+format+"\n", args...)
}
