package money

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

// These tests moved here from jsonpatch with the code they test.

// ratEqual compares two JSON numbers with math/big; ok is false when either
// is not a number or its exponent is too large for big.Rat.
func ratEqual(a, b string) (equal, ok bool) {
	ra, okA := new(big.Rat).SetString(a)
	rb, okB := new(big.Rat).SetString(b)
	if !okA || !okB {
		return false, false
	}
	return ra.Cmp(rb) == 0, true
}

// TestEqualJSONAgreesWithCmp: within ParseJSON's limits, EqualJSON is Decimal.Cmp == 0, and
// IsJSONNumber accepts what ParseJSON accepts (without surrounding whitespace).
func TestEqualJSONAgreesWithCmp(t *testing.T) {
	nums := []string{"0", "-0", "0.00", "1", "1.0", "10e-1", "-1", "10.50", "10.5", "1.05e1", "100", "1e2",
		"0.000000000000000001", "1e-18", "999999999999999999", "123.456", "123456e-3", "-123.456"}
	for _, a := range nums {
		if !IsJSONNumber(a) {
			t.Errorf("IsJSONNumber(%s) = false", a)
		}
		for _, b := range nums {
			want := MustParse(a).Cmp(MustParse(b)) == 0
			if got := EqualJSON(a, b); got != want {
				t.Errorf("EqualJSON(%s, %s) = %v, Cmp says %v", a, b, got, want)
			}
		}
	}
	for _, s := range []string{"1e400", "1" + strings.Repeat("0", 60), "1e-999999999999999999999"} {
		if _, err := ParseJSON([]byte(s)); err != ErrOutOfRange || !IsJSONNumber(s) || !EqualJSON(s, s) || EqualJSON(s, "1") {
			t.Errorf("%.30s: beyond ParseJSON's limits (%v), still a comparable JSON number", s, err)
		}
	}
	if EqualJSON("1", "x") || EqualJSON("x", "1") || IsJSONNumber(" 1") {
		t.Error("non-numbers compared or accepted")
	}
}

func TestAddExponentMatchesBigInt(t *testing.T) {
	mags := []string{"", "5", "999999999999999999", "1000000000000000000", "1000000000000000001",
		"9999999999999999999", "10000000000000000000", "123456789012345678901234567890"}
	ks := []int{0, 1, -1, 9, -9, 10, -10, 12345, -12345, 1 << 40, -(1 << 40)}
	for _, mag := range mags {
		for _, neg := range []bool{false, true} {
			for _, k := range ks {
				e, _ := new(big.Int).SetString("0"+mag, 10)
				if neg {
					e.Neg(e)
				}
				want := e.Add(e, big.NewInt(int64(k))).String()
				if got := addExponent(neg, mag, k); got != want {
					t.Errorf("addExponent(%v, %q, %d) = %s, want %s", neg, mag, k, got, want)
				}
			}
		}
	}
}

func TestParseCanonicalRejectsNonNumbers(t *testing.T) {
	for _, s := range []string{"", "-", "+1", "01", "-01", "1.", ".1", "1e", "1e+", "1.e1", "0x1", "1 ", " 1",
		"NaN", "Inf", "1_000", "١", "1e1.5", "--1", "true", `"1"`} {
		if _, ok := parseCanonical(s); ok {
			t.Errorf("parseCanonical(%q) ok", s)
		}
	}
}

// FuzzEqualJSON compares EqualJSON with math/big.Rat on numbers whose
// exponents big.Rat can handle.
func FuzzEqualJSON(f *testing.F) {
	for _, p := range [][2]string{{"1", "1.0"}, {"1e0", "10e-1"}, {"-0", "0e5"}, {"123.45e2", "12345"},
		{"1e400", "1e401"}, {"0.1", "0.10"}, {"9007199254740993", "9007199254740992"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		_, okA := parseCanonical(a)
		_, okB := parseCanonical(b)
		if !okA || !okB || len(a) > 200 || len(b) > 200 {
			return
		}
		if !json.Valid([]byte(a)) || !json.Valid([]byte(b)) {
			t.Fatalf("parseCanonical accepted %q or %q, which are not JSON", a, b)
		}
		for _, s := range []string{a, b} {
			if i := strings.IndexAny(s, "eE"); i >= 0 && len(s)-i > 6 {
				return // exponent too large for a quick big.Rat
			}
		}
		want, ok := ratEqual(a, b)
		if !ok {
			t.Fatalf("big.Rat rejected %q or %q", a, b)
		}
		if got := EqualJSON(a, b); got != want {
			t.Fatalf("EqualJSON(%s, %s) = %v, big.Rat says %v", a, b, got, want)
		}
	})
}
