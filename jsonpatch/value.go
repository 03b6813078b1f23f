package jsonpatch

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

const (
	// maxDepth bounds how deeply arrays and objects may nest in a document,
	// in a value and in the result of an operation; encoding/json applies the
	// same limit when decoding. It also stops a cyclic Go value from being
	// copied forever.
	maxDepth = 10000

	// maxCopyWeight bounds the approximate memory, in bytes, that the copy
	// operations of one Apply may allocate. Without it a patch that copies a
	// location into itself a few dozen times would grow the document
	// exponentially.
	maxCopyWeight = 32 << 20

	// Approximate memory costs used to weigh copied values.
	containerWeight = 64
	scalarWeight    = 16
)

var errTooLarge = fmt.Errorf("copy operations may copy at most %d MiB", maxCopyWeight>>20)

// copier deep-copies JSON values, validating them and measuring their depth
// and approximate size on the way.
type copier struct {
	depth  int // deepest container nesting seen, counting enclosing containers
	weight int // approximate bytes copied
	limit  int // weight at which copying fails with errTooLarge; 0 means none
}

// copy returns a deep copy of v, which sits inside level enclosing arrays or
// objects. A typed nil map or slice becomes JSON null, as encoding/json would
// encode it.
func (c *copier) copy(v any, level int) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		return x, c.add(scalarWeight)
	case string:
		return x, c.add(scalarWeight + len(x))
	case json.Number:
		if _, ok := parseDecimal(string(x)); !ok {
			return nil, fmt.Errorf("contains the invalid number %s", show(string(x)))
		}
		return x, c.add(scalarWeight + len(x))
	case map[string]any:
		if x == nil {
			return nil, c.add(scalarWeight)
		}
		if err := c.enter(level); err != nil {
			return nil, err
		}
		if err := c.add(containerWeight); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			if err := c.add(scalarWeight + len(k)); err != nil {
				return nil, err
			}
			ce, err := c.copy(e, level+1)
			if err != nil {
				return nil, err
			}
			m[k] = ce
		}
		return m, nil
	case []any:
		if x == nil {
			return nil, c.add(scalarWeight)
		}
		if err := c.enter(level); err != nil {
			return nil, err
		}
		if err := c.add(containerWeight + scalarWeight*len(x)); err != nil {
			return nil, err
		}
		a := make([]any, len(x))
		for i, e := range x {
			ce, err := c.copy(e, level+1)
			if err != nil {
				return nil, err
			}
			a[i] = ce
		}
		return a, nil
	default:
		return nil, fmt.Errorf("contains a value of Go type %T, which is not a decoded JSON value", v)
	}
}

// enter records a container inside level enclosing containers.
func (c *copier) enter(level int) error {
	if level+1 > maxDepth {
		return fmt.Errorf("nests arrays and objects more than %d levels deep", maxDepth)
	}
	c.depth = max(c.depth, level+1)
	return nil
}

func (c *copier) add(w int) error {
	c.weight += w
	if c.limit > 0 && c.weight > c.limit {
		return errTooLarge
	}
	return nil
}

// depthOf returns how many levels of arrays and objects v nests (0 for a
// scalar, 1 for an array or object of scalars). Once the depth is known to
// exceed limit it stops looking and returns some value above limit.
func depthOf(v any, limit int) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		d = 1
		for _, e := range x {
			if d > limit {
				break
			}
			d = max(d, 1+depthOf(e, limit-1))
		}
	case []any:
		d = 1
		for _, e := range x {
			if d > limit {
				break
			}
			d = max(d, 1+depthOf(e, limit-1))
		}
	}
	return d
}

// equal reports whether two JSON values are equal in the sense of RFC 6902
// §4.6: same type; strings equal byte for byte; numbers numerically equal;
// arrays element by element in order; objects with the same member names
// and equal member values regardless of order.
func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && numbersEqual(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xe := range x {
			ye, ok := y[k]
			if !ok || !equal(xe, ye) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// numbersEqual reports whether two JSON numbers denote the same rational
// value, so "1", "1.0", "1e0" and "10e-1" are all equal and "-0" equals "0".
//
// The comparison is exact. It does not use math/big.Rat: Rat.SetString
// accepts exponents up to a million, and materialising 10^999999 costs about
// 30 ms for an 8-byte input, which would let a patch full of such numbers
// burn minutes of CPU. Comparing canonical decimal forms is exact and takes
// time linear in the length of the text.
func numbersEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	da, ok := parseDecimal(string(a))
	if !ok {
		return false
	}
	db, ok := parseDecimal(string(b))
	return ok && da == db
}

// decimal is the canonical form of a JSON number: its value is
// ±0.digits × 10^exp, where digits has no leading or trailing zero and exp is
// the exponent in canonical decimal text. Zero is the zero decimal. Two JSON
// numbers are numerically equal exactly when their canonical forms are equal.
type decimal struct {
	neg    bool
	digits string
	exp    string
}

// parseDecimal returns the canonical form of s, or ok false if s is not a
// JSON number (RFC 8259 §6).
func parseDecimal(s string) (d decimal, ok bool) {
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
		return decimal{}, false
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return decimal{}, false
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
			return decimal{}, false
		}
		expDigits = s[i:j]
		i = j
	}
	if i != len(s) {
		return decimal{}, false
	}

	mant := intPart + frac
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	if lead == len(mant) {
		return decimal{}, true // zero, whatever its sign and exponent
	}
	trail := len(mant)
	for mant[trail-1] == '0' {
		trail--
	}
	// value = ±0.mant[lead:trail] × 10^(len(intPart) - lead + exponent)
	shift := len(intPart) - lead
	return decimal{
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

// kind names the JSON type of a value for messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}
