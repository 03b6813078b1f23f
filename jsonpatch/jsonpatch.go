// Package jsonpatch applies JSON Patch documents (RFC 6902) to decoded JSON
// documents. The server's PATCH operations use it (payment API spec §5.1.2,
// OP-12): a patch is a JSON array of operations applied in order and
// atomically, and an empty array changes nothing.
//
// A document is a value as produced by encoding/json decoding with
// UseNumber: map[string]any, []any, string, json.Number, bool or nil. Decode
// parses and validates a patch; Apply applies it to a deep copy of a
// document. Paths are JSON Pointers (RFC 6901). Numbers keep their exact text
// and are compared numerically and exactly.
//
// Deviation from RFC 6902 §4: following the API's strict input rule (spec
// §2.3, unknown JSON fields are rejected), Decode rejects members other than
// op, path, value and from instead of ignoring them, so RFC 6902 Appendix A.11
// is an error here. It also rejects duplicate member names anywhere in the
// patch (RFC 6902 Appendix A.13 requires this only for the operation
// members).
//
// Every failure is an *Error whose Message is safe to show to the client.
package jsonpatch

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Operation is one RFC 6902 operation.
type Operation struct {
	// Op is add, remove, replace, move, copy or test.
	Op string
	// Path is the JSON Pointer of the target location.
	Path string
	// From is the JSON Pointer of the source location of move and copy.
	From string
	// Value is the value of add, replace and test, as produced by
	// encoding/json with UseNumber (see the package documentation).
	Value any
	// HasValue reports whether the operation has a value, telling
	// {"value": null} (HasValue true, Value nil) from a missing value. Apply
	// also treats a non-nil Value as present.
	HasValue bool
}

// Error is returned for every failure of Decode and Apply.
type Error struct {
	// Index is the 0-based index of the failing operation, or -1 for an
	// error about the patch or document as a whole.
	Index int
	// Message is a user-facing explanation that names the operation and its
	// path, for example "operation 2 (test /status): value does not match".
	Message string
}

// Error returns e.Message.
func (e *Error) Error() string { return e.Message }

// Apply applies ops in order to a deep copy of doc and returns the new
// document. doc must consist of the values encoding/json produces when
// decoding with UseNumber (map[string]any, []any, string, json.Number, bool
// and nil; a typed nil map or slice counts as null).
//
// Neither doc nor the operations' values are ever modified, and the result
// shares no map or slice with them, so a failure part-way leaves nothing
// changed: on error the result is nil and the *Error names the failing
// operation (Index -1 if doc itself is not a valid document).
//
// Beyond RFC 6902, Apply refuses to nest arrays and objects more than 10000
// levels deep and limits the data that copy operations may duplicate to about
// 32 MiB per call, so that a small patch cannot grow the document
// exponentially.
func Apply(doc any, ops []Operation) (any, error) {
	c := copier{}
	work, err := c.copy(doc, 0)
	if err != nil {
		return nil, &Error{Index: -1, Message: "document " + err.Error()}
	}
	a := applier{doc: work, depth: c.depth}
	for i := range ops {
		if err := a.apply(&ops[i]); err != nil {
			return nil, &Error{Index: i, Message: ops[i].label(i) + ": " + err.Error()}
		}
	}
	return a.doc, nil
}

// TopLevel returns the top-level member names an operation touches: the
// first reference token of Path (for "/a/b", "a"), followed for move by that
// of From when it differs. An empty name stands for the whole document: it
// is returned for the root pointer "", for an invalid pointer and for a
// member whose name is empty ("/"), so a caller that checks the names
// against a list of patchable members rejects all three.
func (o Operation) TopLevel() []string {
	names := []string{topLevel(o.Path)}
	if o.Op == "move" {
		if f := topLevel(o.From); f != names[0] {
			names = append(names, f)
		}
	}
	return names
}

func topLevel(p string) string {
	toks, err := parsePointer(p)
	if err != nil || len(toks) == 0 {
		return ""
	}
	return toks[0]
}

// label names operation i for messages, e.g. "operation 2 (test /status)"
// or "operation 0 (move /b from /a)".
func (o *Operation) label(i int) string {
	s := fmt.Sprintf("operation %d (%s %s", i, show(o.Op), show(o.Path))
	if o.Op == "move" || o.Op == "copy" {
		s += " from " + show(o.From)
	}
	return s + ")"
}

// show renders client-supplied text for a message: as is when it is short
// and plainly printable, otherwise quoted, and cut after 100 bytes.
func show(s string) string {
	const maxLen = 100
	quote := s == ""
	for _, r := range s {
		if r == utf8.RuneError || r == '"' || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			quote = true
			break
		}
	}
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if quote {
		return strconv.Quote(s)
	}
	return s
}

