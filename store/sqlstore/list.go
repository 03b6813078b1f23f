package sqlstore

import (
	"fmt"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

type kind int

const (
	kText  kind = iota // text compared exactly, like: case-insensitive
	kInt               // integer
	kBool              // boolean
	kDate              // YYYY-MM-DD text
	kMoney             // minor units; expExpr holds the currency exponent
)

// field is a listed object's field as SQL.
type field struct {
	expr    string
	kind    kind
	expExpr string // kMoney only
}

// custom builds the SQL condition of a filter parameter that is not a plain field.
type custom func(c query.Cond) (string, []any, error)

// resource describes one listable table for the list compiler.
type resource struct {
	from     string // FROM clause (with alias)
	owner    string // contract-owner column for Scope, "" for global resources
	scope    func(store.Scope) (string, []any)
	id       string           // id column, the final tie-break
	fields   map[string]field // JSON field name → SQL (sort and filter)
	params   map[string]custom
	paramMap map[string]string // filter parameter → field name where they differ
}

// moneyScale is the fixed scale numeric filters and money sorts compare at: 6 decimal places,
// so amounts of currencies with different exponents compare exactly.
const moneyScale = 6

func scaled(f field) string {
	return fmt.Sprintf("(%s * CASE %s WHEN 0 THEN 1000000 WHEN 1 THEN 100000 WHEN 2 THEN 10000 ELSE 1000 END)", f.expr, f.expExpr)
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
		sqlc, a, err := r.cond(t, c)
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

func (r *resource) cond(t *tx, c query.Cond) (string, []any, error) {
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

func fieldCond(f field, c query.Cond) (string, []any, error) {
	expr := f.expr
	var vals []any
	switch f.kind {
	case kText, kDate:
		for _, s := range c.Strings {
			vals = append(vals, s)
		}
	case kInt:
		for _, id := range c.IDs {
			vals = append(vals, id)
		}
		for _, n := range c.Numbers {
			v, err := n.Minor(0)
			if err != nil { // not an integer: can never equal an integer column
				return numericNonInteger(expr, c, n)
			}
			vals = append(vals, v)
		}
	case kMoney:
		expr = scaled(f)
		for _, n := range c.Numbers {
			v, err := n.Minor(moneyScale)
			if err != nil {
				return "", nil, ep.Invalid(c.Param, "has too many decimal places or is out of range")
			}
			vals = append(vals, v)
		}
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

// numericNonInteger handles a non-integer value against an integer column: equality never
// matches, comparisons compare against the value at money scale.
func numericNonInteger(expr string, c query.Cond, n interface{ Minor(int32) (int64, error) }) (string, []any, error) {
	switch c.Op {
	case "eq", "in":
		return "1 = 0", nil, nil
	}
	v, err := n.Minor(moneyScale)
	if err != nil {
		return "", nil, ep.Invalid(c.Param, "has too many decimal places or is out of range")
	}
	op := sqlOps[c.Op]
	return fmt.Sprintf("(%s * 1000000) %s ?", expr, op), []any{v}, nil
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
		expr := f.expr
		switch f.kind {
		case kText:
			expr += t.d.TextCollate
		case kMoney:
			expr = scaled(f)
		}
		if s.Desc {
			keys = append(keys, expr+" DESC NULLS FIRST")
		} else {
			keys = append(keys, expr+" ASC NULLS LAST")
		}
	}
	keys = append(keys, r.id+" ASC")
	return " ORDER BY " + strings.Join(keys, ", "), nil
}

// list runs the count and the page query; scan is called for each row of the page.
func (r *resource) list(t *tx, s store.Scope, l query.List, columns string, scan func(rowScanner) error) (int64, error) {
	where, args, err := r.where(t, s, l)
	if err != nil {
		return 0, err
	}
	var total int64
	if err := t.queryRow("SELECT count(*) FROM "+r.from+where, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count %s: %w", r.from, err)
	}
	offset := int64(l.Page-1) * int64(l.PageSize)
	if total == 0 || offset >= total {
		return total, nil
	}
	order, err := r.orderBy(t, l)
	if err != nil {
		return 0, err
	}
	q := "SELECT " + columns + " FROM " + r.from + where + order + " LIMIT ? OFFSET ?"
	rows, err := t.query(q, append(args, l.PageSize, offset)...)
	if err != nil {
		return 0, fmt.Errorf("list %s: %w", r.from, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("list %s: %w", r.from, err)
	}
	return total, nil
}

type rowScanner interface{ Scan(dest ...any) error }

// listOf runs a list query and scans every row of the page with scan.
func listOf[T any](t *tx, r *resource, s store.Scope, l query.List, columns string, scan func(rowScanner) (*T, error), what string) ([]T, int64, error) {
	var out []T
	total, err := r.list(t, s, l, columns, func(row rowScanner) error {
		v, err := scan(row)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *v)
		return nil
	})
	return out, total, err
}
