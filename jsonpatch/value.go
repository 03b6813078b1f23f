package jsonpatch

import (
	"encoding/json"
	"fmt"

	"github.com/elevatepay/elevatepay/money"
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
		if !money.IsJSONNumber(string(x)) {
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
// value, exactly and whatever their size (see money.EqualJSON).
func numbersEqual(a, b json.Number) bool { return money.EqualJSON(string(a), string(b)) }

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
