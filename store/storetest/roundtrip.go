package storetest

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Round-trip conformance (issue 7): every entity the store writes is written with every field
// set to a distinct, non-default value, read back by every read path, and compared whole. A
// column list whose positions disagree with its scan (customer_id read into ContractOwnerID)
// then fails, which no test caught before.
//
// Two guards keep the fixtures honest:
//   - written refuses a fixture with a field still at its zero value (nil pointer, empty slice,
//     false, 0, ""), walking into nested structs and pointers, so a field added to a struct
//     later fails here until the fixture sets it. Deliberate exceptions are named with a reason.
//   - it also refuses two integer fields, or two string fields, holding the same value: a swap
//     of two columns of one type must change what is read. Booleans cannot all be distinct, so
//     each struct with several booleans is written in phases whose patterns differ pairwise.
//
// This file holds the guards and the whole-struct comparison; the fixture is in fixture.go and
// each entity's round-trip test in the entity's file.

// leaves calls visit for every scalar, nil pointer, empty slice and []byte under v; path names
// the field ("Details.PaymentMethod", "Scopes[1]").
func leaves(v reflect.Value, path string, visit func(path string, v reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			visit(path, v)
			return
		}
		leaves(v.Elem(), path, visit)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			leaves(v.Field(i), joinPath(path, v.Type().Field(i).Name), visit)
		}
	case reflect.Slice:
		if v.Len() == 0 || v.Type().Elem().Kind() == reflect.Uint8 {
			visit(path, v)
			return
		}
		for i := 0; i < v.Len(); i++ {
			leaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i), visit)
		}
	default:
		visit(path, v)
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func isZeroLeaf(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return v.IsNil()
	case reflect.Slice:
		return v.Len() == 0
	}
	return v.IsZero()
}

// written fails unless v (a struct or pointer to one, as it is about to be written) has every
// field set and no two integer or string fields equal. except names the fields allowed to stay
// zero (key "Field") and the pairs allowed to be equal (key "Field==Other"), each with its
// reason; an exception that is not needed fails too, so the list cannot go stale.
func written(t *testing.T, what string, v any, except map[string]string) {
	t.Helper()
	if problems := fixtureProblems(v, except); len(problems) > 0 {
		t.Fatalf("%s: fixture is not fully distinct:\n  %s", what, strings.Join(problems, "\n  "))
	}
}

// fixtureProblems is the check of written: what is zero, duplicated or needlessly excepted.
func fixtureProblems(v any, except map[string]string) []string {
	used := map[string]bool{}
	var problems []string
	ints := map[int64]string{}
	strs := map[string]string{}
	leaves(reflect.ValueOf(v), "", func(path string, f reflect.Value) {
		if isZeroLeaf(f) {
			if _, ok := except[path]; ok {
				used[path] = true
				return
			}
			problems = append(problems, fmt.Sprintf("%s is still its zero value: set it in the fixture (or list it as an exception with a reason)", path))
			return
		}
		var prev string
		var dup bool
		switch f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			prev, dup = ints[f.Int()]
			if !dup {
				ints[f.Int()] = path
			}
		case reflect.String:
			prev, dup = strs[f.String()]
			if !dup {
				strs[f.String()] = path
			}
		case reflect.Slice: // []byte
			prev, dup = strs[string(f.Bytes())]
			if !dup {
				strs[string(f.Bytes())] = path
			}
		}
		if dup {
			key := prev + "==" + path
			if _, ok := except[key]; ok {
				used[key] = true
				return
			}
			problems = append(problems, fmt.Sprintf("%s and %s are both %v: a swap of their columns would go unseen", prev, path, f.Interface()))
		}
	})
	for k := range except {
		if !used[k] {
			problems = append(problems, fmt.Sprintf("exception %q is not needed (the field is set, distinct or gone): remove it", k))
		}
	}
	sort.Strings(problems)
	return problems
}

