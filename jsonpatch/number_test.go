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
