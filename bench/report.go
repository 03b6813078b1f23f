package bench

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// pct formats a CPU share, "-" when unknown.
func pct(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

// report prints the tables: the cells, the limits, and every ratio of a cell to its same-run
// limit (and f to a: what the Idempotency-Key costs).
func report(out io.Writer, c Config, res *Result) {
	fmt.Fprintf(out, "elevatepay bench: %s, %d customers, %d list rows, %v a cell\n", engineName(res.Engine), c.Customers, c.ListRows, c.Duration)
	fmt.Fprintf(out, "seeding %s (%s)\n\n", res.Seed.Total().Round(10*time.Millisecond), res.Seed)

	fmt.Fprintf(out, "%-24s %4s %9s %8s %8s %8s %7s %12s %6s %6s %6s\n", "scenario", "c", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "peak RSS MB", "CPU %", "client", "all")
	for _, cell := range res.Cells {
		fmt.Fprintf(out, "%-24s %4d %9.1f %8.2f %8.2f %8.2f %7d %12.1f %6s %6s %6s\n", scenarios[cell.Scenario].name, cell.Concurrency, cell.Rate,
			ms(cell.P50), ms(cell.P95), ms(cell.P99), cell.Errors, mb(cell.PeakRSS), pct(cell.CPU), pct(cell.ClientCPU), pct(cell.MachineCPU))
	}
	fmt.Fprintf(out, "CPU %%: of one core, the server; client: the load generator (this process); all: the whole machine (%d cores)\n", runtime.NumCPU())
	fmt.Fprintf(out, "server peak RSS over the run (VmHWM): %.1f MB\n", mb(res.ServerHWM))

	if len(res.Limits) > 0 {
		fmt.Fprintf(out, "\ndatabase limit, same run (%s), before and after the cells; the ratios use the higher\n%-24s %4s %9s %9s %9s %7s\n",
			res.LimitTool, "limit", "c", "tx/s", "before", "after", "errors")
		for _, l := range res.Limits {
			fmt.Fprintf(out, "%-24s %4d %9.1f %9.1f %9.1f %7d%s\n", l.Kind, l.Concurrency, l.Rate, l.Before, l.After, l.Errors, noteOf(l))
		}
		if l := res.PacedLimit; l != nil {
			fmt.Fprintf(out, "\n%-24s %4s %9s %8s %8s %8s %7s\n", "limit at ½ peak, paced", "c", "tx/s", "p50 ms", "p95 ms", "p99 ms", "errors")
			fmt.Fprintf(out, "%-24s %4d %9.1f %8.2f %8.2f %8.2f %7d%s\n", l.Kind, l.Concurrency, l.Rate, ms(l.P50), ms(l.P95), ms(l.P99), l.Errors, noteOf(*l))
			if cell := res.cell(halfPeak, l.Concurrency); cell.Requests > 0 && l.P99 > 0 {
				fmt.Fprintf(out, "paced at %.0f/s: p99 %.2f ms through the server, %.2f ms on the database alone (%.1f ×)\n",
					l.Paced, ms(cell.P99), ms(l.P99), float64(cell.P99)/float64(l.P99))
			}
		}
	}

	type row struct {
		label string
		num   string // scenario
		den   func(n int) float64
	}
	var rows []row
	for _, s := range c.Scenarios {
		sc := scenarios[s]
		if sc.limit == "" || len(res.Limits) == 0 {
			continue
		}
		kind := sc.limit
		rows = append(rows, row{sc.name + " ÷ " + kind, s, func(n int) float64 { return res.limit(kind, n) }})
	}
	if slices.Contains(c.Scenarios, "a") && slices.Contains(c.Scenarios, "f") {
		rows = append(rows, row{"f ÷ a (1 − key cost)", "f", func(n int) float64 { return res.cell("a", n).Rate }})
	}
	if len(rows) > 0 {
		fmt.Fprintf(out, "\n%-40s", "ratio (same run)")
		for _, n := range c.Concurrency {
			fmt.Fprintf(out, " %7s", fmt.Sprintf("c=%d", n))
		}
		fmt.Fprintln(out)
		for _, r := range rows {
			fmt.Fprintf(out, "%-40s", r.label)
			for _, n := range c.Concurrency {
				num, den := res.cell(r.num, n).Rate, r.den(n)
				if den > 0 {
					fmt.Fprintf(out, " %7.3f", num/den)
				} else {
					fmt.Fprintf(out, " %7s", "-")
				}
			}
			fmt.Fprintln(out)
		}
	}

	var errs []string
	for _, cell := range res.Cells {
		if cell.FirstError != "" {
			errs = append(errs, fmt.Sprintf("%s c=%d (%d errors): %s", cell.Scenario, cell.Concurrency, cell.Errors, cell.FirstError))
		}
	}
	if len(errs) > 0 {
		fmt.Fprintf(out, "\nfirst error of each cell with errors:\n  %s\n", strings.Join(errs, "\n  "))
	}
	if len(res.ServerErrors) > 0 {
		fmt.Fprintf(out, "\nthe server's first errors in its log:\n  %s\n", strings.Join(res.ServerErrors, "\n  "))
	}
}

func (r *Result) cell(s string, n int) Cell {
	for _, c := range r.Cells {
		if c.Scenario == s && c.Concurrency == n {
			return c
		}
	}
	return Cell{}
}

func (r *Result) limit(kind string, n int) float64 {
	for _, l := range r.Limits {
		if l.Kind == kind && l.Concurrency == n {
			return l.Rate
		}
	}
	return 0
}

func engineName(e string) string {
	if e == "sqlite" {
		return "SQLite"
	}
	return "PostgreSQL"
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
