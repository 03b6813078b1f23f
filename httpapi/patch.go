package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/jsonpatch"
)

// patch applies the request's JSON Patch (RFC 6902, spec OP-12) to the current wire object and
// decodes the result, validated against the create schema schemaName, into dst. Operations on
// read-only or immutable members (fixed) are refused; the patch is all or nothing.
func (c *call) patch(current any, schemaName string, fixed []string, dst any) error {
	if c.bodyErr != nil {
		return c.bodyErr
	}
	if _, err := parseJSON(c.body); err != nil {
		return err
	}
	ops, err := jsonpatch.Decode(c.body)
	if err != nil {
		return ep.Errorf(ep.EINVALID, "invalid JSON Patch: %s", patchMessage(err))
	}
	for i, op := range ops {
		if op.Op == "test" {
			continue
		}
		for _, name := range op.TopLevel() {
			for _, f := range fixed {
				if name == f {
					return ep.Invalid(f, fmt.Sprintf("is read-only or immutable (operation %d)", i))
				}
			}
			if name == "" {
				return ep.Errorf(ep.EINVALID, "operation %d: the whole document cannot be replaced", i)
			}
		}
	}
	raw, err := json.Marshal(current)
	if err != nil {
		return fmt.Errorf("encode current state: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("decode current state: %w", err)
	}
	out, err := jsonpatch.Apply(doc, ops)
	if err != nil {
		return ep.Errorf(ep.EINVALID, "%s", patchMessage(err))
	}
	obj, ok := out.(map[string]any)
	if !ok {
		return ep.Errorf(ep.EINVALID, "the patched document must stay an object")
	}
	// Read-only members are unchanged (checked above); the create schema does not know them.
	for _, f := range fixed {
		if f == "id" {
			delete(obj, f)
		}
	}
	result, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encode patched state: %w", err)
	}
	schema := c.s.contract.Doc.Components.Schemas[schemaName]
	if schema == nil {
		return fmt.Errorf("no schema %s", schemaName)
	}
	var v any
	d2 := json.NewDecoder(bytes.NewReader(result))
	d2.UseNumber()
	if err := d2.Decode(&v); err != nil {
		return fmt.Errorf("decode patched state: %w", err)
	}
	return decodeInto(schema.Value, v, result, dst)
}

func patchMessage(err error) string {
	var pe *jsonpatch.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
