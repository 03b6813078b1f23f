// Column lists: each table (or other read shape) declares its columns once, pairing each column
// name with the field of the Go struct it holds; SELECT lists, Scan destinations, INSERT column
// lists, placeholders and values, and UPDATE SET lists are all derived from that declaration, so
// a name and the field it is read into and written from cannot drift apart.

package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// column is one column of a read shape of T: its name, where a row's value is scanned to and
// the value written for it.
type column[T any] struct {
	name string
	expr bool         // name is a read-only SQL expression (already qualified), not a column
	dest func(*T) any // Scan destination: a pointer to the field, or an adapter writing it
	val  func(*T) any // the value written (a bind parameter)
}

// columns is the one column list of a table or read shape of T. The SQL derived from it is
// built only from the fixed names of its declaration; values are always bind parameters.
type columns[T any] []column[T]

// col declares a column holding field f as is.
func col[T, V any](name string, f func(*T) *V) column[T] {
	return column[T]{
		name: name,
		dest: func(x *T) any { return f(x) },
		val:  func(x *T) any { return *f(x) },
	}
}

// nullCol declares a nullable column holding the pointer field f: NULL reads as nil, a value as a
// pointer to it (scanned through sql.Null[V]); nil is written as NULL.
func nullCol[T, V any](name string, f func(*T) **V) column[T] {
	return column[T]{
		name: name,
		dest: func(x *T) any {
			return scanFunc(func(src any) error {
				var n sql.Null[V]
				if err := n.Scan(src); err != nil {
					return err
				}
				*f(x) = nil
				if n.Valid {
					*f(x) = &n.V
				}
				return nil
			})
		},
		val: func(x *T) any { return *f(x) },
	}
}

// textCol declares a NOT NULL text column holding field f encoded by enc and read back by dec.
func textCol[T, V any](name string, f func(*T) *V, enc func(V) string, dec func(string) V) column[T] {
	return column[T]{
		name: name,
		dest: func(x *T) any {
			return scanFunc(func(src any) error {
				var n sql.Null[string]
				if err := n.Scan(src); err != nil {
					return err
				}
				if !n.Valid {
					return errors.New("converting NULL to string is unsupported")
				}
				*f(x) = dec(n.V)
				return nil
			})
		},
		val: func(x *T) any { return enc(*f(x)) },
	}
}

// exprCol declares a read-only computed value: the SQL expression expr (written with its own
// table aliases) read into field f. It can be selected, never inserted or set.
func exprCol[T, V any](expr string, f func(*T) *V) column[T] {
	return column[T]{
		name: expr,
		expr: true,
		dest: func(x *T) any { return f(x) },
		val:  func(*T) any { panic("sqlstore: a computed column is never written") },
	}
}

// scanFunc is a sql.Scanner writing the scanned value into a field.
type scanFunc func(src any) error

func (f scanFunc) Scan(src any) error { return f(src) }

// find returns the index of the column name; a name not in the list is a programming error.
func (cs columns[T]) find(name string) int {
	for i, c := range cs {
		if c.name == name {
			return i
		}
	}
	panic(fmt.Sprintf("sqlstore: no column %q in %T", name, cs))
}

// only returns the named columns, in the order named.
func (cs columns[T]) only(names ...string) columns[T] {
	out := make(columns[T], len(names))
	for i, n := range names {
		out[i] = cs[cs.find(n)]
	}
	return out
}

// except returns every column but the named ones, in declaration order.
func (cs columns[T]) except(names ...string) columns[T] {
	skip := make([]bool, len(cs))
	for _, n := range names {
		skip[cs.find(n)] = true
	}
	var out columns[T]
	for i, c := range cs {
		if !skip[i] {
			out = append(out, c)
		}
	}
	return out
}

// sel returns the SELECT list "a.x, a.y, …"; alias "" leaves the names unqualified.
func (cs columns[T]) sel(alias string) string {
	prefix := ""
	if alias != "" {
		prefix = alias + "."
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		if c.expr {
			names[i] = c.name
			continue
		}
		names[i] = prefix + c.name
	}
	return strings.Join(names, ", ")
}

// dests returns the Scan destinations of a row into v.
func (cs columns[T]) dests(v *T) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = c.dest(v)
	}
	return out
}

// scan reads one row selected with sel.
func (cs columns[T]) scan(r rowScanner) (*T, error) {
	var v T
	if err := r.Scan(cs.dests(&v)...); err != nil {
		return nil, err
	}
	return &v, nil
}

// values returns v's values of the columns, in order.
func (cs columns[T]) values(v *T) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = c.val(v)
	}
	return out
}

// insertSQL returns "INSERT INTO table (x, y, …) VALUES (?, ?, …)" for values.
func (cs columns[T]) insertSQL(table string) string {
	return "INSERT INTO " + table + " (" + cs.sel("") + ") VALUES (" + placeholders(len(cs)) + ")"
}

// insertSelectSQL returns "INSERT INTO table (x, y, …, more) SELECT ?, ?, …, exprs FROM from": the
// values of cs as bind parameters, then columns more filled by expressions exprs over from (a WITH
// query, so the row is inserted only when from has one).
func (cs columns[T]) insertSelectSQL(table, more, exprs, from string) string {
	head, list := cs.sel(""), placeholders(len(cs))
	if more != "" {
		head, list = head+", "+more, list+", "+exprs
	}
	return "INSERT INTO " + table + " (" + head + ") SELECT " + list + " FROM " + from
}

// set returns the UPDATE SET list "x = ?, y = ?, …" for values.
func (cs columns[T]) set() string {
	terms := make([]string, len(cs))
	for i, c := range cs {
		terms[i] = c.name + " = ?"
	}
	return strings.Join(terms, ", ")
}
