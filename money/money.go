// Package money converts amounts between the exact decimal text used at the
// HTTP edge (major currency units, JSON numbers) and the int64 minor units used
// everywhere inside the service.
//
// No value in this package ever passes through binary floating point: JSON
// numbers are parsed digit by digit, arithmetic uses integers (math/big where
// int64 could overflow), and output is produced from the exact digits.
package money

import (
	"errors"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// Errors returned by ParseJSON, UnmarshalJSON and Minor. Their texts are meant
// to follow a field or parameter name in a user-facing message, for example
// "amountInMajorCurrency must be a JSON number".
var (
	// ErrNotNumber reports a JSON value that is not a JSON number (a string
	// such as "10.50", true, null, an object, an array or malformed text).
	ErrNotNumber = errors.New("must be a JSON number")
	// ErrTooPrecise reports an amount with more decimal places than the
	// currency's exponent allows.
	ErrTooPrecise = errors.New("has more decimal places than the currency allows")
	// ErrOutOfRange reports a number that is absurdly large or small or that
	// does not fit int64 minor units.
	ErrOutOfRange = errors.New("is out of range")
)

// Limits enforced by ParseJSON before any arithmetic is done.
const (
	// MaxDigits is the largest number of significant digits ParseJSON accepts
	// (counted from the first to the last non-zero digit).
	MaxDigits = 40
	// MaxMagnitude is the exponent bound: ParseJSON accepts non-zero values v
	// with 1e-MaxMagnitude <= |v| < 1e+MaxMagnitude.
	MaxMagnitude = 18
	// maxExp is the largest currency exponent Minor, FromMinor and Format accept.
	maxExp = 18
)

// Decimal is an exact decimal number as sent or shown in JSON (major currency units).
//
// The zero value is 0. Compare values with Cmp, not ==.
type Decimal struct {
	d decimal.Decimal // always normalised: no trailing zeros in the coefficient
}

var bigTen = big.NewInt(10)

// newDecimal builds a normalised Decimal from coef × 10^exp. It takes
// ownership of coef.
func newDecimal(coef *big.Int, exp int32) Decimal {
	if coef.Sign() == 0 {
		return Decimal{}
	}
	var q, r big.Int
	for {
		q.QuoRem(coef, bigTen, &r)
		if r.Sign() != 0 {
			break
		}
		coef.Set(&q)
		exp++
	}
	return Decimal{d: decimal.NewFromBigInt(coef, exp)}
}

// NewFromInt returns the Decimal with the integer value i.
func NewFromInt(i int64) Decimal {
	return newDecimal(big.NewInt(i), 0)
}

// MustParse parses s as ParseJSON does and panics on error. It is meant for
// constants and tests.
func MustParse(s string) Decimal {
	d, err := ParseJSON([]byte(s))
	if err != nil {
		panic("money: MustParse(" + s + "): " + err.Error())
	}
	return d
}

// isJSONSpace reports whether c is JSON insignificant whitespace.
func isJSONSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ParseJSON parses b, one raw JSON value, as an exact decimal. Only a JSON
// number is accepted (surrounding JSON whitespace is ignored); a JSON string
// such as "10.50", true, null, an object, an array or malformed text gives
// ErrNotNumber. Exponent notation is accepted ("1.05e1" is 10.5). Numbers with
// more than MaxDigits significant digits, and non-zero numbers whose magnitude
// is at least 1e18 or below 1e-18, give ErrOutOfRange; these limits are checked
// on the text, before any arithmetic, so inputs such as 1e999999999 fail fast.
// Negative zero parses as 0.
func ParseJSON(b []byte) (Decimal, error) {
	for len(b) > 0 && isJSONSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isJSONSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	// Grammar (RFC 8259): -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
	i := 0
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return Decimal{}, ErrNotNumber
	}
	intPart := b[intStart:i]
	var fracPart []byte
	if i < len(b) && b[i] == '.' {
		i++
		fracStart := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == fracStart {
			return Decimal{}, ErrNotNumber
		}
		fracPart = b[fracStart:i]
	}
	var expPart []byte
	expNeg := false
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			expNeg = b[i] == '-'
			i++
		}
		expStart := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == expStart {
			return Decimal{}, ErrNotNumber
		}
		expPart = b[expStart:i]
	}
	if i != len(b) {
		return Decimal{}, ErrNotNumber
	}

	// The digit string is intPart+fracPart; its value is digits × 10^-len(fracPart) × 10^exp.
	// Find the significant digits: from the first to the last non-zero digit.
	n := len(intPart) + len(fracPart)
	digit := func(k int) byte {
		if k < len(intPart) {
			return intPart[k]
		}
		return fracPart[k-len(intPart)]
	}
	first := 0
	for first < n && digit(first) == '0' {
		first++
	}
	if first == n {
		return Decimal{}, nil // zero, whatever the sign and exponent
	}
	last := n - 1
	for digit(last) == '0' {
		last--
	}
	sig := last - first + 1
	if sig > MaxDigits {
		return Decimal{}, ErrOutOfRange
	}

	// Exponent from the text, bounded before conversion so it cannot overflow.
	for len(expPart) > 1 && expPart[0] == '0' {
		expPart = expPart[1:]
	}
	if len(expPart) > 9 {
		return Decimal{}, ErrOutOfRange
	}
	var e10 int64
	for _, c := range expPart {
		e10 = e10*10 + int64(c-'0')
	}
	if expNeg {
		e10 = -e10
	}
	// Value = sigDigits × 10^scale, where scale is the power of ten of the last
	// significant digit.
	scale := e10 - int64(len(fracPart)) + int64(n-1-last)
	// |value| lies in [10^(sig-1+scale), 10^(sig+scale)).
	if int64(sig)+scale > MaxMagnitude || int64(sig)-1+scale < -MaxMagnitude {
		return Decimal{}, ErrOutOfRange
	}

	var sb strings.Builder
	sb.Grow(sig + 1)
	if neg {
		sb.WriteByte('-')
	}
	for k := first; k <= last; k++ {
		sb.WriteByte(digit(k))
	}
	coef, ok := new(big.Int).SetString(sb.String(), 10)
	if !ok { // cannot happen: the text is validated digits
		return Decimal{}, ErrNotNumber
	}
	return Decimal{d: decimal.NewFromBigInt(coef, int32(scale))}, nil
}

