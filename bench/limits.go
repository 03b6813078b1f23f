package bench

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elevatepay/elevatepay/store/sqlite"
)

// The database's own limit, at the same concurrencies as the scenarios:
//
//   - LimitWrite: the four writes of a manual invoice payment on the real tables, in one
//     transaction: read the invoice (its customer), lock and update the customer's balance and
//     last_seq with RETURNING, insert the PAYMENT ledger entry at that position, insert the
//     invoice payment pointing at it, update the invoice's collected and outstanding. This is
//     what (a), (b), (e) and (f) are compared with.
//   - LimitRead: a one-row select of a customer's balance, what (c) is compared with.
//
// On PostgreSQL pgbench runs them (-M prepared, -c C, -j min(C,2)); on SQLite they run in this
// process with database/sql on the modernc driver with store/sqlite's connection settings (its
// DSNs: WAL, busy timeout, synchronous NORMAL, _txlock=immediate, automatic checkpoints off;
// its pool sizes: one write connection, a query-only pool for the select; its background
// checkpoints), C goroutines, prepared statements.

// pgWrite is the pgbench script of LimitWrite.
const pgWrite = `\set r random(:lo, :hi)
BEGIN;
SELECT id AS inv, customer_id AS cid, contract_owner_id AS co, invoice_number AS num, currency_id AS cur, currency_exp AS exp FROM invoices WHERE id >= :r ORDER BY id LIMIT 1 \gset
UPDATE customers SET balance = balance + 1, last_seq = last_seq + 1, total_payments = total_payments + 1, payments_since_invoice = payments_since_invoice + 1 WHERE id = :cid RETURNING balance AS bal, last_seq AS seq \gset
INSERT INTO ledger_entries (customer_id, contract_owner_id, seq, amount, resulting_balance, currency_id, currency_exp, description, type, payment_date, customer_payment_type, txn_type, invoice_id, invoice_number, bill_run_type) VALUES (:cid, :co, :seq, 1, :bal, :cur, :exp, 'pgbench', 'CHEQUE', :today, 'INVOICE', 'PAYMENT', :inv, :num, 'NORMAL') RETURNING id AS eid \gset
INSERT INTO invoice_payments (invoice_id, customer_id, contract_owner_id, bill_run_type, amount, currency_id, currency_exp, description, payment_method, payment_date, customer_payment_type, customer_payment_id, counts_collected, created_at) VALUES (:inv, :cid, :co, 'NORMAL', 1, :cur, :exp, 'pgbench', 'CHEQUE', :today, 'INVOICE', :eid, TRUE, :now);
UPDATE invoices SET collected = collected + 1, outstanding = outstanding - 1 WHERE id = :inv;
END;
`

// pgRead is the pgbench script of LimitRead.
const pgRead = `\set r random(:lo, :hi)
SELECT balance FROM customers WHERE id = :r;
`

// runLimits measures every limit at every concurrency once.
func runLimits(ctx context.Context, c Config, db *target, d *data, res *Result) ([]Limit, error) {
	invLo, invHi := span(d.invoices)
	custLo, custHi := span(d.customers)
	var limits []Limit
	for _, kind := range []string{LimitWrite, LimitRead} {
		for _, n := range c.Concurrency {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			lo, hi := invLo, invHi
			if kind == LimitRead {
				lo, hi = custLo, custHi
			}
			l, err := measureLimit(ctx, c, db, res, kind, n, lo, hi, 0)
			if err != nil {
				return nil, err
			}
			logf(c, "%-24s c=%-3d %8.0f tx/s%s", "limit "+kind, n, l.Rate, noteOf(l))
			limits = append(limits, l)
		}
	}
	return limits, nil
}

// measureLimit measures one limit with the engine's tool (pgbench, or in this process on
// SQLite), naming the tool in res; rate > 0 paces it.
func measureLimit(ctx context.Context, c Config, db *target, res *Result, kind string, n int, lo, hi int64, rate float64) (Limit, error) {
	if db.engine == "postgres" {
		res.LimitTool = "pgbench"
		return pgbench(ctx, c, db, kind, n, lo, hi, rate)
	}
	res.LimitTool = "in-process database/sql"
	return sqliteLimit(ctx, c, db, kind, n, lo, hi, rate)
}

// mergeLimits pairs the measurements before and after the cells: each limit's Rate is the higher
// of the two, its errors their sum.
func mergeLimits(before, after []Limit) []Limit {
	merged := make([]Limit, 0, len(after))
	for i, a := range after {
		l := a
		l.After = a.Rate
		if i < len(before) && before[i].Kind == a.Kind && before[i].Concurrency == a.Concurrency {
			b := before[i]
			l.Before, l.Rate, l.Errors = b.Rate, max(b.Rate, a.Rate), a.Errors+b.Errors
			if l.Note == "" {
				l.Note = b.Note
			}
		}
		merged = append(merged, l)
	}
	return merged
}

func noteOf(l Limit) string {
	if l.Note != "" {
		return "  (" + l.Note + ")"
	}
	return ""
}

