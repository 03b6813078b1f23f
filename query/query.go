// Package query implements the list-request grammar of the API (spec §2.4 –
// §2.7, OP-9 – OP-11): paging, sorting, sparse fieldsets and filters, plus
// the projection of objects to a fieldset and the Link header of §2.8. It is
// independent of HTTP handlers and of SQL.
package query

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/elevatepay/elevatepay/money"
)

// Kind is the type of a filter parameter; it decides which forms (Op) the
// parameter accepts and how its values are parsed.
type Kind int

const (
	// String is a StringFilterParam on a text field: exact, in:, like:.
	// Values land in Cond.Strings (like: in Cond.Like).
	String Kind = iota + 1
	// Numeric is a StringFilterParam on a numeric field: exact, in:, gt:,
	// lt:, gte:, lte:; like: is refused. Values are exact decimals written as
	// JSON numbers and land in Cond.Numbers.
	Numeric
	// ID is an IdFilterParam: exact, in:, gt:, lt:, gte:, lte:. Values are
	// base-10 int64 ids, >= 1 for exact and in:, >= 0 for comparisons; they
	// land in Cond.IDs.
	ID
	// IDEq is an id filter that takes exact and in: only (values >= 1, in
	// Cond.IDs).
	IDEq
	// Date is a DateFilterParam: exact, lt:, gt:, lte:, gte:, gtn:. Values are
	// real calendar dates YYYY-MM-DD (years 0001–9999) and land in
	// Cond.Strings.
	Date
	// Bool is a boolean filter: exactly "true" or "false", in Cond.Bool. It
	// cannot be repeated.
	Bool
	// Enum is a StringFilterParam over enum names: exact, in:, like:. Exact
	// and in: values must be members of Filter.Enum (case-sensitive); like:
	// matches the enum name text. Values land in Cond.Strings.
	Enum
	// Typed is a typed parameter: the plain value only, no prefixes, not
	// repeatable. Without Filter.Enum it is an IdParam (base-10 int64 >= 1, in
	// Cond.IDs); with Filter.Enum set it is an enum-typed parameter such as
	// billRunType (a member of Filter.Enum, in Cond.Strings).
	Typed
)