// applier holds the working copy of the document.
type applier struct {
	doc any
	// depth is an upper bound on the nesting of arrays and objects in doc.
	depth int
	// copied is the approximate weight copied by copy operations so far.
	copied int
}

func (a *applier) apply(op *Operation) error {
	switch op.Op {
	case "add", "replace", "test":
		path, err := pointer("path", op.Path)
		if err != nil {
			return err
		}
		if !op.HasValue && op.Value == nil {
			return errNoValue
		}
		if op.Op == "test" {
			target, err := a.get(path, "path")
			if err != nil {
				return err
			}
			c := copier{}
			if _, err := c.copy(op.Value, 0); err != nil { // validates the value
				return errors.New("value " + err.Error())
			}
			if !equal(target, op.Value) {
				return errors.New("value does not match")
			}
			return nil
		}
		c := copier{}
		v, err := c.copy(op.Value, len(path))
		if err != nil {
			return errors.New("value " + err.Error())
		}
		if op.Op == "add" {
			err = a.add(path, v)
		} else {
			err = a.replace(path, v)
		}
		if err != nil {
			return err
		}
		a.grew(path, c.depth)
		return nil

	case "remove":
		path, err := pointer("path", op.Path)
		if err != nil {
			return err
		}
		if len(path) == 0 {
			return errors.New("cannot remove the whole document")
		}
		return a.remove(path)

	case "move":
		from, err := pointer("from", op.From)
		if err != nil {
			return err
		}
		path, err := pointer("path", op.Path)
		if err != nil {
			return err
		}
		if isProperPrefix(from, path) {
			return errors.New("cannot move a value into one of its own children")
		}
		v, err := a.get(from, "from")
		if err != nil {
			return err
		}
		if slices.Equal(from, path) {
			return nil
		}
		// The moved value nested at most a.depth-len(from) levels.
		newDepth := a.depth + len(path) - len(from)
		if newDepth > maxDepth {
			newDepth = len(path) + depthOf(v, maxDepth-len(path))
			if newDepth > maxDepth {
				return fmt.Errorf("result nests arrays and objects more than %d levels deep", maxDepth)
			}
		}
		if err := a.remove(from); err != nil {
			return err
		}
		if err := a.add(path, v); err != nil {
			return err
		}
		a.depth = max(a.depth, newDepth)
		return nil

	case "copy":
		from, err := pointer("from", op.From)
		if err != nil {
			return err
		}
		path, err := pointer("path", op.Path)
		if err != nil {
			return err
		}
		v, err := a.get(from, "from")
		if err != nil {
			return err
		}
		c := copier{limit: maxCopyWeight - a.copied}
		v, err = c.copy(v, len(path))
		a.copied += c.weight
		if err == errTooLarge {
			return errors.New("the document would become too large: " + err.Error())
		}
		if err != nil {
			return errors.New("result " + err.Error())
		}
		if err := a.add(path, v); err != nil {
			return err
		}
		a.grew(path, c.depth)
		return nil

	case "":
		return errors.New(`missing member "op"`)
	}
	return fmt.Errorf(`unknown op %s (must be add, remove, replace, move, copy or test)`, strconv.Quote(op.Op))
}

// grew records that a value nesting depth levels (counted from the root)
// was stored at path.
func (a *applier) grew(path []string, depth int) {
	if len(path) == 0 {
		a.depth = depth
	} else {
		a.depth = max(a.depth, depth)
	}
}

// pointer parses p, naming it which ("path" or "from") in the error.
func pointer(which, p string) ([]string, error) {
	toks, err := parsePointer(p)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid JSON Pointer: %v", which, err)
	}
	return toks, nil
}

// locErr describes a location that cannot be resolved: which ("path" or
// "from") is the pointer, toks[:n] the container where resolution stopped.
func locErr(which string, toks []string, n int, format string, args ...any) error {
	where := "the document root"
	if n > 0 {
		where = show(formatPointer(toks[:n]))
	}
	return fmt.Errorf("%s not found: %s", which, fmt.Sprintf(format, append(args, where)...))
}

// index resolves token toks[n] against array arr for an existing element.
func index(which string, toks []string, n int, arr []any) (int, error) {
	tok := toks[n]
	if tok == "-" {
		return 0, locErr(which, toks, n, `"-" refers to the nonexistent element after the end of the array at %s`)
	}
	i, ok := parseIndex(tok)
	if !ok {
		return 0, invalidIndex(which, toks, n)
	}
	if i >= len(arr) {
		return 0, locErr(which, toks, n, "index %s is out of range for the array of length %d at %s", tok, len(arr))
	}
	return i, nil
}

