package jsonpatch

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

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

func TestNumbersEqualMatchesBigRat(t *testing.T) {
	nums := []string{
		"0", "-0", "0.0", "0e10", "0E-10", "1", "-1", "1.0", "1.00", "10e-1", "0.1e1", "1e0", "1E+0", "1e-0",
		"10", "1e1", "100e-1", "0.01e3", "123.456", "123456e-3", "0.000123456e6", "-123.456", "-1.23456e2",
		"12345678901234567890", "1.2345678901234567890e19", "12345678901234567891",
		"9007199254740993", "9007199254740992", "0.30000000000000004", "0.3", "3e-1",
		"1e400", "1e401", "10e399", "1e-400", "0.1e-399", "5e-324", "2.5e-324",
		"1e18", "1e19", "1000000000000000000", "1e-18", "0.000000000000000001",
	}
	for _, a := range nums {
		for _, b := range nums {
			want, ok := ratEqual(a, b)
			if !ok {
				t.Fatalf("bad test number %s or %s", a, b)
			}
			if got := numbersEqual(json.Number(a), json.Number(b)); got != want {
				t.Errorf("numbersEqual(%s, %s) = %v, want %v", a, b, got, want)
			}
		}
	}
}

func TestNumbersEqualHugeExponents(t *testing.T) {
	e21 := "999999999999999999999" // beyond int64
	tests := []struct {
		a, b string
		want bool
	}{
		{"1e" + e21, "1e" + e21, true},
		{"1e" + e21, "10e999999999999999999998", true},
		{"1e" + e21, "0.1e1000000000000000000000", true},
		{"1e+000" + e21, "1e" + e21, true},
		{"1e-" + e21, "0.1e-999999999999999999998", true},
		{"1e-" + e21, "100e-1000000000000000000001", true},
		{"1e" + e21, "1e999999999999999999998", false},
		{"1e" + e21, "1e-" + e21, false},
		{"-1e" + e21, "1e" + e21, false},
		{"0e" + e21, "0", true},
		{"1e9999999999999999999", "10e9999999999999999998", true},
		{"1e9223372036854775807", "10e9223372036854775806", true},
		{"1e9223372036854775808", "10e9223372036854775807", true},
		{"1e-9223372036854775808", "0.1e-9223372036854775807", true},
		{"1" + strings.Repeat("0", 1000) + "e-1000", "1", true},
		{"0." + strings.Repeat("0", 1000) + "1e1001", "1", true},
	}
	for _, tt := range tests {
		if got := numbersEqual(json.Number(tt.a), json.Number(tt.b)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := numbersEqual(json.Number(tt.b), json.Number(tt.a)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
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

func TestParseDecimalRejectsNonNumbers(t *testing.T) {
	for _, s := range []string{"", "-", "+1", "01", "-01", "1.", ".1", "1e", "1e+", "1.e1", "0x1", "1 ", " 1",
		"NaN", "Inf", "1_000", "١", "1e1.5", "--1", "true", `"1"`} {
		if _, ok := parseDecimal(s); ok {
			t.Errorf("parseDecimal(%q) ok", s)
		}
	}
}

// FuzzNumbersEqual compares numbersEqual with math/big.Rat on numbers whose
// exponents big.Rat can handle.
func FuzzNumbersEqual(f *testing.F) {
	for _, p := range [][2]string{{"1", "1.0"}, {"1e0", "10e-1"}, {"-0", "0e5"}, {"123.45e2", "12345"},
		{"1e400", "1e401"}, {"0.1", "0.10"}, {"9007199254740993", "9007199254740992"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		_, okA := parseDecimal(a)
		_, okB := parseDecimal(b)
		if !okA || !okB || len(a) > 200 || len(b) > 200 {
			return
		}
		if !json.Valid([]byte(a)) || !json.Valid([]byte(b)) {
			t.Fatalf("parseDecimal accepted %q or %q, which are not JSON", a, b)
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
		if got := numbersEqual(json.Number(a), json.Number(b)); got != want {
			t.Fatalf("numbersEqual(%s, %s) = %v, big.Rat says %v", a, b, got, want)
		}
	})
}