// String returns the name of k.
func (k Kind) String() string {
	switch k {
	case String:
		return "String"
	case Numeric:
		return "Numeric"
	case ID:
		return "ID"
	case IDEq:
		return "IDEq"
	case Date:
		return "Date"
	case Bool:
		return "Bool"
	case Enum:
		return "Enum"
	case Typed:
		return "Typed"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Filter describes one filter parameter of an operation.
type Filter struct {
	Kind Kind
	Enum []string // allowed values for Enum, and for Typed enum parameters
}

// Spec describes the query parameters a list (or single-item) operation accepts.
type Spec struct {
	Filters     map[string]Filter // query parameter name → filter
	Sortable    []string          // sortable field names
	Selectable  []string          // selectable field names in schema order
	Unsupported []string          // documented-but-unsupported filters → "filter not supported"
	Other       map[string]bool   // other parameters the handler reads itself (e.g. customer_id, filter); passed through in List.Other
	Paged       bool              // list operation: page & pageSize required (§2.4)
}

// Op is the form of a filter condition.
type Op string

// The forms of §2.7.2. OpEq is the exact form (no prefix).
const (
	OpEq   Op = "eq"
	OpIn   Op = "in"
	OpLike Op = "like"
	OpGt   Op = "gt"
	OpLt   Op = "lt"
	OpGte  Op = "gte"
	OpLte  Op = "lte"
	OpGtn  Op = "gtn"
)

// Cond is one parsed filter condition. Exactly one of the value fields is
// used, depending on the filter's Kind (see Kind): OpEq and the comparisons
// carry one value, OpIn 1 to 100 values, OpLike none (the pattern is in Like),
// and Bool filters set Bool.
type Cond struct {
	Param   string
	Op      Op
	Strings []string        // String, Enum, Date (YYYY-MM-DD) and Typed-enum values
	IDs     []int64         // ID, IDEq and Typed (id) values
	Numbers []money.Decimal // Numeric values
	Bool    bool            // Bool value
	Like    string          // for OpLike: the pattern as sent after "like:"; see LikeSQL
}

// LikeSQL returns the like: pattern in SQL LIKE form: '*' and '%' become '%',
// '_' and '\' are escaped with '\', so the pattern must be used with
// ESCAPE '\' (the default in PostgreSQL; SQLite needs the clause). A pattern
// without any wildcard means "contains" and is wrapped in '%'. Matching is
// case-insensitive per §2.7.2, which is the caller's job (ILIKE, or lower()
// on both sides).
func (c Cond) LikeSQL() string {
	var sb strings.Builder
	sb.Grow(len(c.Like) + 2)
	wild := strings.ContainsAny(c.Like, "*%")
	if !wild {
		sb.WriteByte('%')
	}
	for _, r := range c.Like {
		switch r {
		case '*', '%':
			sb.WriteByte('%')
		case '_', '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		default:
			sb.WriteRune(r)
		}
	}
	if !wild {
		sb.WriteByte('%')
	}
	return sb.String()
}

// Sort is one sort key.
type Sort struct {
	Field string
	Desc  bool
}

// List is a parsed list request.
type List struct {
	Page, PageSize int                 // 0 when the Spec is not Paged
	Sorts          []Sort              // in request order; nil when no sort was given
	Fields         []string            // selected fields in schema order, without duplicates; nil = all fields
	Conds          []Cond              // sorted by parameter name, then in request order; repeated filters are ANDed
	Other          map[string][]string // the Spec.Other parameters present, values as sent
}

// Error is a bad query parameter. Message names the parameter and is meant
// for the "message" of a 400 error body; Param is the parameter name for the
// "field" of a FieldError. Parse returns it as *Error.
type Error struct {
	Param, Message string
}

// Error returns e.Message.
func (e *Error) Error() string { return e.Message }

func errorf(param, format string, args ...any) *Error {
	return &Error{Param: param, Message: fmt.Sprintf(format, args...)}
}

const (
	maxPage     = 1<<31 - 1 // page is int32
	maxPageSize = 1000
	maxIn       = 100
)

// Parse validates the query parameters v against s and returns the parsed
// request. Known parameters are the filters, the Other parameters, page and
// pageSize when s.Paged, sort when s.Paged or s.Sortable is non-empty, and
// fields when s.Paged or s.Selectable is non-empty; anything else is an
// unknown parameter (OP-9). The first problem found is returned as a *Error; problems are
// looked for in this order: unknown or unsupported parameters (by name),
// page, pageSize, sort, fields, then filters by name.
func Parse(v url.Values, s Spec) (List, error) {
	var l List
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	// Unknown and unsupported parameters.
	for _, k := range keys {
		if _, ok := s.Filters[k]; ok {
			continue
		}
		if s.Other[k] {
			continue
		}
		switch k {
		case "page", "pageSize":
			if s.Paged {
				continue
			}
		case "sort":
			if s.Paged || len(s.Sortable) > 0 {
				continue
			}
		case "fields":
			if s.Paged || len(s.Selectable) > 0 {
				continue
			}
		}
		if slices.Contains(s.Unsupported, k) {
			return List{}, errorf(k, "filter not supported: %s", show(k))
		}
		return List{}, errorf(k, "unknown query parameter: %s", show(k))
	}

	// Paging.
	if s.Paged {
		var err error
		if l.Page, err = parsePaging(v, "page", maxPage, "page must be an integer >= 1"); err != nil {
			return List{}, err
		}
		if l.PageSize, err = parsePaging(v, "pageSize", maxPageSize, "pageSize must be an integer between 1 and 1000"); err != nil {
			return List{}, err
		}
	}

	// Sorting.
	if vals, ok := v["sort"]; ok {
		if len(vals) > 1 {
			return List{}, repeated("sort")
		}
		sorts, err := parseSort(vals[0], s)
		if err != nil {
			return List{}, err
		}
		l.Sorts = sorts
	}

	// Sparse fieldset.
	if vals, ok := v["fields"]; ok {
		if len(vals) > 1 {
			return List{}, repeated("fields")
		}
		fields, err := parseFields(vals[0], s)
		if err != nil {
			return List{}, err
		}
		l.Fields = fields
	}

	// Filters and other parameters.
	for _, k := range keys {
		if f, ok := s.Filters[k]; ok {
			vals := v[k]
			if len(vals) > 1 && (f.Kind == Bool || f.Kind == Typed) {
				return List{}, repeated(k)
			}
			for _, val := range vals {
				c, err := ParseValue(k, val, f)
				if err != nil {
					return List{}, err
				}
				l.Conds = append(l.Conds, c)
			}
			continue
		}
		if s.Other[k] {
			if l.Other == nil {
				l.Other = make(map[string][]string)
			}
			l.Other[k] = slices.Clone(v[k])
		}
	}
	return l, nil
}

func repeated(param string) *Error {
	return errorf(param, "%s must not be repeated", param)
}

// parsePaging parses the required integer parameter name in [1, max].
func parsePaging(v url.Values, name string, max int64, msg string) (int, error) {
	vals, ok := v[name]
	if !ok {
		return 0, errorf(name, "%s is required", name)
	}
	if len(vals) > 1 {
		return 0, repeated(name)
	}
	n, ok := parseUint(vals[0])
	if !ok || n < 1 || n > max {
		return 0, errorf(name, "%s", msg)
	}
	return int(n), nil
}

// parseUint parses a non-empty string of ASCII digits as a non-negative int64.
// Signs, spaces and other characters are refused.
func parseUint(s string) (int64, bool) {
	if s == "" || len(s) > 40 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func parseSort(val string, s Spec) ([]Sort, error) {
	items := strings.Split(val, ",")
	sorts := make([]Sort, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, item := range items {
		if item == "" {
			return nil, errorf("sort", "sort has an empty item")
		}
		field, dir, hasDir := strings.Cut(item, ":")
		desc := false
		if hasDir {
			switch dir {
			case "asc":
			case "desc":
				desc = true
			default:
				return nil, errorf("sort", "sort direction must be asc or desc: %s", show(item))
			}
		}
		if field == "" {
			return nil, errorf("sort", "sort has an empty field name: %s", show(item))
		}
		if !slices.Contains(s.Sortable, field) {
			if slices.Contains(s.Selectable, field) {
				return nil, errorf("sort", "sort names a field that cannot be sorted on: %s", show(field))
			}
			return nil, errorf("sort", "sort names an unknown field: %s", show(field))
		}
		if seen[field] {
			return nil, errorf("sort", "sort names a field more than once: %s", show(field))
		}
		seen[field] = true
		sorts = append(sorts, Sort{Field: field, Desc: desc})
	}
	return sorts, nil
}

func parseFields(val string, s Spec) ([]string, error) {
	named := make(map[string]bool)
	for item := range strings.SplitSeq(val, ",") {
		if item == "" {
			return nil, errorf("fields", "fields has an empty item")
		}
		if !slices.Contains(s.Selectable, item) {
			return nil, errorf("fields", "fields names an unknown field: %s", show(item))
		}
		named[item] = true
	}
	fields := make([]string, 0, len(named))
	for _, f := range s.Selectable {
		if named[f] {
			fields = append(fields, f)
			delete(named, f) // a Selectable listing a name twice yields it once
		}
	}
	return fields, nil
}

// prefixes in the order they are tried; no prefix is a prefix of another.
var prefixes = []struct {
	text string
	op   Op
}{
	{"in:", OpIn}, {"like:", OpLike},
	{"gt:", OpGt}, {"lt:", OpLt}, {"gte:", OpGte}, {"lte:", OpLte}, {"gtn:", OpGtn},
}

// allowedOps lists the forms each kind accepts.
var allowedOps = map[Kind][]Op{
	String:  {OpEq, OpIn, OpLike},
	Numeric: {OpEq, OpIn, OpGt, OpLt, OpGte, OpLte},
	ID:      {OpEq, OpIn, OpGt, OpLt, OpGte, OpLte},
	IDEq:    {OpEq, OpIn},
	Date:    {OpEq, OpGt, OpLt, OpGte, OpLte, OpGtn},
	Bool:    {OpEq},
	Enum:    {OpEq, OpIn, OpLike},
	Typed:   {OpEq},
}

// ParseValue parses one value of the filter parameter param of type f, as
// Parse does for each value of a filter. Handlers can use it for parameters
// they read themselves (Spec.Other), for example the customer-payments
// "filter" parameter with Filter{Kind: String}. It panics if f.Kind is not
// one of the Kind constants.
func ParseValue(param, val string, f Filter) (Cond, error) {
	ops, ok := allowedOps[f.Kind]
	if !ok {
		panic(fmt.Sprintf("query: filter %q has invalid kind %d", param, int(f.Kind)))
	}
	c := Cond{Param: param, Op: OpEq}
	if val == "" {
		return Cond{}, errorf(param, "%s must not be empty", param)
	}
	if !utf8.ValidString(val) {
		return Cond{}, errorf(param, "%s must be valid UTF-8", param)
	}
	rest := val
	prefix := ""
	for _, p := range prefixes {
		if strings.HasPrefix(val, p.text) {
			c.Op, prefix, rest = p.op, p.text, val[len(p.text):]
			break
		}
	}
	if !slices.Contains(ops, c.Op) {
		if f.Kind == Typed || f.Kind == Bool {
			return Cond{}, errorf(param, "%s takes a plain value only, not %s", param, prefix)
		}
		return Cond{}, errorf(param, "%s does not accept %s", param, prefix)
	}
	if rest == "" {
		return Cond{}, errorf(param, "%s must have a value after %s", param, prefix)
	}

	switch c.Op {
	case OpLike:
		if err := checkText(param, rest); err != nil {
			return Cond{}, err
		}
		c.Like = rest
		return c, nil
	case OpIn:
		if strings.Count(rest, ",") >= maxIn {
			return Cond{}, errorf(param, "%s: in: takes 1 to %d items", param, maxIn)
		}
		for item := range strings.SplitSeq(rest, ",") {
			item = strings.Trim(item, " \t")
			if item == "" {
				return Cond{}, errorf(param, "%s: in: has an empty item", param)
			}
			if err := c.add(item, f, 1); err != nil {
				return Cond{}, err
			}
		}
		return c, nil
	case OpEq:
		if f.Kind == Bool {
			switch rest {
			case "true":
				c.Bool = true
			case "false":
			default:
				return Cond{}, errorf(param, "%s must be true or false", param)
			}
			return c, nil
		}
		if err := c.add(rest, f, 1); err != nil {
			return Cond{}, err
		}
		return c, nil
	default: // comparisons
		if err := c.add(rest, f, 0); err != nil {
			return Cond{}, err
		}
		return c, nil
	}
}

// add parses one value of c's filter and appends it to the matching field.
// minID is the smallest id accepted (1 for exact and in:, 0 for comparisons).
func (c *Cond) add(item string, f Filter, minID int64) error {
	param := c.Param
	switch f.Kind {
	case String:
		if err := checkText(param, item); err != nil {
			return err
		}
		c.Strings = append(c.Strings, item)
	case Enum:
		if !slices.Contains(f.Enum, item) {
			return errorf(param, "%s must be one of %s: %s", param, strings.Join(f.Enum, ", "), show(item))
		}
		c.Strings = append(c.Strings, item)
	case Numeric:
		d, err := money.ParseJSON([]byte(item))
		if err != nil || strings.TrimSpace(item) != item {
			if errors.Is(err, money.ErrOutOfRange) {
				return errorf(param, "%s is out of range: %s", param, show(item))
			}
			return errorf(param, "%s must be a number: %s", param, show(item))
		}
		c.Numbers = append(c.Numbers, d)
	case ID, IDEq:
		n, ok := parseUint(item)
		if !ok && tooLarge(item) {
			return outOfRange(param, item)
		}
		if !ok || n < minID {
			return errorf(param, "%s must be an integer >= %d: %s", param, minID, show(item))
		}
		c.IDs = append(c.IDs, n)
	case Typed:
		if len(f.Enum) > 0 {
			if !slices.Contains(f.Enum, item) {
				return errorf(param, "%s must be one of %s: %s", param, strings.Join(f.Enum, ", "), show(item))
			}
			c.Strings = append(c.Strings, item)
			return nil
		}
		n, ok := parseUint(item)
		if !ok && tooLarge(item) {
			return outOfRange(param, item)
		}
		if !ok || n < 1 {
			return errorf(param, "%s must be an integer >= 1: %s", param, show(item))
		}
		c.IDs = append(c.IDs, n)
	case Date:
		if !validDate(item) {
			return errorf(param, "%s must be a date YYYY-MM-DD: %s", param, show(item))
		}
		c.Strings = append(c.Strings, item)
	}
	return nil
}

// tooLarge reports whether s is a string of ASCII digits too large for int64.
func tooLarge(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err != nil
}

func outOfRange(param, item string) *Error {
	return errorf(param, "%s is out of range (at most %d): %s", param, int64(math.MaxInt64), show(item))
}

// checkText refuses, in a text filter value, the characters no stored text can contain: NUL
// (PostgreSQL cannot store it, SQLite's LIKE stops at it) and the other C0 controls and DEL,
// except the whitespace free text may contain (tab, line feed, vertical tab, form feed,
// carriage return; spec §2.13).
func checkText(param, v string) error {
	if r, ok := controlChar(v); ok {
		return errorf(param, "%s contains a control character (U+%04X)", param, r)
	}
	return nil
}

// controlChar returns the first character of s that is NUL, another C0 control other than tab,
// line feed, vertical tab, form feed and carriage return, or DEL; ok is false when there is none.
func controlChar(s string) (r rune, ok bool) {
	for _, r := range s {
		switch {
		case r == '\t', r == '\n', r == '\v', r == '\f', r == '\r':
		case r < 0x20, r == 0x7f:
			return r, true
		}
	}
	return 0, false
}

// validDate reports whether s is a real calendar date YYYY-MM-DD with a year
// from 0001 to 9999.
func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	if s[:4] == "0000" {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// show renders a user-supplied name or value for a message: as is when it is
// short and printable, otherwise quoted Go-style and cut to 64 characters.
func show(s string) string {
	const limit = 64
	cut := false
	if utf8.RuneCountInString(s) > limit {
		runes := []rune(s)
		s = string(runes[:limit])
		cut = true
	}
	plain := s != "" && utf8.ValidString(s)
	for _, r := range s {
		if !unicode.IsPrint(r) || r == ' ' {
			plain = false
			break
		}
	}
	if !plain {
		s = strconv.Quote(s)
	}
	if cut {
		s += "…"
	}
	return s
}
