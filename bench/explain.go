package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// --explain: the plans of the list queries of scenario (d), on the seeded database, before the
// load. The requests are scenario d's own (listPayments, one of each kind it makes), parsed by
// the server's parser (query.Parse) under the contract's declaration of GET /v1/invoice-payments
// in api/openapi.yaml, and compiled by the store's list compiler for the bench's admin caller
// (every contract owner); the SQL explained is therefore the SQL the server runs. PostgreSQL
// gets EXPLAIN (ANALYZE, BUFFERS) with the request's values, and the generic plan its statement
// cache would settle on (PREPARE under plan_cache_mode = force_generic_plan, EXPLAIN ANALYZE
// EXECUTE); SQLite gets EXPLAIN QUERY PLAN. Each statement is then run explainRuns times and
// its median and slowest times printed. The count statement is shown only for the requests
// whose page leaves the total to it (sqlstore.ListStatements.CountNeeded).

// explainRuns is how many times each statement is timed.
const explainRuns = 20

// listKinds names scenario d's kinds of request, in listPayments' order.
var listKinds = []string{
	"(0) the largest payments: sort=amountInMajorCurrency:desc over every row",
	"(1) one invoice's payments, latest first",
	"(2) payments of three invoices, by amount",
	"(3) allocated customer payments, latest first, a later page",
	"(4) keyset-like: payments after a random ledger entry, by id",
	"(5) a range of 5000 ledger entries, by method",
}

// kindOf returns the listKinds index of a scenario d request path, -1 for none.
func kindOf(path string) int {
	has := func(s string) bool { return strings.Contains(path, s) }
	switch {
	case has("customerPaymentId=gte:"):
		return 5
	case has("customerPaymentId=gt:"):
		return 4
	case has("customerPaymentType=CUSTOMER"):
		return 3
	case has("generatedInvoiceId=in:"):
		return 2
	case has("generatedInvoiceId="):
		return 1
	case has("sort=amountInMajorCurrency:desc"):
		return 0
	}
	return -1
}

// scenarioDRequests draws scenario d's requests (with the worker of its first client) until it
// has one of each kind.
func scenarioDRequests(d *data) ([]request, error) {
	w := &worker{d: d, rnd: rand.New(rand.NewPCG(1, 0))}
	out := make([]request, len(listKinds))
	seen := 0
	for i := 0; i < 10000 && seen < len(listKinds); i++ {
		r := listPayments(w)
		k := kindOf(r.path)
		if k < 0 {
			return nil, fmt.Errorf("explain: scenario d request %s is of no known kind", r.path)
		}
		if out[k].path == "" {
			out[k] = r
			seen++
		}
	}
	if seen < len(listKinds) {
		return nil, fmt.Errorf("explain: drew only %d of scenario d's %d kinds of request", seen, len(listKinds))
	}
	return out, nil
}

// listSpec is GET /v1/invoice-payments' query contract, read from api/openapi.yaml the way the
// server reads it (x-filters kinds, x-sortable).
func listSpec() (query.Spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		return query.Spec{}, err
	}
	item := doc.Paths.Value("/invoice-payments")
	if item == nil || item.Get == nil {
		return query.Spec{}, fmt.Errorf("api/openapi.yaml has no GET /invoice-payments")
	}
	op := item.Get
	spec := query.Spec{Paged: true, Filters: map[string]query.Filter{}, Other: map[string]bool{}}
	if s, ok := op.Extensions["x-sortable"].([]any); ok {
		for _, v := range s {
			spec.Sortable = append(spec.Sortable, fmt.Sprint(v))
		}
	}
	filters, _ := op.Extensions["x-filters"].(map[string]any)
	for name, k := range filters {
		kind := fmt.Sprint(k)
		switch {
		case kind == "numeric":
			spec.Filters[name] = query.Filter{Kind: query.Numeric}
		case kind == "id":
			spec.Filters[name] = query.Filter{Kind: query.ID}
		case strings.HasPrefix(kind, "enum:"):
			ref := doc.Components.Schemas[strings.TrimPrefix(kind, "enum:")]
			if ref == nil || ref.Value == nil {
				return query.Spec{}, fmt.Errorf("filter %s: unknown enum %s", name, kind)
			}
			f := query.Filter{Kind: query.Enum}
			for _, v := range ref.Value.Enum {
				f.Enum = append(f.Enum, fmt.Sprint(v))
			}
			spec.Filters[name] = f
		default:
			return query.Spec{}, fmt.Errorf("filter %s: kind %q is not one explain reads", name, kind)
		}
	}
	return spec, nil
}

