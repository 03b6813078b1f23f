package sqlstore

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

type kind int

const (
	kText  kind = iota // text compared exactly, like: case-insensitive
	kInt               // BIGINT column
	kInt32             // INTEGER column: filter values beyond int32 are refused (400)
	kBool              // boolean
	kDate              // YYYY-MM-DD text
	kMoney             // an amount; compared and sorted by its moneyKey
)

// field is a listed object's field as SQL.
type field struct {
	expr    string
	kind    kind
	expExpr string    // kMoney on a plain minor-units column: the currency exponent
	key     *moneyKey // kMoney on a computed or stored key: its key (expr and expExpr unused)
	// notNull: the field is never NULL, so its sort keys carry no NULLS FIRST/LAST. The order is
	// the same, but SQLite can read an index in order only for its own NULL placement (NULLs
	// smallest), which ASC NULLS LAST and DESC NULLS FIRST are not: with them, a sort on the
	// second column of an index after an equality is a full sort. (PostgreSQL's default
	// placement is the one written, so it reads its indexes in order either way.)
	notNull bool
}

// custom builds the SQL condition of a filter parameter that is not a plain field.
type custom func(c query.Cond) (string, []any, error)

// scopedCustom is a custom filter that must also respect the caller's scope.
type scopedCustom func(s store.Scope, c query.Cond) (string, []any, error)

// resource describes one listable table for the list compiler.
type resource struct {
	from     string // FROM clause (with alias)
	owner    string // contract-owner column for Scope, "" for global resources
	scope    func(store.Scope) (string, []any)
	id       string           // id column, the final tie-break
	fields   map[string]field // JSON field name → SQL (sort and filter)
	params   map[string]custom
	scoped   map[string]scopedCustom
	paramMap map[string]string // filter parameter → field name where they differ
}

// Amounts are compared and sorted exactly, whatever their currency's exponent and however
// large: an amount v (in major units) is split as v × 10^6 = hi × 10^12 + lo with
// hi = floor(v / 10^6) and 0 <= lo < 10^12, i.e. hi counts millions of major units and lo is
// the rest in millionths. Ordering by (hi, lo) is ordering by v, and no intermediate of the
// split can overflow int64 for any int64 minor-unit amount (a single scaled value,
// amount × 10^(6 − exponent), would overflow PostgreSQL's bigint and turn into a float on
// SQLite). Filter values are split the same way in Go (splitMicro).
type moneyKey struct{ hi, lo string }

const (
	microDigits = 6               // filter values and keys work in millionths of a major unit
	keyUnit     = 1_000_000000000 // 10^12 millionths = 10^6 major units
)

// unitMinor is 10^(6 + exponent): keyUnit in minor units of the currency.
func unitMinor(expExpr string) string {
	return "(CASE " + expExpr + " WHEN 0 THEN 1000000 WHEN 1 THEN 10000000 WHEN 2 THEN 100000000 ELSE 1000000000 END)"
}

// microPerMinor is 10^(6 − exponent): millionths of a major unit per minor unit.
func microPerMinor(expExpr string) string {
	return "(CASE " + expExpr + " WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END)"
}

// floorDiv and floorMod are x div d and x mod d rounded towards minus infinity (d > 0); SQL's
// / and % truncate towards zero on both engines.
func floorDiv(x, d string) string {
	return "(" + x + " / " + d + " - CASE WHEN " + x + " % " + d + " < 0 THEN 1 ELSE 0 END)"
}

func floorMod(x, d string) string {
	return "(" + x + " % " + d + " + CASE WHEN " + x + " % " + d + " < 0 THEN " + d + " ELSE 0 END)"
}

// plainKey is the key of a minor-units column m of a currency with exponent expExpr.
func plainKey(m, expExpr string) moneyKey {
	u := unitMinor(expExpr)
	return moneyKey{hi: floorDiv(m, u), lo: "(" + floorMod(m, u) + " * " + microPerMinor(expExpr) + ")"}
}

// storedKey is the key of the amount column col of the table aliased alias, kept by the database
// in the generated columns col_key_hi and col_key_lo (migration 00005, store/*/migrations), whose
// expressions are plainKey(col, "currency_exp") verbatim: the lists sort and filter on them
// through an index instead of computing the key of every row.
func storedKey(alias, col string) *moneyKey {
	return &moneyKey{hi: alias + "." + col + "_key_hi", lo: alias + "." + col + "_key_lo"}
}

// keyOf returns the key of a kMoney field.
func (f field) keyOf() moneyKey {
	if f.key != nil {
		return *f.key
	}
	return plainKey(f.expr, f.expExpr)
}

