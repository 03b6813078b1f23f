package jsonpatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Decode parses a patch document: a JSON array of operation objects, each
// with exactly the members op (one of add, remove, replace, move, copy,
// test), path (a string holding a JSON Pointer), value (any JSON value,
// required for add, replace and test, and present even when null) and from
// (a string holding a JSON Pointer, required for move and copy). A member
// that the operation does not use, such as value in a remove, is ignored as
// RFC 6902 requires.
//
// Anything else is an *Error: input that is not UTF-8 JSON or not an array,
// an element that is not an object, an unknown member, a member of the
// wrong type, a missing required member, an unknown op, an invalid pointer
// and a duplicate member name (also inside values). Numbers decode as
// json.Number, so no precision is lost. An empty array yields an empty,
// non-nil slice.
func Decode(data []byte) ([]Operation, error) {
	if !utf8.Valid(data) {
		return nil, docErr("patch is not valid UTF-8")
	}
	d := decoder{dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	tok, err := d.dec.Token()
	if err == io.EOF {
		return nil, docErr("patch is empty; it must be a JSON array of operations")
	}
	if err != nil {
		return nil, syntaxErr(err)
	}
	if tok != json.Delim('[') {
		return nil, docErr("patch must be a JSON array of operations")
	}
	ops := []Operation{}
	for d.dec.More() {
		op, err := d.operation(len(ops))
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if _, err := d.dec.Token(); err != nil { // the closing ]
		return nil, syntaxErr(err)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, docErr("patch has unexpected data after the array")
	}
	return ops, nil
}

func docErr(msg string) *Error { return &Error{Index: -1, Message: msg} }

func syntaxErr(err error) *Error {
	if se, ok := err.(*json.SyntaxError); ok {
		return docErr(fmt.Sprintf("patch is not valid JSON: %v (at byte %d)", se, se.Offset))
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return docErr("patch is not valid JSON: unexpected end of input")
	}
	return docErr("patch is not valid JSON: " + err.Error())
}

// errDepth is returned by decoder.value for a value nested too deeply.
var errDepth = fmt.Errorf("value nests arrays and objects more than %d levels deep", maxDepth)

// decoder reads a patch token by token, which lets it see duplicate member
// names that encoding/json would silently merge.
type decoder struct {
	dec *json.Decoder
	// problem is the first problem found in the current operation that does
	// not stop parsing; it is reported once the operation has been read, so
	// the message can name the op and path wherever they appear.
	problem string
}

func (d *decoder) note(format string, args ...any) {
	if d.problem == "" {
		d.problem = fmt.Sprintf(format, args...)
	}
}

// operation reads operation i.
func (d *decoder) operation(i int) (Operation, error) {
	var op Operation
	tok, err := d.dec.Token()
	if err != nil {
		return op, syntaxErr(err)
	}
	if tok != json.Delim('{') {
		return op, &Error{Index: i, Message: fmt.Sprintf("operation %d must be a JSON object", i)}
	}
	d.problem = ""
	var hasOp, hasPath, hasFrom bool
	typesOK := true // op, path and from are strings when present
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return op, syntaxErr(err)
		}
		name, ok := tok.(string)
		if !ok {
			return op, syntaxErr(errors.New("object key is not a string"))
		}
		v, err := d.value(0)
		if err == errDepth {
			return op, &Error{Index: i, Message: fmt.Sprintf("operation %d: %v", i, err)}
		}
		if err != nil {
			return op, syntaxErr(err)
		}
		var seen *bool
		var dst *string
		switch name {
		case "op":
			seen, dst = &hasOp, &op.Op
		case "path":
			seen, dst = &hasPath, &op.Path
		case "from":
			seen, dst = &hasFrom, &op.From
		case "value":
			seen = &op.HasValue
			op.Value = v
		default:
			d.note("unknown member %s (allowed: op, path, value, from)", strconv.Quote(name))
			continue
		}
		if *seen {
			d.note("duplicate member %s", strconv.Quote(name))
		}
		*seen = true
		if dst != nil {
			s, ok := v.(string)
			if !ok {
				d.note("member %s must be a string, not %s", strconv.Quote(name), kind(v))
				typesOK = false
			}
			*dst = s
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing }
		return op, syntaxErr(err)
	}

	fail := func(msg string) (Operation, error) {
		prefix := fmt.Sprintf("operation %d", i)
		if hasOp && hasPath && typesOK {
			prefix = op.label(i)
		}
		return op, &Error{Index: i, Message: prefix + ": " + msg}
	}
	if d.problem != "" {
		return fail(d.problem)
	}
	if !hasOp {
		return fail(`missing member "op"`)
	}
	needValue, needFrom := false, false
	switch op.Op {
	case "add", "replace", "test":
		needValue = true
	case "move", "copy":
		needFrom = true
	case "remove":
	default:
		return fail(fmt.Sprintf("unknown op %s (must be add, remove, replace, move, copy or test)", strconv.Quote(op.Op)))
	}
	if !hasPath {
		return fail(`missing member "path"`)
	}
	if needFrom && !hasFrom {
		return fail(`missing member "from"`)
	}
	if _, err := pointer("path", op.Path); err != nil {
		return fail(err.Error())
	}
	if needFrom {
		if _, err := pointer("from", op.From); err != nil {
			return fail(err.Error())
		}
	}
	if needValue && !op.HasValue {
		return fail(errNoValue.Error())
	}
	return op, nil
}

// value reads one JSON value nested inside level arrays or objects of the
// value being read, noting duplicate member names.
func (d *decoder) value(level int) (any, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	if level+1 > maxDepth {
		return nil, errDepth
	}
	switch delim {
	case '{':
		m := map[string]any{}
		for d.dec.More() {
			tok, err := d.dec.Token()
			if err != nil {
				return nil, err
			}
			name, ok := tok.(string)
			if !ok {
				return nil, errors.New("object key is not a string")
			}
			v, err := d.value(level + 1)
			if err != nil {
				return nil, err
			}
			if _, dup := m[name]; dup {
				d.note("value has duplicate member %s", strconv.Quote(name))
			}
			m[name] = v
		}
		_, err = d.dec.Token()
		return m, err
	case '[':
		a := []any{}
		for d.dec.More() {
			v, err := d.value(level + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err = d.dec.Token()
		return a, err
	}
	return nil, errors.New("unexpected " + delim.String())
}