// diff lists the fields in which got differs from want.
func diff(path string, want, got reflect.Value, out *[]string) {
	switch want.Kind() {
	case reflect.Pointer:
		if want.IsNil() || got.IsNil() {
			if want.IsNil() != got.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got)))
			}
			return
		}
		diff(path, want.Elem(), got.Elem(), out)
	case reflect.Struct:
		for i := 0; i < want.NumField(); i++ {
			diff(joinPath(path, want.Type().Field(i).Name), want.Field(i), got.Field(i), out)
		}
	case reflect.Slice:
		if want.Type().Elem().Kind() != reflect.Uint8 && want.Len() == got.Len() {
			for i := 0; i < want.Len(); i++ {
				diff(fmt.Sprintf("%s[%d]", path, i), want.Index(i), got.Index(i), out)
			}
			return
		}
		fallthrough
	default:
		if !reflect.DeepEqual(want.Interface(), got.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got)))
		}
	}
}

func show(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "nil"
	case v.Kind() == reflect.Pointer:
		return "&" + show(v.Elem())
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		return fmt.Sprintf("%q", v.Bytes())
	}
	return fmt.Sprintf("%#v", v.Interface())
}

// same fails (without stopping the test) unless got equals want in every field, and reports
// each differing field.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	var d []string
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	if w.Type() != g.Type() {
		d = append(d, fmt.Sprintf("type: want %v, got %v", w.Type(), g.Type()))
	} else {
		diff("", w, g, &d)
	}
	if len(d) == 0 {
		d = append(d, fmt.Sprintf("want %#v, got %#v", want, got))
	}
	t.Errorf("%s: read back differs from what was written:\n  %s", what, strings.Join(d, "\n  "))
}

// byScope, as the param of a column, stands for the list's scope: the row is looked for with
// store.Scope{Owners: []int32{v}} instead of a filter.
const byScope = "(scope)"

// column pairs a list's filter parameter on an id-like column with the field of the written row
// that column must hold, as leaves names it ("CustomerID", "Details.PaymentProviderID",
// "ContractOwnerIDs[1]").
type column struct{ param, field string }

// idFields returns the id-like fields of v by path: the integers whose field name ends in ID,
// and the elements of an integer slice whose name ends in IDs.
func idFields(v any) map[string]int64 {
	out := map[string]int64{}
	leaves(reflect.ValueOf(v), "", func(path string, f reflect.Value) {
		switch f.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if name := baseField(path); strings.HasSuffix(name, "ID") || strings.HasSuffix(name, "IDs") {
				out[path] = f.Int()
			}
		}
	})
	return out
}