var (
	bigKeyUnit = big.NewInt(keyUnit)
	bigMicro   = big.NewInt(1_000_000)
)

// rat returns d as a fraction.
func rat(d money.Decimal) *big.Rat {
	r, ok := new(big.Rat).SetString(d.String())
	if !ok { // cannot happen: String is a plain decimal
		panic("sqlstore: bad decimal " + d.String())
	}
	return r
}

// micro returns d × 10^6 as a fraction.
func micro(d money.Decimal) *big.Rat {
	r := rat(d)
	return r.Mul(r, new(big.Rat).SetInt(bigMicro))
}

// floorRat and ceilRat round r to an integer.
func floorRat(r *big.Rat) *big.Int {
	// Euclidean division by the (always positive) denominator is floor division.
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	return q
}

func ceilRat(r *big.Rat) *big.Int {
	q := floorRat(r)
	if !r.IsInt() {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// splitMicro splits v (millionths) as a moneyKey does: hi = floor(v / 10^12), lo = v mod 10^12.
// Filter values are below 10^18 in magnitude (money.ParseJSON), so both fit int64.
func splitMicro(v *big.Int) (hi, lo int64, ok bool) {
	h, l := new(big.Int).DivMod(v, bigKeyUnit, new(big.Int))
	if !h.IsInt64() {
		return 0, 0, false
	}
	return h.Int64(), l.Int64(), true
}

// fromKey is splitMicro's inverse: the exact value hi × 10^12 + lo (millionths of a unit)
// divided by per, the millionths in one unit of the result (exact: lo is a multiple of per).
func fromKey(hi, lo, per int64) *big.Int {
	v := new(big.Int).Mul(big.NewInt(hi), bigKeyUnit)
	v.Add(v, big.NewInt(lo))
	return v.Quo(v, big.NewInt(per))
}

// moneyCond compiles a numeric filter on a kMoney field: comparisons are exact for any value
// (a value with more decimals than any amount has is rounded in the direction that keeps the
// comparison's meaning), equality with such a value never matches.
func moneyCond(k moneyKey, c query.Cond) (string, []any, error) {
	switch c.Op {
	case "eq", "in":
		var terms []string
		var args []any
		for _, n := range c.Numbers {
			m := micro(n)
			if !m.IsInt() {
				continue
			}
			hi, lo, ok := splitMicro(m.Num())
			if !ok {
				continue
			}
			terms = append(terms, "("+k.hi+" = ? AND "+k.lo+" = ?)")
			args = append(args, hi, lo)
		}
		if len(terms) == 0 {
			return "1 = 0", nil, nil
		}
		return "(" + strings.Join(terms, " OR ") + ")", args, nil
	case "gt", "gte", "lt", "lte":
		if len(c.Numbers) != 1 {
			return "", nil, fmt.Errorf("filter %s: want one value", c.Param)
		}
		m := micro(c.Numbers[0])
		var v *big.Int
		if c.Op == "gt" || c.Op == "lte" {
			v = floorRat(m) // x > m ⟺ x > floor(m); x <= m ⟺ x <= floor(m)
		} else {
			v = ceilRat(m) // x >= m ⟺ x >= ceil(m); x < m ⟺ x < ceil(m)
		}
		hi, lo, ok := splitMicro(v)
		if !ok {
			return "", nil, ep.Invalid(c.Param, "is out of range")
		}
		op, strict := sqlOps[c.Op][:1], sqlOps[c.Op]
		return "(" + k.hi + " " + op + " ? OR (" + k.hi + " = ? AND " + k.lo + " " + strict + " ?))", []any{hi, hi, lo}, nil
	}
	return "", nil, fmt.Errorf("filter %s: unsupported op %q", c.Param, c.Op)
}

// where compiles the scope and every condition into one WHERE clause.
func (r *resource) where(t *tx, s store.Scope, l query.List) (string, []any, error) {
	var conds []string
	var args []any
	if r.scope != nil {
		c, a := r.scope(s)
		conds, args = append(conds, c), append(args, a...)
	} else if r.owner != "" {
		c, a := scopeCond(s, r.owner)
		conds, args = append(conds, c), append(args, a...)
	}
	for _, c := range l.Conds {
		sqlc, a, err := r.cond(t, s, c)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, sqlc), append(args, a...)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

var sqlOps = map[query.Op]string{query.Op("gt"): ">", query.Op("lt"): "<", query.Op("gte"): ">=", query.Op("lte"): "<="}

func (r *resource) cond(t *tx, s store.Scope, c query.Cond) (string, []any, error) {
	if fn, ok := r.scoped[c.Param]; ok {
		return fn(s, c)
	}
	if fn, ok := r.params[c.Param]; ok {
		return fn(c)
	}
	name := c.Param
	if m, ok := r.paramMap[name]; ok {
		name = m
	}
	f, ok := r.fields[name]
	if !ok {
		return "", nil, fmt.Errorf("list %s: no field for filter %q", r.from, c.Param)
	}
	return fieldCond(f, c)
}

// intRange is the range of an integer column of kind k.
func intRange(k kind) (lo, hi int64) {
	if k == kInt32 {
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// checkInt refuses a filter value outside the column's range (PostgreSQL would fail on it, SQLite
// would silently match nothing): 400 naming the parameter, on both engines.
func checkInt(c query.Cond, k kind, v int64) error {
	lo, hi := intRange(k)
	switch {
	case v > hi:
		return ep.Invalid(c.Param, fmt.Sprintf("is out of range: must be at most %d", hi))
	case v < lo:
		return ep.Invalid(c.Param, fmt.Sprintf("is out of range: must be at least %d", lo))
	}
	return nil
}

func fieldCond(f field, c query.Cond) (string, []any, error) {
	expr := f.expr
	var vals []any
	switch f.kind {
	case kText, kDate:
		for _, s := range c.Strings {
			vals = append(vals, s)
		}
	case kInt, kInt32:
		for _, id := range c.IDs {
			if err := checkInt(c, f.kind, id); err != nil {
				return "", nil, err
			}
			vals = append(vals, id)
		}
		if len(c.Numbers) > 0 {
			return numericInt(expr, f.kind, c)
		}
	case kMoney:
		return moneyCond(f.keyOf(), c)
	case kBool:
		return expr + " = ?", []any{c.Bool}, nil
	}
	switch c.Op {
	case "eq":
		if len(vals) != 1 {
			return "", nil, fmt.Errorf("filter %s: want one value", c.Param)
		}
		return expr + " = ?", vals, nil
	case "in":
		return expr + " IN (" + placeholders(len(vals)) + ")", vals, nil
	case "like":
		return "lower(" + expr + ") LIKE ? ESCAPE '\\'", []any{strings.ToLower(c.LikeSQL())}, nil
	case "gtn":
		return "(" + expr + " > ? OR " + expr + " IS NULL)", vals[:1], nil
	default:
		op, ok := sqlOps[c.Op]
		if !ok || len(vals) != 1 {
			return "", nil, fmt.Errorf("filter %s: unsupported op %q", c.Param, c.Op)
		}
		return expr + " " + op + " ?", vals, nil
	}
}

// numericInt compiles a numeric filter (exact decimals) on an integer column exactly: a
// non-integer never equals an integer, and a comparison with one compares with its floor or
// ceiling; an integer outside the column's range is refused as for ids. Values are below 10^18
// in magnitude (money.ParseJSON), so floors and ceilings fit int64.
func numericInt(expr string, k kind, c query.Cond) (string, []any, error) {
	switch c.Op {
	case "eq", "in":
		var vals []any
		for _, n := range c.Numbers {
			r := rat(n)
			if !r.IsInt() {
				continue // never equals an integer
			}
			if !r.Num().IsInt64() {
				return "", nil, ep.Invalid(c.Param, "is out of range")
			}
			if err := checkInt(c, k, r.Num().Int64()); err != nil {
				return "", nil, err
			}
			vals = append(vals, r.Num().Int64())
		}
		if len(vals) == 0 {
			return "1 = 0", nil, nil
		}
		return expr + " IN (" + placeholders(len(vals)) + ")", vals, nil
	case "gt", "gte", "lt", "lte":
		if len(c.Numbers) != 1 {
			return "", nil, fmt.Errorf("filter %s: want one value", c.Param)
		}
		r := rat(c.Numbers[0])
		var v *big.Int
		if c.Op == "gt" || c.Op == "lte" {
			v = floorRat(r)
		} else {
			v = ceilRat(r)
		}
		if !v.IsInt64() {
			return "", nil, ep.Invalid(c.Param, "is out of range")
		}
		if err := checkInt(c, k, v.Int64()); err != nil {
			return "", nil, err
		}
		return expr + " " + sqlOps[c.Op] + " ?", []any{v.Int64()}, nil
	}
	return "", nil, fmt.Errorf("filter %s: unsupported op %q", c.Param, c.Op)
}

// orderBy compiles the sort keys; id ascending always breaks ties.
func (r *resource) orderBy(t *tx, l query.List) (string, error) {
	var keys []string
	for _, s := range l.Sorts {
		if s.Field == "id" && r.fields["id"].expr == r.id {
			if s.Desc {
				keys = append(keys, r.id+" DESC")
			} else {
				keys = append(keys, r.id+" ASC")
			}
			continue
		}
		f, ok := r.fields[s.Field]
		if !ok {
			return "", fmt.Errorf("list %s: no sort field %q", r.from, s.Field)
		}
		exprs := []string{f.expr}
		switch f.kind {
		case kText:
			exprs[0] += t.d.TextCollate
		case kMoney:
			k := f.keyOf()
			exprs = []string{k.hi, k.lo}
		}
		for _, expr := range exprs {
			switch {
			case f.notNull && s.Desc:
				keys = append(keys, expr+" DESC")
			case f.notNull:
				keys = append(keys, expr+" ASC")
			case s.Desc:
				keys = append(keys, expr+" DESC NULLS FIRST")
			default:
				keys = append(keys, expr+" ASC NULLS LAST")
			}
		}
	}
	keys = append(keys, r.id+" ASC")
	return " ORDER BY " + strings.Join(keys, ", "), nil
}

// ListStatements are the two statements of one list request as the list compiler writes them,
// with their arguments: the page, and the count that runs only when the page cannot tell the
// total (CountNeeded).
type ListStatements struct {
	Page      string
	PageArgs  []any
	Count     string
	CountArgs []any

	offset, size int64
}

// CountNeeded reports whether a page that returned rows rows leaves X-Total-Count to the count
// statement. A page holding rows but fewer than the page size is the last one, so the total is
// its offset plus its rows (in particular a short first page is the whole list); a full page, an
// empty page past the first, or a list without paging needs count(*).
func (ls *ListStatements) CountNeeded(rows int64) bool {
	return ls.size <= 0 || rows >= ls.size || (rows == 0 && ls.offset > 0)
}

// statements compiles a list request selecting selectList (placeholders still ?).
func (r *resource) statements(t *tx, s store.Scope, l query.List, selectList string) (*ListStatements, error) {
	where, args, err := r.where(t, s, l)
	if err != nil {
		return nil, err
	}
	order, err := r.orderBy(t, l)
	if err != nil {
		return nil, err
	}
	ls := &ListStatements{offset: int64(max(l.Page-1, 0)) * int64(l.PageSize), size: int64(l.PageSize)}
	ls.Page = "SELECT " + selectList + " FROM " + r.from + where + order + " LIMIT ? OFFSET ?"
	ls.PageArgs = append(args[:len(args):len(args)], ls.size, ls.offset)
	ls.Count, ls.CountArgs = "SELECT count(*) FROM "+r.from+where, args
	return ls, nil
}

// list runs the page statement, calling scan for each row of the page, and returns the exact
// number of rows matching (X-Total-Count): offset plus rows when the page tells it, else the
// count statement's.
func (r *resource) list(t *tx, s store.Scope, l query.List, selectList string, scan func(rowScanner) error) (int64, error) {
	ls, err := r.statements(t, s, l, selectList)
	if err != nil {
		return 0, err
	}
	var n int64
	if ls.size > 0 {
		rows, err := t.query(ls.Page, ls.PageArgs...)
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", r.from, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return 0, err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("list %s: %w", r.from, err)
		}
		rows.Close()
	}
	if !ls.CountNeeded(n) {
		return ls.offset + n, nil
	}
	var total int64
	if err := t.queryRow(ls.Count, ls.CountArgs...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count %s: %w", r.from, err)
	}
	return total, nil
}

// InvoicePaymentListStatements returns the statements ListInvoicePayments runs for a caller of
// scope s (placeholders in the engine's form), for tools that explain them (elevatepay bench
// --explain).
func (db *DB) InvoicePaymentListStatements(s store.Scope, billRunType ep.BillRunType, l query.List) (*ListStatements, error) {
	t := &tx{d: &db.d}
	ls, err := paymentsOf(billRunType).statements(t, s, l, invoicePaymentCols.sel("p"))
	if err != nil {
		return nil, err
	}
	ls.Page, ls.Count = t.rebind(ls.Page), t.rebind(ls.Count)
	return ls, nil
}

type rowScanner interface{ Scan(dest ...any) error }

// listOf runs a list query selecting cols (qualified with alias, the table's alias in r.from)
// and scans every row of the page.
func listOf[T any](t *tx, r *resource, s store.Scope, l query.List, cols columns[T], alias, what string) ([]T, int64, error) {
	var out []T
	total, err := r.list(t, s, l, cols.sel(alias), func(row rowScanner) error {
		v, err := cols.scan(row)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *v)
		return nil
	})
	return out, total, err
}