func span(ids []int64) (lo, hi int64) {
	lo, hi = math.MaxInt64, math.MinInt64
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	return lo, hi
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs one limit with pgbench on the run's schema (search_path through PGOPTIONS).
func pgbench(ctx context.Context, c Config, db *target, kind string, n int, lo, hi int64, rate float64) (Limit, error) {
	l := Limit{Kind: kind, Concurrency: n, Paced: rate}
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		l.Note = "pgbench not found"
		return l, nil
	}
	dir, err := os.MkdirTemp("", "elevatepay-pgbench-")
	if err != nil {
		return l, err
	}
	defer os.RemoveAll(dir)
	script := pgWrite
	if kind == LimitRead {
		script = pgRead
	}
	file := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		return l, err
	}
	secs := max(1, int(math.Round(c.Duration.Seconds())))
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(n), "-j", strconv.Itoa(min(n, 2)), "-T", strconv.Itoa(secs),
		"-D", fmt.Sprintf("lo=%d", lo), "-D", fmt.Sprintf("hi=%d", hi),
		"-D", "today=" + time.Now().UTC().Format("2006-01-02"), "-D", fmt.Sprintf("now=%d", time.Now().Unix()),
		"-f", file, libpqURL(db.base)}
	if rate > 0 {
		// Transactions due at rate a second; the per-transaction log gives each one's latency
		// and its schedule lag (how late it started), whose sum counts from when it was due, as
		// the paced cell's latencies do.
		args = append([]string{"-R", strconv.FormatFloat(rate, 'f', 1, 64), "-l", "--log-prefix", filepath.Join(dir, "tx")}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+db.schema)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return l, fmt.Errorf("pgbench %s c=%d: %v\n%s%s", kind, n, err, out.String(), errOut.String())
	}
	m := tpsLine.FindStringSubmatch(out.String())
	if m == nil {
		return l, fmt.Errorf("pgbench %s c=%d: no tps in its output:\n%s", kind, n, out.String())
	}
	l.Rate, _ = strconv.ParseFloat(m[1], 64)
	if f := regexp.MustCompile(`number of failed transactions: ([0-9]+)`).FindStringSubmatch(out.String()); f != nil {
		l.Errors, _ = strconv.ParseInt(f[1], 10, 64)
	}
	if rate > 0 {
		lat, err := pgbenchLatencies(dir)
		if err != nil {
			return l, fmt.Errorf("pgbench %s c=%d paced: %w", kind, n, err)
		}
		l.setLatencies(lat)
	}
	return l, nil
}

// pgbenchLatencies reads the per-transaction logs pgbench -l wrote in dir ("client transaction
// latency_us script epoch epoch_us [schedule_lag_us]" a line): each latency plus its schedule
// lag.
func pgbenchLatencies(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no per-transaction log in %s (%v)", dir, err)
	}
	var lat []time.Duration
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 6 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue // "skipped" or "failed" in place of a latency
			}
			if len(fields) >= 7 {
				if lag, err := strconv.ParseInt(fields[6], 10, 64); err == nil {
					us += lag
				}
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
	}
	return lat, nil
}

// setLatencies sets the latency quantiles of a paced limit.
func (l *Limit) setLatencies(lat []time.Duration) {
	slices.Sort(lat)
	l.P50, l.P95, l.P99 = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99)
}

// runPacedLimit measures the write limit paced as the paced cell was (its rate, its number of
// clients): the database's own latency at that load, beside the server's.
func runPacedLimit(ctx context.Context, c Config, db *target, d *data, res *Result) error {
	var cell *Cell
	for i := range res.Cells {
		if res.Cells[i].Scenario == halfPeak {
			cell = &res.Cells[i]
		}
	}
	if cell == nil || cell.Paced <= 0 {
		return nil
	}
	lo, hi := span(d.invoices)
	l, err := measureLimit(ctx, c, db, res, LimitWrite, cell.Concurrency, lo, hi, cell.Paced)
	if err != nil {
		return err
	}
	logf(c, "%-24s c=%-3d %8.0f tx/s  p99 %6.1f ms (paced at %.0f/s)", "limit "+LimitWrite+" paced", l.Concurrency, l.Rate, ms(l.P99), l.Paced)
	res.PacedLimit = &l
	return nil
}

