package storetest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	ep "github.com/elevatepay/elevatepay"
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

// testRoundTripGuards: the fixture guard and the field diff themselves fail when they must, so
// the round-trip tests above cannot pass vacuously.
func testRoundTripGuards(t *testing.T, _ store.Store) {
	full := func() *ep.Site {
		return &ep.Site{ID: 9, CustomerID: 6, ContractOwnerID: 41, SiteName: "a", StartDate: "b", EndDate: str("c"),
			Details: ep.SiteInvoiceDetails{PaymentMethod: str("d"), MandateStatus: str("e"), MandateReference: str("f"),
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
		DueDate: "d", Total: 6, Outstanding: 7, CurrencyID: 8, Exp: 9, PaymentMethod: str("e"), PaymentStatus: "f",
		ThirdPartyPaymentStatus: str("g"), ThirdPartyRefundStatus: str("h"), Collected: 10, InFlight: 11, RefundsPending: 12, RefundsSettled: 13}
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
}
