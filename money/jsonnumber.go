package money

import (
	"strconv"
	"strings"
)

// This file compares JSON numbers of any size exactly, as JSON Patch's test
// operation needs (RFC 6902 §4.6). Unlike ParseJSON it has no limits on
// digits or exponent, and it does no arithmetic on the value: numbers are
// reduced to a canonical text form, in time linear in their length.

// IsJSONNumber reports whether s is a JSON number (RFC 8259 §6), with no
// surrounding whitespace. Its size is not limited.
func IsJSONNumber(s string) bool {
	_, ok := parseCanonical(s)
	return ok
}

// EqualJSON reports whether two JSON numbers denote the same rational value,
// so "1", "1.0", "1e0" and "10e-1" are all equal and "-0" equals "0". Text
// that is not a JSON number equals nothing but the identical text. The size of
// the numbers is not limited; use ParseJSON and Decimal.Cmp for amounts.
//
// The comparison is exact. It does not use math/big.Rat: Rat.SetString
// accepts exponents up to a million, and materialising 10^999999 costs about
// 30 ms for an 8-byte input, which would let a patch full of such numbers
// burn minutes of CPU. Comparing canonical decimal forms is exact and takes
// time linear in the length of the text.
func EqualJSON(a, b string) bool {
	if a == b {
		return true
	}
	da, ok := parseCanonical(a)
	if !ok {
		return false
	}
	db, ok := parseCanonical(b)
	return ok && da == db
}

// canonical is the canonical form of a JSON number: its value is
// ±0.digits × 10^exp, where digits has no leading or trailing zero and exp is
// the exponent in canonical decimal text. Zero is the zero value. Two JSON
// numbers are numerically equal exactly when their canonical forms are equal.
type canonical struct {
	neg    bool
	digits string
	exp    string
}

// parseCanonical returns the canonical form of s, or ok false if s is not a
// JSON number (RFC 8259 §6).
func parseCanonical(s string) (d canonical, ok bool) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return canonical{}, false
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return canonical{}, false
		}
		frac = s[i+1 : j]
		i = j
	}
	expNeg := false
	expDigits := ""
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return canonical{}, false
		}
		expDigits = s[i:j]
		i = j
	}
	if i != len(s) {
		return canonical{}, false
	}

	mant := intPart + frac
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	if lead == len(mant) {
		return canonical{}, true // zero, whatever its sign and exponent
	}
	trail := len(mant)
	for mant[trail-1] == '0' {
		trail--
	}
	// value = ±0.mant[lead:trail] × 10^(len(intPart) - lead + exponent)
	shift := len(intPart) - lead
	return canonical{
		neg:    neg,
		digits: mant[lead:trail],
		exp:    addExponent(expNeg, strings.TrimLeft(expDigits, "0"), shift),
	}, true
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// addExponent returns the canonical decimal text of ±mag + k, where mag is a
// digit string without leading zeros ("" for zero). The exponent of a JSON
// number may have any number of digits, so large ones are added digit-wise
// instead of through math/big, whose decimal parsing is quadratic.
func addExponent(neg bool, mag string, k int) string {
	if len(mag) <= 18 { // fits an int64 with room for k
		e := int64(0)
		if mag != "" {
			e, _ = strconv.ParseInt(mag, 10, 64)
		}
		if neg {
			e = -e
		}
		return strconv.FormatInt(e+int64(k), 10)
	}
	// |mag| >= 10^18 > |k|, so the result has the sign of the exponent.
	kmag := uint64(k)
	if k < 0 {
		kmag = uint64(-k)
	}
	var m string
	if (k < 0) == neg {
		m = addDigits(mag, kmag)
	} else {
		m = subDigits(mag, kmag)
	}
	if neg {
		return "-" + m
	}
	return m
}

// addDigits returns the decimal text of a + b.
func addDigits(a string, b uint64) string {
	buf := []byte(a)
	carry := b
	for i := len(buf) - 1; i >= 0 && carry > 0; i-- {
		d := uint64(buf[i]-'0') + carry
		buf[i] = byte('0' + d%10)
		carry = d / 10
	}
	if carry > 0 {
		return strconv.FormatUint(carry, 10) + string(buf)
	}
	return string(buf)
}

// subDigits returns the decimal text of a - b for a > b.
func subDigits(a string, b uint64) string {
	buf := []byte(a)
	borrow := 0
	for i := len(buf) - 1; i >= 0 && (b > 0 || borrow > 0); i-- {
		d := int(buf[i]-'0') - int(b%10) - borrow
		b /= 10
		borrow = 0
		if d < 0 {
			d += 10
			borrow = 1
		}
		buf[i] = byte('0' + d)
	}
	return strings.TrimLeft(string(buf), "0")
}