// libpqURL is the URL as libpq reads it: pgx-only parameters dropped.
func libpqURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") || k == "search_path" || strings.HasPrefix(k, "statement_cache") || k == "default_query_exec_mode" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteLimit runs one limit in-process on the run's SQLite file for c.Duration with n goroutines.
func sqliteLimit(ctx context.Context, c Config, db *target, kind string, n int, lo, hi int64, rate float64) (Limit, error) {
	l := Limit{Kind: kind, Concurrency: n, Paced: rate}
	dsn := sqlite.ReaderDSN(db.path)
	if kind == LimitWrite {
		dsn = sqlite.WriterDSN(db.path)
	}
	pool, err := sql.Open("sqlite", dsn) // the store's own connection settings
	if err != nil {
		return l, err
	}
	defer pool.Close()
	// The store's pool sizes too: the write limit runs on one connection (sqlite.Writers), as the
	// store's writes do, its goroutines queueing in database/sql for it; the select on up to
	// sqlite.Readers query-only connections.
	size := sqlite.Readers
	if kind == LimitWrite {
		size = sqlite.Writers
	}
	pool.SetMaxOpenConns(min(n, size))
	pool.SetMaxIdleConns(min(n, size))
	if kind == LimitWrite {
		// WriterDSN turns automatic checkpoints off: the store's background checkpoints run
		// here too, taking their turns on the write connection through the pool.
		stop, err := sqlite.Checkpoints(db.path, func(ctx context.Context, fn func(*sql.Conn) error) error {
			conn, err := pool.Conn(ctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			return fn(conn)
		})
		if err != nil {
			return l, err
		}
		defer stop()
	}

	var op func(r int64) error
	if kind == LimitRead {
		sel, err := pool.PrepareContext(ctx, "SELECT balance FROM customers WHERE id = ?")
		if err != nil {
			return l, err
		}
		defer sel.Close()
		op = func(r int64) error {
			var bal int64
			return sel.QueryRowContext(ctx, r).Scan(&bal)
		}
	} else {
		op, err = sqliteWrite(ctx, pool)
		if err != nil {
			return l, err
		}
	}
	cctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	var due <-chan time.Time
	if rate > 0 {
		due = pace(cctx, rate) // as the paced cell: each latency counts from when it was due
	}
	var done, errs atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	lats := make([][]time.Duration, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := uint64(i)*0x9E3779B97F4A7C15 + 1
			for cctx.Err() == nil {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
				r := lo + int64(x%uint64(hi-lo+1))
				start, ok := dueTime(due)
				if !ok {
					return
				}
				if err := op(r); err != nil {
					if cctx.Err() != nil {
						return
					}
					errs.Add(1)
					first.CompareAndSwap(nil, err.Error())
					continue
				}
				done.Add(1)
				if due != nil {
					lats[i] = append(lats[i], time.Since(start))
				}
			}
		}()
	}
	wg.Wait()
	l.Rate, l.Errors = float64(done.Load())/c.Duration.Seconds(), errs.Load()
	if rate > 0 {
		l.setLatencies(slices.Concat(lats...))
	}
	if f, ok := first.Load().(string); ok {
		l.Note = "first error: " + f
	}
	return l, nil
}

// sqliteWrite returns the LimitWrite transaction on pool, its statements prepared once.
func sqliteWrite(ctx context.Context, pool *sql.DB) (func(int64) error, error) {
	texts := []string{
		"SELECT id, customer_id, contract_owner_id, invoice_number, currency_id, currency_exp FROM invoices WHERE id >= ? ORDER BY id LIMIT 1",
		"UPDATE customers SET balance = balance + 1, last_seq = last_seq + 1, total_payments = total_payments + 1, payments_since_invoice = payments_since_invoice + 1 WHERE id = ? RETURNING balance, last_seq",
		"INSERT INTO ledger_entries (customer_id, contract_owner_id, seq, amount, resulting_balance, currency_id, currency_exp, description, type, payment_date, customer_payment_type, txn_type, invoice_id, invoice_number, bill_run_type) VALUES (?, ?, ?, 1, ?, ?, ?, 'in-process', 'CHEQUE', ?, 'INVOICE', 'PAYMENT', ?, ?, 'NORMAL')",
		"INSERT INTO invoice_payments (invoice_id, customer_id, contract_owner_id, bill_run_type, amount, currency_id, currency_exp, description, payment_method, payment_date, customer_payment_type, customer_payment_id, counts_collected, created_at) VALUES (?, ?, ?, 'NORMAL', 1, ?, ?, 'in-process', 'CHEQUE', ?, 'INVOICE', ?, TRUE, ?)",
		"UPDATE invoices SET collected = collected + 1, outstanding = outstanding - 1 WHERE id = ?",
	}
	stmts := make([]*sql.Stmt, len(texts))
	for i, t := range texts {
		s, err := pool.PrepareContext(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", t, err)
		}
		stmts[i] = s
	}
	today, now := time.Now().UTC().Format("2006-01-02"), time.Now().Unix()
	return func(r int64) error {
		tx, err := pool.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var inv, cid, cur, bal, seq int64
		var co, exp int32
		var num string
		if err := tx.Stmt(stmts[0]).QueryRow(r).Scan(&inv, &cid, &co, &num, &cur, &exp); err != nil {
			return err
		}
		if err := tx.Stmt(stmts[1]).QueryRow(cid).Scan(&bal, &seq); err != nil {
			return err
		}
		res, err := tx.Stmt(stmts[2]).Exec(cid, co, seq, bal, cur, exp, today, inv, num)
		if err != nil {
			return err
		}
		eid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := tx.Stmt(stmts[3]).Exec(inv, cid, co, cur, exp, today, eid, now); err != nil {
			return err
		}
		if _, err := tx.Stmt(stmts[4]).Exec(inv); err != nil {
			return err
		}
		return tx.Commit()
	}, nil
}
