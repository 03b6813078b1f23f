package jsonpatch_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/jsonpatch"
)

func TestDecode(t *testing.T) {
	ops, err := jsonpatch.Decode([]byte(`[
		{"op": "add", "path": "/a", "value": 12345678901234567890.5},
		{"path": "/b", "op": "replace", "value": null},
		{"op": "remove", "path": "/c", "value": "ignored"},
		{"op": "move", "from": "/d", "path": "/e"},
		{"op": "copy", "from": "", "path": "/f"},
		{"op": "test", "path": "", "value": {"x": [true, false, "s"]}},
		{"op": "remove", "path": "/g", "from": "/ignored"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []jsonpatch.Operation{
		{Op: "add", Path: "/a", Value: json.Number("12345678901234567890.5"), HasValue: true},
		{Op: "replace", Path: "/b", Value: nil, HasValue: true},
		{Op: "remove", Path: "/c", Value: "ignored", HasValue: true},
		{Op: "move", Path: "/e", From: "/d"},
		{Op: "copy", Path: "/f", From: ""},
		{Op: "test", Path: "", Value: map[string]any{"x": []any{true, false, "s"}}, HasValue: true},
		{Op: "remove", Path: "/g", From: "/ignored"},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("got  %#v\nwant %#v", ops, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, patch string
		index       int
		msg         string // expected Message, or a substring of it after "~"
	}{
		{"empty input", ``, -1, "patch is empty; it must be a JSON array of operations"},
		{"whitespace", " \n", -1, "patch is empty; it must be a JSON array of operations"},
		{"object", `{"op":"add","path":"/a","value":1}`, -1, "patch must be a JSON array of operations"},
		{"null", `null`, -1, "patch must be a JSON array of operations"},
		{"string", `"[]"`, -1, "patch must be a JSON array of operations"},
		{"number", `1`, -1, "patch must be a JSON array of operations"},
		{"syntax error", `[{"op":"add",}]`, -1, "~patch is not valid JSON: invalid character '}'"},
		{"truncated", `[{"op":"add"`, -1, "patch is not valid JSON: unexpected end of input"},
		{"unclosed array", `[`, -1, "patch is not valid JSON: unexpected end of input"},
		{"missing comma", `[{"op":"remove","path":"/a"} {"op":"remove","path":"/a"}]`, -1, "~patch is not valid JSON"},
		{"trailing data", `[] []`, -1, "patch has unexpected data after the array"},
		{"trailing garbage", `[]x`, -1, "~patch"},
		{"invalid UTF-8", "[{\"op\":\"add\",\"path\":\"/\xff\",\"value\":1}]", -1, "patch is not valid UTF-8"},
		{"element not an object", `[{"op":"remove","path":"/a"}, []]`, 1, "operation 1 must be a JSON object"},
		{"element null", `[null]`, 0, "operation 0 must be a JSON object"},
		{"unknown member", `[{"op":"add","path":"/a","value":1,"xyz":123}]`, 0,
			`operation 0 (add /a): unknown member "xyz" (allowed: op, path, value, from)`},
		{"unknown member first", `[{"Op":"add","op":"add","path":"/a","value":1}]`, 0,
			`operation 0 (add /a): unknown member "Op" (allowed: op, path, value, from)`},
		{"duplicate op (RFC A.13)", `[{"op":"add","path":"/baz","value":"qux","op":"remove"}]`, 0,
			`operation 0 (remove /baz): duplicate member "op"`},
		{"duplicate path", `[{"op":"remove","path":"/a","path":"/b"}]`, 0, `~duplicate member "path"`},
		{"duplicate value", `[{"op":"add","path":"/a","value":1,"value":null}]`, 0, `~duplicate member "value"`},
		{"duplicate from", `[{"op":"copy","from":"/a","path":"/b","from":"/c"}]`, 0, `~duplicate member "from"`},
		{"duplicate inside value", `[{"op":"add","path":"/a","value":{"x":{"y":1,"y":2}}}]`, 0,
			`operation 0 (add /a): value has duplicate member "y"`},
		{"missing op", `[{"path":"/a","value":1}]`, 0, `operation 0: missing member "op"`},
		{"missing path", `[{"op":"remove"}]`, 0, `operation 0: missing member "path"`},
		{"missing value for add", `[{"op":"add","path":"/a"}]`, 0, `operation 0 (add /a): missing member "value"`},
		{"missing value for replace", `[{"op":"replace","path":"/a"}]`, 0, `operation 0 (replace /a): missing member "value"`},
		{"missing value for test", `[{"op":"test","path":"/a"}]`, 0, `operation 0 (test /a): missing member "value"`},
		{"missing from for move", `[{"op":"move","path":"/a"}]`, 0, `operation 0 (move /a from ""): missing member "from"`},
		{"missing from for copy", `[{"op":"copy","path":"/a","value":1}]`, 0, `operation 0 (copy /a from ""): missing member "from"`},
		{"unknown op", `[{"op":"merge","path":"/a","value":1}]`, 0,
			`operation 0 (merge /a): unknown op "merge" (must be add, remove, replace, move, copy or test)`},
		{"op is case sensitive", `[{"op":"ADD","path":"/a","value":1}]`, 0, `~unknown op "ADD"`},
		{"op not a string", `[{"op":1,"path":"/a"}]`, 0, `operation 0: member "op" must be a string, not number`},
		{"path not a string", `[{"op":"remove","path":["a"]}]`, 0, `operation 0: member "path" must be a string, not array`},
		{"path null", `[{"op":"remove","path":null}]`, 0, `operation 0: member "path" must be a string, not null`},
		{"from not a string", `[{"op":"move","path":"/a","from":{}}]`, 0, `~member "from" must be a string, not object`},
		{"invalid path", `[{"op":"remove","path":"a"}]`, 0,
			`operation 0 (remove a): path is not a valid JSON Pointer: must be empty or start with "/"`},
		{"invalid escape", `[{"op":"remove","path":"/a~b"}]`, 0,
			`operation 0 (remove /a~b): path is not a valid JSON Pointer: "~" must be followed by "0" or "1"`},
		{"invalid from", `[{"op":"copy","from":"a","path":"/b"}]`, 0,
			`operation 0 (copy /b from a): from is not a valid JSON Pointer: must be empty or start with "/"`},
		{"second operation", `[{"op":"remove","path":"/a"},{"op":"remove","path":"/b","extra":true}]`, 1,
			`operation 1 (remove /b): unknown member "extra" (allowed: op, path, value, from)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := jsonpatch.Decode([]byte(tt.patch))
			if err == nil {
				t.Fatalf("succeeded with %#v", ops)
			}
			if ops != nil {
				t.Errorf("ops = %v, want nil", ops)
			}
			e := asError(t, err)
			if e.Index != tt.index {
				t.Errorf("Index = %d, want %d (%s)", e.Index, tt.index, e.Message)
			}
			if sub, ok := strings.CutPrefix(tt.msg, "~"); ok {
				if !strings.Contains(e.Message, sub) {
					t.Errorf("Message = %q, want it to contain %q", e.Message, sub)
				}
			} else if e.Message != tt.msg {
				t.Errorf("Message = %q\nwant      %q", e.Message, tt.msg)
			}
		})
	}
}