// UnmarshalJSON implements json.Unmarshaler; it is ParseJSON. A JSON null
// gives ErrNotNumber; use a *Decimal field when null must mean "absent"
// (encoding/json then sets the pointer to nil without calling this method).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	v, err := ParseJSON(b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON implements json.Marshaler. It writes the shortest exact plain
// decimal: 10.1, 10.5 (for 10.50), 100 (for 100.00), 0.01, -3.2; never
// exponent notation, never "-0", never a trailing zero after the point.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return []byte(d.String()), nil
}

// String returns the same text as MarshalJSON.
func (d Decimal) String() string {
	coef := d.d.Coefficient()
	if coef.Sign() == 0 {
		return "0"
	}
	exp := d.d.Exponent()
	neg := coef.Sign() < 0
	digits := new(big.Int).Abs(coef).String()
	// Defensive normalisation; values built by this package have none.
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	switch {
	case exp >= 0:
		sb.WriteString(digits)
		for range exp {
			sb.WriteByte('0')
		}
	default:
		places := int(-exp)
		if len(digits) > places {
			sb.WriteString(digits[:len(digits)-places])
			sb.WriteByte('.')
			sb.WriteString(digits[len(digits)-places:])
		} else {
			sb.WriteString("0.")
			for range places - len(digits) {
				sb.WriteByte('0')
			}
			sb.WriteString(digits)
		}
	}
	return sb.String()
}

func checkExp(exp int32) {
	if exp < 0 || exp > maxExp {
		panic("money: currency exponent out of range 0..18")
	}
}

// Minor converts d to minor units of a currency with exponent exp (its
// decimalPlaces, normally 0..3): 10.5 with exp 2 is 1050. A value with more
// decimal places than exp (trailing zeros do not count, so 10.50 is fine for
// exp 2 but 10.123 is not) gives ErrTooPrecise; a result that does not fit
// int64 gives ErrOutOfRange. Minor panics if exp is outside 0..18.
func (d Decimal) Minor(exp int32) (int64, error) {
	checkExp(exp)
	coef := d.d.Coefficient()
	if coef.Sign() == 0 {
		return 0, nil
	}
	e := d.d.Exponent()
	var q, r big.Int
	for { // defensive normalisation
		q.QuoRem(coef, bigTen, &r)
		if r.Sign() != 0 {
			break
		}
		coef.Set(&q)
		e++
	}
	shift := int64(e) + int64(exp)
	if shift < 0 {
		return 0, ErrTooPrecise
	}
	// int64 has at most 19 digits; avoid big exponentiation for absurd shifts.
	if int64(len(new(big.Int).Abs(coef).String()))+shift > 19 {
		return 0, ErrOutOfRange
	}
	v := new(big.Int).Mul(coef, new(big.Int).Exp(bigTen, big.NewInt(shift), nil))
	if !v.IsInt64() {
		return 0, ErrOutOfRange
	}
	return v.Int64(), nil
}

// FromMinor returns the amount minor × 10^-exp in major units: FromMinor(1050, 2)
// is 10.5. It panics if exp is outside 0..18.
func FromMinor(minor int64, exp int32) Decimal {
	checkExp(exp)
	return newDecimal(big.NewInt(minor), -exp)
}

// FromBigMinor is FromMinor for a minor-units amount that may not fit int64. It panics if exp
// is outside 0..18.
func FromBigMinor(minor *big.Int, exp int32) Decimal {
	checkExp(exp)
	return newDecimal(new(big.Int).Set(minor), -exp)
}

// Format returns FromMinor(minor, exp).String(): Format(1050, 2) is "10.5".
func Format(minor int64, exp int32) string {
	return FromMinor(minor, exp).String()
}

// Cmp compares d and o and returns -1, 0 or +1.
func (d Decimal) Cmp(o Decimal) int { return d.d.Cmp(o.d) }

// Sign returns -1, 0 or +1 for a negative, zero or positive d.
func (d Decimal) Sign() int { return d.d.Sign() }

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.d.Sign() == 0 }