// baseField is the last field name of path without its index: "ContractOwnerIDs[1]" →
// "ContractOwnerIDs", "Details.PaymentProviderID" → "PaymentProviderID".
func baseField(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

// landWhereNamed checks that the id-like columns of a written row hold what they are named
// after, which a round trip cannot see: a column list with two names swapped writes and reads
// consistently, so the row reads back whole while customer ids sit in contract_owner_id. For each
// column, listing with the row's own value of the field finds the row (key identifies it), and
// listing with the value of any other id-like field of the row does not. The row must have
// passed written: its id-like fields are distinct.
func landWhereNamed[T any](t *testing.T, what string, row T, key func(T) int64, cols []column, list func(store.Scope, query.List) ([]T, int64, error)) {
	t.Helper()
	problems, err := columnProblems(row, key, cols, list)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(problems) > 0 {
		t.Errorf("%s: columns do not hold what they are named after:\n  %s", what, strings.Join(problems, "\n  "))
	}
}

// columnProblems is the check of landWhereNamed: each lookup that finds the row when it must not,
// or misses it when it must find it.
func columnProblems[T any](row T, key func(T) int64, cols []column, list func(store.Scope, query.List) ([]T, int64, error)) ([]string, error) {
	ids := idFields(row)
	paths := make([]string, 0, len(ids))
	for p := range ids {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for i, p := range paths {
		for _, q := range paths[i+1:] {
			if ids[p] == ids[q] && baseField(p) != baseField(q) {
				return nil, fmt.Errorf("%s and %s are both %d: the row cannot tell its columns apart", p, q, ids[p])
			}
		}
	}
	finds := func(c column, v int64) (bool, error) {
		s, l := store.AllOwners, page(1000)
		if c.param == byScope {
			if v < math.MinInt32 || v > math.MaxInt32 {
				return false, nil // cannot be a contract owner
			}
			s = store.Scope{Owners: []int32{int32(v)}}
		} else {
			l = page(1000, query.Cond{Param: c.param, Op: query.OpEq, IDs: []int64{v}})
		}
		got, total, err := list(s, l)
		if err != nil {
			return false, fmt.Errorf("%s = %d: %w", c.param, v, err)
		}
		if int64(len(got)) != total {
			return false, fmt.Errorf("%s = %d: %d rows on the page of %d in all: make the page larger", c.param, v, len(got), total)
		}
		for _, r := range got {
			if key(r) == key(row) {
				return true, nil
			}
		}
		return false, nil
	}
	filtered := func(c column) string {
		if c.param == byScope {
			return "the column the scope filters"
		}
		return "the column " + c.param + " filters"
	}
	var problems []string
	for _, c := range cols {
		v, ok := ids[c.field]
		if !ok {
			return nil, fmt.Errorf("%s is not an id-like field of the row (it has %v)", c.field, paths)
		}
		if found, err := finds(c, v); err != nil {
			return nil, err
		} else if !found {
			problems = append(problems, fmt.Sprintf("%s = %d (its %s) misses the row: %s does not hold %s", c.param, v, c.field, filtered(c), c.field))
		}
		others := 0
		for _, p := range paths {
			if baseField(p) == baseField(c.field) {
				continue // another element of the same field (a provider's other owners) may match
			}
			others++
			if found, err := finds(c, ids[p]); err != nil {
				return nil, err
			} else if found {
				problems = append(problems, fmt.Sprintf("%s = %d (its %s) finds the row: %s holds %s", c.param, ids[p], p, filtered(c), p))
			}
		}
		if others == 0 {
			return nil, fmt.Errorf("%s: the row has no other id-like field to tell %s from", c.param, c.field)
		}
	}
	return problems, nil
}

// testRoundTripGuards: the fixture guard, the field diff and the column check themselves fail
// when they must, so the round-trip tests cannot pass vacuously.
func testRoundTripGuards(t *testing.T, _ store.Store) {
	full := func() *ep.Site {
		return &ep.Site{ID: 9, CustomerID: 6, ContractOwnerID: 41, SiteName: "a", StartDate: "b", EndDate: str("c"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: ptr[ep.PaymentMethod]("d"), MandateStatus: str("e"), MandateReference: str("f"),
				ThirdPartyCustomerReference: str("g"), PaymentProviderID: i32(2)}}
	}
	if p := fixtureProblems(full(), nil); len(p) != 0 {
		t.Fatalf("a fully distinct site is refused: %v", p)
	}
	wants := func(what string, p []string, fragments ...string) {
		t.Helper()
		joined := strings.Join(p, "\n")
		for _, f := range fragments {
			if !strings.Contains(joined, f) {
				t.Errorf("%s: problems %q do not mention %q", what, p, f)
			}
		}
		if len(p) != len(fragments) {
			t.Errorf("%s: %d problems %q, want %d", what, len(p), p, len(fragments))
		}
	}
	nested := full()
	nested.Details.MandateReference = nil
	wants("nil nested pointer", fixtureProblems(nested, nil), "Details.MandateReference is still its zero value")
	flag := &ep.Invoice{ID: 1, CustomerID: 2, ContractOwnerID: 3, SiteID: 4, BillRunType: "a", BillRunID: i64(5), InvoiceNumber: "b", InvoiceDate: "c",
		DueDate: "d", Total: 6, Outstanding: 7, CurrencyID: 8, Exp: 9, PaymentMethod: ptr[ep.PaymentMethod]("e"), PaymentStatus: "f",
		ThirdPartyPaymentStatus: ptr[ep.ThirdPartyPaymentStatus]("g"), ThirdPartyRefundStatus: ptr[ep.RefundStatus]("h"), Collected: 10, InFlight: 11, RefundsPending: 12, RefundsSettled: 13}
	wants("false bool", fixtureProblems(flag, nil), "AutoCollect is still its zero value")
	dup := full()
	dup.ContractOwnerID = int32(dup.CustomerID)
	dup.Details.MandateStatus = str("d")
	wants("equal fields", fixtureProblems(dup, nil), "CustomerID and ContractOwnerID are both 6", "Details.PaymentMethod and Details.MandateStatus are both d:")
	wants("excepted pair", fixtureProblems(dup, map[string]string{"CustomerID==ContractOwnerID": "x"}), "Details.PaymentMethod and Details.MandateStatus")
	wants("empty slice", fixtureProblems(&ep.User{ID: 1, Username: "u", PasswordHash: "h", Admin: true, Scopes: []string{"s"}, Disabled: true,
		Failures: 2, LockedUntil: 3}, nil), "ContractOwnerIDs is still its zero value")
	wants("stale exception", fixtureProblems(full(), map[string]string{"SiteName": "x"}), `exception "SiteName" is not needed`)

	var d []string
	swapped := full()
	swapped.CustomerID, swapped.ContractOwnerID = 41, 6
	swapped.Details.PaymentProviderID = nil
	diff("", reflect.ValueOf(full()), reflect.ValueOf(swapped), &d)
	want := []string{"CustomerID: want 6, got 41", "ContractOwnerID: want 41, got 6", "Details.PaymentProviderID: want &2, got nil"}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("diff = %q, want %q", d, want)
	}
	d = nil
	diff("", reflect.ValueOf([]byte("ab")), reflect.ValueOf([]byte("ba")), &d)
	if !reflect.DeepEqual(d, []string{`: want "ab", got "ba"`}) {
		t.Errorf("diff of bytes = %q", d)
	}

	// The column check, against a list of one site that stores customer ids in the contract-owner
	// column and owners in the customer column (written and read back consistently, so a round
	// trip passes): both the customerId filter and the scope catch it.
	site := *full()
	fake := func(customer, owner func(ep.Site) int64) func(store.Scope, query.List) ([]ep.Site, int64, error) {
		return func(s store.Scope, l query.List) ([]ep.Site, int64, error) {
			if !s.All && !s.Sees(int32(owner(site))) {
				return nil, 0, nil
			}
			for _, c := range l.Conds {
				if stored := map[string]int64{"id": site.ID, "customerId": customer(site)}[c.Param]; stored != c.IDs[0] {
					return nil, 0, nil
				}
			}
			return []ep.Site{site}, 1, nil
		}
	}
	customerCol, ownerCol := func(s ep.Site) int64 { return s.CustomerID }, func(s ep.Site) int64 { return int64(s.ContractOwnerID) }
	key := func(s ep.Site) int64 { return s.ID }
	cols := []column{{"id", "ID"}, {"customerId", "CustomerID"}, {byScope, "ContractOwnerID"}}
	if p, err := columnProblems(site, key, cols, fake(customerCol, ownerCol)); err != nil || len(p) != 0 {
		t.Errorf("columns where they are named are refused: %q, %v", p, err)
	}
	p, err := columnProblems(site, key, cols, fake(ownerCol, customerCol))
	if err != nil {
		t.Fatal(err)
	}
	wants("swapped columns", p, "customerId = 6 (its CustomerID) misses the row", "customerId = 41 (its ContractOwnerID) finds the row",
		"(scope) = 41 (its ContractOwnerID) misses the row", "(scope) = 6 (its CustomerID) finds the row")
	if _, err := columnProblems(site, key, []column{{"siteId", "SiteID"}}, fake(customerCol, ownerCol)); err == nil {
		t.Error("a column naming a field the row does not have is accepted")
	}
	equal := site
	equal.CustomerID = int64(equal.ContractOwnerID)
	if _, err := columnProblems(equal, key, cols, fake(customerCol, ownerCol)); err == nil {
		t.Error("a row whose id-like fields are not distinct is accepted")
	}
}