func invalidIndex(which string, toks []string, n int) error {
	where := "the document root"
	if n > 0 {
		where = show(formatPointer(toks[:n]))
	}
	return fmt.Errorf(`%s is not a valid JSON Pointer: %s is not an array index (the array at %s takes "0" or a number without leading zeros)`,
		which, show(toks[n]), where)
}

// child returns the member or element of container node named by toks[n].
func child(which string, toks []string, n int, node any) (any, error) {
	switch x := node.(type) {
	case map[string]any:
		v, ok := x[toks[n]]
		if !ok {
			return nil, locErr(which, toks, n, "no member %s in %s", strconv.Quote(toks[n]))
		}
		return v, nil
	case []any:
		i, err := index(which, toks, n, x)
		if err != nil {
			return nil, err
		}
		return x[i], nil
	}
	return nil, locErr(which, toks, n, "cannot look up %s in the %s at %s", strconv.Quote(toks[n]), kind(node))
}

// get returns the value at toks.
func (a *applier) get(toks []string, which string) (any, error) {
	node := a.doc
	for n := range toks {
		var err error
		if node, err = child(which, toks, n, node); err != nil {
			return nil, err
		}
	}
	return node, nil
}

// update replaces the container holding the last token of toks (the parent
// of the target) by fn's result; fn may resize an array.
func (a *applier) update(toks []string, which string, fn func(parent any) (any, error)) error {
	var walk func(node any, n int) (any, error)
	walk = func(node any, n int) (any, error) {
		if n == len(toks)-1 {
			return fn(node)
		}
		c, err := child(which, toks, n, node)
		if err != nil {
			return nil, err
		}
		c, err = walk(c, n+1)
		if err != nil {
			return nil, err
		}
		switch x := node.(type) {
		case map[string]any:
			x[toks[n]] = c
		case []any:
			i, _ := parseIndex(toks[n]) // valid: child succeeded
			x[i] = c
		}
		return node, nil
	}
	doc, err := walk(a.doc, 0)
	if err != nil {
		return err
	}
	a.doc = doc
	return nil
}

// add implements RFC 6902 §4.1 for a value owned by the working document.
func (a *applier) add(toks []string, v any) error {
	if len(toks) == 0 {
		a.doc = v
		return nil
	}
	n := len(toks) - 1
	last := toks[n]
	return a.update(toks, "path", func(parent any) (any, error) {
		switch x := parent.(type) {
		case map[string]any:
			x[last] = v
			return x, nil
		case []any:
			if last == "-" {
				return append(x, v), nil
			}
			i, ok := parseIndex(last)
			if !ok {
				return nil, invalidIndex("path", toks, n)
			}
			if i > len(x) {
				return nil, locErr("path", toks, n, "index %s is out of range for the array of length %d at %s", last, len(x))
			}
			return slices.Insert(x, i, v), nil
		}
		return nil, locErr("path", toks, n, "cannot add %s to the %s at %s", strconv.Quote(last), kind(parent))
	})
}

// replace implements RFC 6902 §4.3 for a value owned by the working
// document.
func (a *applier) replace(toks []string, v any) error {
	if len(toks) == 0 {
		a.doc = v
		return nil
	}
	n := len(toks) - 1
	return a.update(toks, "path", func(parent any) (any, error) {
		switch x := parent.(type) {
		case map[string]any:
			if _, ok := x[toks[n]]; !ok {
				return nil, locErr("path", toks, n, "no member %s in %s", strconv.Quote(toks[n]))
			}
			x[toks[n]] = v
			return x, nil
		case []any:
			i, err := index("path", toks, n, x)
			if err != nil {
				return nil, err
			}
			x[i] = v
			return x, nil
		}
		return nil, locErr("path", toks, n, "cannot look up %s in the %s at %s", strconv.Quote(toks[n]), kind(parent))
	})
}

// remove implements RFC 6902 §4.2; toks is not the root.
func (a *applier) remove(toks []string) error {
	n := len(toks) - 1
	return a.update(toks, "path", func(parent any) (any, error) {
		switch x := parent.(type) {
		case map[string]any:
			if _, ok := x[toks[n]]; !ok {
				return nil, locErr("path", toks, n, "no member %s in %s", strconv.Quote(toks[n]))
			}
			delete(x, toks[n])
			return x, nil
		case []any:
			i, err := index("path", toks, n, x)
			if err != nil {
				return nil, err
			}
			return slices.Delete(x, i, i+1), nil
		}
		return nil, locErr("path", toks, n, "cannot look up %s in the %s at %s", strconv.Quote(toks[n]), kind(parent))
	})
}

// errNoValue reports an add, replace or test operation without a value.
var errNoValue = errors.New(`missing member "value"`)
