package query

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Project narrows obj, a JSON object, to a sparse fieldset (§2.6): it returns
// a JSON object with exactly the named fields, in the order they appear in
// order (the schema order), each value byte for byte as in obj (nested
// objects whole). Every name in fields must appear in order and in obj; a
// duplicate key in obj is an error. When fields is empty, obj is returned
// unchanged (no fieldset was asked for).
func Project(obj []byte, order []string, fields []string) ([]byte, error) {
	if len(fields) == 0 {
		return obj, nil
	}
	want := make(map[string]bool, len(fields))
	for _, f := range fields {
		want[f] = true
	}
	inOrder := make(map[string]bool, len(order))
	for _, f := range order {
		inOrder[f] = true
	}
	for _, f := range fields {
		if !inOrder[f] {
			return nil, fmt.Errorf("query: project: field %q is not in the schema order", f)
		}
	}

	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("query: project: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("query: project: not a JSON object")
	}
	values := make(map[string]json.RawMessage, len(fields))
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("query: project: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("query: project: bad object key")
		}
		if seen[key] {
			return nil, fmt.Errorf("query: project: duplicate key %q", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("query: project: %w", err)
		}
		if want[key] {
			values[key] = raw
		}
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return nil, fmt.Errorf("query: project: %w", err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("query: project: data after the object")
	}

	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, f := range order {
		if !want[f] {
			continue
		}
		raw, ok := values[f]
		if !ok {
			return nil, fmt.Errorf("query: project: field %q is missing from the object", f)
		}
		delete(want, f) // an order listing a name twice yields it once
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		key, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