// explain prints the plans of scenario d's list queries on the seeded database db.
func explain(ctx context.Context, c Config, db *target, d *data) error {
	reqs, err := scenarioDRequests(d)
	if err != nil {
		return err
	}
	spec, err := listSpec()
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	st, err := db.open(ctx, 2)
	if err != nil {
		return err
	}
	defer st.Close()
	conn, err := st.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var rows int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM invoice_payments").Scan(&rows); err != nil {
		return err
	}
	out := c.Out
	fmt.Fprintf(out, "\nplans of scenario d's list queries: %s, %d invoice payments, admin caller (every contract owner)\n", db.engine, rows)
	for i, r := range reqs {
		u, err := url.Parse(r.path)
		if err != nil {
			return err
		}
		l, err := query.Parse(u.Query(), spec)
		if err != nil {
			return fmt.Errorf("explain: %s: %w", r.path, err)
		}
		ls, err := st.InvoicePaymentListStatements(store.AllOwners, ep.BillRunNormal, l)
		if err != nil {
			return fmt.Errorf("explain: %s: %w", r.path, err)
		}
		fmt.Fprintf(out, "\n### %s\n\nGET %s\n", listKinds[i], r.path)
		n, err := explainStatement(ctx, out, conn, db.engine, "page", ls.Page, ls.PageArgs)
		if err != nil {
			return fmt.Errorf("explain %s: %w", r.path, err)
		}
		if !ls.CountNeeded(n) {
			fmt.Fprintf(out, "\ncount: not run (the page holds %d rows, fewer than its size: X-Total-Count is its offset plus its rows)\n", n)
			continue
		}
		if _, err := explainStatement(ctx, out, conn, db.engine, "count", ls.Count, ls.CountArgs); err != nil {
			return fmt.Errorf("explain %s: %w", r.path, err)
		}
	}
	return nil
}

// explainStatement prints one statement, its plan(s) and its timings, and returns the rows it
// returned.
func explainStatement(ctx context.Context, out io.Writer, conn *sql.Conn, engine, what, q string, args []any) (int64, error) {
	fmt.Fprintf(out, "\n%s: %s\n  args: %v\n", what, q, args)
	if engine == "postgres" {
		plan, err := lines(ctx, conn, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(out, "\n  EXPLAIN (ANALYZE, BUFFERS), with these values:\n%s", indent(plan))
		generic, err := genericPlan(ctx, conn, q, args)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(out, "\n  generic plan (a cached prepared statement's, plan_cache_mode = force_generic_plan):\n%s", indent(generic))
	} else {
		plan, err := queryPlan(ctx, conn, q, args)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(out, "\n  EXPLAIN QUERY PLAN:\n%s", indent(plan))
	}
	var times []time.Duration
	var n int64
	for range explainRuns {
		start := time.Now()
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		n = 0
		for rows.Next() {
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	if what == "count" {
		var total int64
		if err := conn.QueryRowContext(ctx, q, args...).Scan(&total); err != nil {
			return 0, err
		}
		fmt.Fprintf(out, "\n  counted %d rows; ", total)
	} else {
		fmt.Fprintf(out, "\n  %d rows; ", n)
	}
	fmt.Fprintf(out, "run %d times: median %.2f ms, slowest %.2f ms\n", explainRuns, ms(times[len(times)/2]), ms(times[len(times)-1]))
	return n, nil
}

// genericPlan is PostgreSQL's generic plan of q, run with args.
func genericPlan(ctx context.Context, conn *sql.Conn, q string, args []any) (string, error) {
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET plan_cache_mode")
	if _, err := conn.ExecContext(ctx, "PREPARE bench_explain AS "+q); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DEALLOCATE bench_explain")
	vals := make([]string, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case string:
			vals[i] = "'" + strings.ReplaceAll(a, "'", "''") + "'"
		default:
			vals[i] = fmt.Sprint(a)
		}
	}
	exec := "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain"
	if len(vals) > 0 {
		exec += " (" + strings.Join(vals, ", ") + ")"
	}
	return lines(ctx, conn, exec)
}

// lines runs a statement returning one text column and joins its rows.
func lines(ctx context.Context, conn *sql.Conn, q string, args ...any) (string, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		b.WriteString(s + "\n")
	}
	return b.String(), rows.Err()
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q as a tree.
func queryPlan(ctx context.Context, conn *sql.Conn, q string, args []any) (string, error) {
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	depth := map[int64]int{0: -1}
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int64
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		depth[id] = depth[parent] + 1
		b.WriteString(strings.Repeat("  ", depth[id]) + detail + "\n")
	}
	return b.String(), rows.Err()
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}
