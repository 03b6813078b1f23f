package jsonpatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/jsonpatch"
)

// parse decodes one JSON value with UseNumber, as the server does.
func parse(t testing.TB, s string) any {
	t.Helper()
	v, err := parseJSON(s)
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

func parseJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func asError(t *testing.T, err error) *jsonpatch.Error {
	t.Helper()
	var e *jsonpatch.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *jsonpatch.Error", err, err)
	}
	if e.Error() != e.Message {
		t.Errorf("Error() = %q, want Message %q", e.Error(), e.Message)
	}
	return e
}

// run decodes patch and applies it to doc.
func run(t *testing.T, doc, patch string) (any, error) {
	t.Helper()
	ops, err := jsonpatch.Decode([]byte(patch))
	if err != nil {
		return nil, err
	}
	return jsonpatch.Apply(parse(t, doc), ops)
}

// TestRFC6902AppendixA runs the examples of RFC 6902 Appendix A, hand-copied
// from the RFC.
func TestRFC6902AppendixA(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		patch string
		want  string // result document; "" when an error is expected
		// decodeErr expects Decode to fail; otherwise Apply fails when want
		// is "".
		decodeErr bool
	}{
		{
			name:  "A.1 adding an object member",
			doc:   `{"foo": "bar"}`,
			patch: `[{ "op": "add", "path": "/baz", "value": "qux" }]`,
			want:  `{"baz": "qux", "foo": "bar"}`,
		},
		{
			name:  "A.2 adding an array element",
			doc:   `{"foo": [ "bar", "baz" ]}`,
			patch: `[{ "op": "add", "path": "/foo/1", "value": "qux" }]`,
			want:  `{"foo": [ "bar", "qux", "baz" ]}`,
		},
		{
			name:  "A.3 removing an object member",
			doc:   `{"baz": "qux", "foo": "bar"}`,
			patch: `[{ "op": "remove", "path": "/baz" }]`,
			want:  `{"foo": "bar"}`,
		},
		{
			name:  "A.4 removing an array element",
			doc:   `{"foo": [ "bar", "qux", "baz" ]}`,
			patch: `[{ "op": "remove", "path": "/foo/1" }]`,
			want:  `{"foo": [ "bar", "baz" ]}`,
		},
		{
			name:  "A.5 replacing a value",
			doc:   `{"baz": "qux", "foo": "bar"}`,
			patch: `[{ "op": "replace", "path": "/baz", "value": "boo" }]`,
			want:  `{"baz": "boo", "foo": "bar"}`,
		},
		{
			name: "A.6 moving a value",
			doc: `{"foo": {"bar": "baz", "waldo": "fred"},
			       "qux": {"corge": "grault"}}`,
			patch: `[{ "op": "move", "from": "/foo/waldo", "path": "/qux/thud" }]`,
			want: `{"foo": {"bar": "baz"},
			        "qux": {"corge": "grault", "thud": "fred"}}`,
		},
		{
			name:  "A.7 moving an array element",
			doc:   `{"foo": [ "all", "grass", "cows", "eat" ]}`,
			patch: `[{ "op": "move", "from": "/foo/1", "path": "/foo/3" }]`,
			want:  `{"foo": [ "all", "cows", "eat", "grass" ]}`,
		},
		{
			name: "A.8 testing a value: success",
			doc:  `{"baz": "qux", "foo": [ "a", 2, "c" ]}`,
			patch: `[{ "op": "test", "path": "/baz", "value": "qux" },
			         { "op": "test", "path": "/foo/1", "value": 2 }]`,
			want: `{"baz": "qux", "foo": [ "a", 2, "c" ]}`,
		},
		{
			name:  "A.9 testing a value: error",
			doc:   `{"baz": "qux"}`,
			patch: `[{ "op": "test", "path": "/baz", "value": "bar" }]`,
		},
		{
			name:  "A.10 adding a nested member object",
			doc:   `{"foo": "bar"}`,
			patch: `[{ "op": "add", "path": "/child", "value": { "grandchild": { } } }]`,
			want:  `{"foo": "bar", "child": {"grandchild": {}}}`,
		},
		{
			// The RFC ignores the unknown member xyz and yields
			// {"foo": "bar", "baz": "qux"}; the API rejects unknown members
			// (spec §2.3), see TestAppendixA11WithoutUnknownMember.
			name:      "A.11 ignoring unrecognized elements (rejected: strict API)",
			doc:       `{"foo": "bar"}`,
			patch:     `[{ "op": "add", "path": "/baz", "value": "qux", "xyz": 123 }]`,
			decodeErr: true,
		},
		{
			name:  "A.12 adding to a nonexistent target",
			doc:   `{"foo": "bar"}`,
			patch: `[{ "op": "add", "path": "/baz/bat", "value": "qux" }]`,
		},
		{
			name:      "A.13 invalid JSON Patch document",
			doc:       `{"foo": "bar"}`,
			patch:     `[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]`,
			decodeErr: true,
		},
		{
			name:  "A.14 ~ escape ordering",
			doc:   `{"/": 9, "~1": 10}`,
			patch: `[{"op": "test", "path": "/~01", "value": 10}]`,
			want:  `{"/": 9, "~1": 10}`,
		},
		{
			name:  "A.15 comparing strings and numbers",
			doc:   `{"/": 9, "~1": 10}`,
			patch: `[{"op": "test", "path": "/~01", "value": "10"}]`,
		},
		{
			name:  "A.16 adding an array value",
			doc:   `{"foo": ["bar"]}`,
			patch: `[{ "op": "add", "path": "/foo/-", "value": ["abc", "def"] }]`,
			want:  `{"foo": ["bar", ["abc", "def"]]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := jsonpatch.Decode([]byte(tt.patch))
			if tt.decodeErr {
				if err == nil {
					t.Fatalf("Decode succeeded, want error")
				}
				if e := asError(t, err); e.Index != 0 {
					t.Errorf("Index = %d, want 0 (%s)", e.Index, e.Message)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			doc := parse(t, tt.doc)
			got, err := jsonpatch.Apply(doc, ops)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Apply succeeded with %v, want error", got)
				}
				e := asError(t, err)
				if e.Index != len(ops)-1 {
					t.Errorf("Index = %d, want %d", e.Index, len(ops)-1)
				}
				if got != nil {
					t.Errorf("result = %v, want nil on error", got)
				}
			} else {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				if want := parse(t, tt.want); !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			}
			if !reflect.DeepEqual(doc, parse(t, tt.doc)) {
				t.Errorf("input document modified: %v", doc)
			}
		})
	}
}

// TestAppendixA11WithoutUnknownMember checks that, the unknown member aside,
// A.11 gives the RFC's result.
func TestAppendixA11WithoutUnknownMember(t *testing.T) {
	got, err := run(t, `{"foo": "bar"}`, `[{ "op": "add", "path": "/baz", "value": "qux" }]`)
	if err != nil {
		t.Fatal(err)
	}
	if want := parse(t, `{"foo": "bar", "baz": "qux"}`); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name, doc, patch, want string
	}{
		{"empty patch", `{"a": 1}`, `[]`, `{"a": 1}`},
		{"add replaces an existing member", `{"a": 1}`, `[{"op":"add","path":"/a","value":2}]`, `{"a": 2}`},
		{"add null value", `{}`, `[{"op":"add","path":"/a","value":null}]`, `{"a": null}`},
		{"add at index == len", `[1, 2]`, `[{"op":"add","path":"/2","value":3}]`, `[1, 2, 3]`},
		{"add at index 0", `[1, 2]`, `[{"op":"add","path":"/0","value":0}]`, `[0, 1, 2]`},
		{"add - appends", `{"a": []}`, `[{"op":"add","path":"/a/-","value":1},{"op":"add","path":"/a/-","value":2}]`, `{"a": [1, 2]}`},
		{"add replaces root", `{"a": 1}`, `[{"op":"add","path":"","value":[1]}]`, `[1]`},
		{"replace root", `{"a": 1}`, `[{"op":"replace","path":"","value":"x"}]`, `"x"`},
		{"replace with null", `{"a": 1}`, `[{"op":"replace","path":"/a","value":null}]`, `{"a": null}`},
		{"replace array element", `[1, 2]`, `[{"op":"replace","path":"/1","value":{"b":true}}]`, `[1, {"b": true}]`},
		{"test root", `{"a": [1, {"b": null}]}`, `[{"op":"test","path":"","value":{"a": [1.0, {"b": null}]}}]`, `{"a": [1, {"b": null}]}`},
		{"test object ignores member order", `{"a": 1, "b": 2}`, `[{"op":"test","path":"","value":{"b": 2, "a": 1}}]`, `{"a": 1, "b": 2}`},
		{"test null", `{"a": null}`, `[{"op":"test","path":"/a","value":null}]`, `{"a": null}`},
		{"remove array element", `[1, 2, 3]`, `[{"op":"remove","path":"/0"}]`, `[2, 3]`},
		{"remove last array element", `[1, 2, 3]`, `[{"op":"remove","path":"/2"}]`, `[1, 2]`},
		{"escaped tokens", `{"a/b": {"c~d": 1}}`, `[{"op":"replace","path":"/a~1b/c~0d","value":2}]`, `{"a/b": {"c~d": 2}}`},
		{"~01 is ~1, not /", `{"~1": 1, "/": 2}`, `[{"op":"remove","path":"/~01"}]`, `{"/": 2}`},
		{"empty member name", `{"": 1}`, `[{"op":"replace","path":"/","value":2}]`, `{"": 2}`},
		{"numeric member name on object", `{"01": 1, "-": 2}`, `[{"op":"remove","path":"/01"},{"op":"replace","path":"/-","value":3}]`, `{"-": 3}`},
		{"move to array end", `{"a": [1, 2], "b": 3}`, `[{"op":"move","from":"/b","path":"/a/-"}]`, `{"a": [1, 2, 3]}`},
		{"move within an array", `[1, 2, 3]`, `[{"op":"move","from":"/0","path":"/2"}]`, `[2, 3, 1]`},
		{"move onto itself", `{"a": {"b": 1}}`, `[{"op":"move","from":"/a","path":"/a"}]`, `{"a": {"b": 1}}`},
		{"move root onto itself", `{"a": 1}`, `[{"op":"move","from":"","path":""}]`, `{"a": 1}`},
		{"move to a sibling that shares a string prefix", `{"a": 1}`, `[{"op":"move","from":"/a","path":"/ab"}]`, `{"ab": 1}`},
		{"move member to root", `{"a": {"b": 1}}`, `[{"op":"move","from":"/a","path":""}]`, `{"b": 1}`},
		{"move replaces existing member", `{"a": 1, "b": 2}`, `[{"op":"move","from":"/a","path":"/b"}]`, `{"b": 1}`},
		{"copy", `{"a": {"b": [1]}}`, `[{"op":"copy","from":"/a","path":"/c"}]`, `{"a": {"b": [1]}, "c": {"b": [1]}}`},
		{"copy into own child", `{"a": {"b": 1}}`, `[{"op":"copy","from":"/a","path":"/a/c"}]`, `{"a": {"b": 1, "c": {"b": 1}}}`},
		{"copy root into a member", `{"a": 1}`, `[{"op":"copy","from":"","path":"/b"}]`, `{"a": 1, "b": {"a": 1}}`},
		{"copy is deep", `{"a": {"b": 1}}`, `[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]`, `{"a": {"b": 1}, "c": {"b": 2}}`},
		{"operations apply in order", `{}`, `[{"op":"add","path":"/a","value":[]},{"op":"add","path":"/a/0","value":1},{"op":"test","path":"/a","value":[1]}]`, `{"a": [1]}`},
		{"big numbers keep their text", `{"a": 1}`, `[{"op":"add","path":"/b","value":123456789012345678901234567890.123456789}]`, `{"a": 1, "b": 123456789012345678901234567890.123456789}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := run(t, tt.doc, tt.patch)
			if err != nil {
				t.Fatal(err)
			}
			if want := parse(t, tt.want); !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %#v", got, want)
			}
		})
	}
}

func TestNumbersCompareNumerically(t *testing.T) {
	tests := []struct {
		doc, value string
		match      bool
	}{
		{"1", "1", true},
		{"1", "1.0", true},
		{"1", "1e0", true},
		{"1", "1E+0", true},
		{"1", "10e-1", true},
		{"1", "0.1e1", true},
		{"100", "1e2", true},
		{"0", "-0", true},
		{"0", "0.000e-5", true},
		{"-1.5", "-15e-1", true},
		{"12345678901234567890", "1.2345678901234567890e19", true},
		{"1e999999999999999999999", "10e999999999999999999998", true},
		{"1e-999999999999999999999", "0.1e-999999999999999999998", true},
		{"1e999999", "1e999999", true},
		{"1", "2", false},
		{"1", "-1", false},
		{"1", "1.0000000000000000000000001", false},     // equal as float64
		{"9007199254740993", "9007199254740992", false}, // equal as float64
		{"1e400", "1e401", false},                       // both +Inf as float64
		{"1e999999999999999999999", "1e999999999999999999998", false},
		{"0.1", "1", false},
		{"1", `"1"`, false},
		{"1", "true", false},
		{"0", "null", false},
		{"0", "false", false},
		{"[1, 2]", "[1.0, 2e0]", true},
		{"[1, 2]", "[2, 1]", false},
		{"[1, 2]", "[1, 2, 3]", false},
		{`{"a": 1}`, `{"a": 1.00}`, true},
		{`{"a": 1}`, `{"a": 1, "b": null}`, false},
		{`{"a": null}`, `{"b": null}`, false},
		{`{}`, `[]`, false},
		{`""`, `null`, false},
	}
	for _, tt := range tests {
		patch := `[{"op":"test","path":"/x","value":` + tt.value + `}]`
		_, err := run(t, `{"x":`+tt.doc+`}`, patch)
		if tt.match && err != nil {
			t.Errorf("%s vs %s: %v, want match", tt.doc, tt.value, err)
		}
		if !tt.match && err == nil {
			t.Errorf("%s vs %s: matched, want mismatch", tt.doc, tt.value)
		}
		if !tt.match && err != nil {
			if e := asError(t, err); e.Message != "operation 0 (test /x): value does not match" {
				t.Errorf("%s vs %s: message %q", tt.doc, tt.value, e.Message)
			}
		}
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name, doc, patch string
		index            int
		msg              string // expected Message, or a substring of it after "~"
	}{
		{"test fails", `{"status": "ACTIVE"}`, `[{"op":"test","path":"/status","value":"INACTIVE"}]`,
			0, "operation 0 (test /status): value does not match"},
		{"test missing target", `{}`, `[{"op":"test","path":"/status","value":null}]`,
			0, `operation 0 (test /status): path not found: no member "status" in the document root`},
		{"later operation fails", `{"a": 1}`, `[{"op":"test","path":"/a","value":1},{"op":"remove","path":"/a"},{"op":"test","path":"/a","value":1}]`,
			2, `operation 2 (test /a): path not found: no member "a" in the document root`},
		{"pointer without leading slash", `{"a": 1}`, `[{"op":"remove","path":"a"}]`,
			0, `~path is not a valid JSON Pointer: must be empty or start with "/"`},
		{"bad escape ~2", `{"a": 1}`, `[{"op":"remove","path":"/a~2"}]`,
			0, `~path is not a valid JSON Pointer: "~" must be followed by "0" or "1"`},
		{"trailing ~", `{"a": 1}`, `[{"op":"remove","path":"/a~"}]`,
			0, `~"~" must be followed by "0" or "1"`},
		{"remove missing member", `{"a": 1}`, `[{"op":"remove","path":"/b"}]`,
			0, `operation 0 (remove /b): path not found: no member "b" in the document root`},
		{"remove missing nested member", `{"a": {"b": {}}}`, `[{"op":"remove","path":"/a/b/c"}]`,
			0, `operation 0 (remove /a/b/c): path not found: no member "c" in /a/b`},
		{"remove missing parent", `{"a": {}}`, `[{"op":"remove","path":"/a/b/c"}]`,
			0, `operation 0 (remove /a/b/c): path not found: no member "b" in /a`},
		{"remove root", `{"a": 1}`, `[{"op":"remove","path":""}]`,
			0, `operation 0 (remove ""): cannot remove the whole document`},
		{"remove index out of range", `{"a": [1]}`, `[{"op":"remove","path":"/a/1"}]`,
			0, `operation 0 (remove /a/1): path not found: index 1 is out of range for the array of length 1 at /a`},
		{"remove -", `[1]`, `[{"op":"remove","path":"/-"}]`,
			0, `~"-" refers to the nonexistent element after the end of the array at the document root`},
		{"replace missing member", `{"a": 1}`, `[{"op":"replace","path":"/b","value":1}]`,
			0, `operation 0 (replace /b): path not found: no member "b" in the document root`},
		{"replace index out of range", `[1]`, `[{"op":"replace","path":"/1","value":1}]`,
			0, `~index 1 is out of range for the array of length 1`},
		{"replace -", `[1]`, `[{"op":"replace","path":"/-","value":1}]`,
			0, `~"-" refers to the nonexistent element`},
		{"test -", `[1]`, `[{"op":"test","path":"/-","value":1}]`,
			0, `~"-" refers to the nonexistent element`},
		{"add index beyond len", `[1]`, `[{"op":"add","path":"/2","value":1}]`,
			0, `operation 0 (add /2): path not found: index 2 is out of range for the array of length 1 at the document root`},
		{"add negative index", `[1]`, `[{"op":"add","path":"/-1","value":1}]`,
			0, `~path is not a valid JSON Pointer: -1 is not an array index`},
		{"add leading zero index", `[1, 2]`, `[{"op":"add","path":"/01","value":1}]`,
			0, `operation 0 (add /01): path is not a valid JSON Pointer: 01 is not an array index (the array at the document root takes "0" or a number without leading zeros)`},
		{"remove leading zero index", `[1, 2]`, `[{"op":"remove","path":"/00"}]`,
			0, `~00 is not an array index`},
		{"index with sign", `[1, 2]`, `[{"op":"remove","path":"/+1"}]`,
			0, `~+1 is not an array index`},
		{"index not a number", `[1, 2]`, `[{"op":"remove","path":"/a"}]`,
			0, `~a is not an array index`},
		{"empty index", `[1, 2]`, `[{"op":"remove","path":"/"}]`,
			0, `~"" is not an array index`},
		{"huge index", `[1]`, `[{"op":"replace","path":"/99999999999999999999999","value":1}]`,
			0, `~index 99999999999999999999999 is out of range`},
		{"- inside a path", `{"a": [[1]]}`, `[{"op":"add","path":"/a/-/0","value":1}]`,
			0, `~"-" refers to the nonexistent element after the end of the array at /a`},
		{"add to a missing parent", `{}`, `[{"op":"add","path":"/a/b","value":1}]`,
			0, `operation 0 (add /a/b): path not found: no member "a" in the document root`},
		{"add into a string", `{"a": "s"}`, `[{"op":"add","path":"/a/b","value":1}]`,
			0, `operation 0 (add /a/b): path not found: cannot add "b" to the string at /a`},
		{"look up in a number", `{"a": 1}`, `[{"op":"test","path":"/a/b","value":1}]`,
			0, `operation 0 (test /a/b): path not found: cannot look up "b" in the number at /a`},
		{"look up in null", `{"a": null}`, `[{"op":"remove","path":"/a/b/c"}]`,
			0, `~cannot look up "b" in the null at /a`},
		{"move missing from", `{"a": 1}`, `[{"op":"move","from":"/b","path":"/c"}]`,
			0, `operation 0 (move /c from /b): from not found: no member "b" in the document root`},
		{"move into own child", `{"a": {"b": 1}}`, `[{"op":"move","from":"/a","path":"/a/c"}]`,
			0, `operation 0 (move /a/c from /a): cannot move a value into one of its own children`},
		{"move root into child", `{"a": 1}`, `[{"op":"move","from":"","path":"/b"}]`,
			0, `~cannot move a value into one of its own children`},
		{"move to a missing parent", `{"a": 1}`, `[{"op":"move","from":"/a","path":"/b/c"}]`,
			0, `operation 0 (move /b/c from /a): path not found: no member "b" in the document root`},
		{"move to an index past the end after removal", `[1, 2]`, `[{"op":"move","from":"/0","path":"/2"}]`,
			0, `~index 2 is out of range for the array of length 1`},
		{"move from -", `[1, 2]`, `[{"op":"move","from":"/-","path":"/0"}]`,
			0, `~from not found: "-" refers to the nonexistent element`},
		{"move invalid from", `[1, 2]`, `[{"op":"move","from":"0","path":"/0"}]`,
			0, `~from is not a valid JSON Pointer`},
		{"copy missing from", `{"a": 1}`, `[{"op":"copy","from":"/b","path":"/c"}]`,
			0, `operation 0 (copy /c from /b): from not found: no member "b" in the document root`},
		{"copy to a bad index", `{"a": 1, "b": [1]}`, `[{"op":"copy","from":"/a","path":"/b/5"}]`,
			0, `~index 5 is out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parse(t, tt.doc)
			got, err := run(t, tt.doc, tt.patch)
			if err == nil {
				t.Fatalf("succeeded with %v, want error", got)
			}
			if got != nil {
				t.Errorf("result %v, want nil", got)
			}
			e := asError(t, err)
			if e.Index != tt.index {
				t.Errorf("Index = %d, want %d", e.Index, tt.index)
			}
			if sub, ok := strings.CutPrefix(tt.msg, "~"); ok {
				if !strings.Contains(e.Message, sub) {
					t.Errorf("Message = %q, want it to contain %q", e.Message, sub)
				}
			} else if e.Message != tt.msg {
				t.Errorf("Message = %q\nwant      %q", e.Message, tt.msg)
			}
			if !reflect.DeepEqual(doc, parse(t, tt.doc)) {
				t.Errorf("input modified")
			}
		})
	}
}

// TestApplyOperationsBuiltInGo covers Operations that did not come from
// Decode.
func TestApplyOperationsBuiltInGo(t *testing.T) {
	doc := map[string]any{"a": json.Number("1")}
	tests := []struct {
		name string
		op   jsonpatch.Operation
		want any    // result, when msg is ""
		msg  string // expected Message
	}{
		{"missing value", jsonpatch.Operation{Op: "add", Path: "/b"}, nil,
			`operation 0 (add /b): missing member "value"`},
		{"null value", jsonpatch.Operation{Op: "add", Path: "/b", HasValue: true},
			map[string]any{"a": json.Number("1"), "b": nil}, ""},
		{"non-nil value without HasValue", jsonpatch.Operation{Op: "replace", Path: "/a", Value: "x"},
			map[string]any{"a": "x"}, ""},
		{"typed nil slice is null", jsonpatch.Operation{Op: "replace", Path: "/a", Value: []any(nil)},
			map[string]any{"a": nil}, ""},
		{"unknown op", jsonpatch.Operation{Op: "merge", Path: "/a"}, nil,
			`operation 0 (merge /a): unknown op "merge" (must be add, remove, replace, move, copy or test)`},
		{"missing op", jsonpatch.Operation{Path: "/a"}, nil,
			`operation 0 ("" /a): missing member "op"`},
		{"unsupported value type", jsonpatch.Operation{Op: "add", Path: "/b", Value: []any{1}}, nil,
			`operation 0 (add /b): value contains a value of Go type int, which is not a decoded JSON value`},
		{"invalid number", jsonpatch.Operation{Op: "add", Path: "/b", Value: json.Number("1.")}, nil,
			`operation 0 (add /b): value contains the invalid number 1.`},
		{"invalid number in test", jsonpatch.Operation{Op: "test", Path: "/a", Value: json.Number("0x1")}, nil,
			`operation 0 (test /a): value contains the invalid number 0x1`},
		{"odd path is quoted", jsonpatch.Operation{Op: "remove", Path: "/a b\n"}, nil,
			`operation 0 (remove "/a b\n"): path not found: no member "a b\n" in the document root`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonpatch.Apply(doc, []jsonpatch.Operation{tt.op})
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %#v, want %#v", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("succeeded with %v", got)
			}
			if e := asError(t, err); e.Index != 0 || e.Message != tt.msg {
				t.Errorf("got %d %q\nwant 0 %q", e.Index, e.Message, tt.msg)
			}
		})
	}
	if !reflect.DeepEqual(doc, map[string]any{"a": json.Number("1")}) {
		t.Errorf("input modified: %v", doc)
	}
}

func TestApplyRejectsInvalidDocuments(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for name, doc := range map[string]any{
		"int":            map[string]any{"a": 1},
		"float64":        []any{1.5},
		"invalid number": json.Number("one"),
		"cycle":          cyclic,
		"typed map":      map[string]string{"a": "b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := jsonpatch.Apply(doc, nil)
			if err == nil {
				t.Errorf("%s: no error", name)
				return
			}
			if e := asError(t, err); e.Index != -1 || !strings.HasPrefix(e.Message, "document ") {
				t.Errorf("%s: got %d %q", name, e.Index, e.Message)
			}
		})
	}
}

// TestApplyIsAtomic checks that a failing later operation leaves the input
// document exactly as it was, even though earlier operations changed every
// kind of container.
func TestApplyIsAtomic(t *testing.T) {
	const text = `{"name": "Acme", "ids": [1, 2, 3], "nested": {"x": {"y": [true]}}}`
	doc := parse(t, text)
	ids := doc.(map[string]any)["ids"].([]any)
	idsBacking := append([]any(nil), ids[:cap(ids)]...)
	patch := `[
		{"op": "replace", "path": "/name", "value": "Other"},
		{"op": "remove", "path": "/ids/0"},
		{"op": "add", "path": "/ids/0", "value": 9},
		{"op": "add", "path": "/ids/-", "value": 10},
		{"op": "move", "from": "/nested/x/y", "path": "/moved"},
		{"op": "copy", "from": "/ids", "path": "/nested/copy"},
		{"op": "add", "path": "/nested/x/z", "value": {"deep": [1]}},
		{"op": "test", "path": "/name", "value": "Acme"}
	]`
	ops, err := jsonpatch.Decode([]byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	got, err := jsonpatch.Apply(doc, ops)
	if err == nil {
		t.Fatalf("succeeded with %v", got)
	}
	if e := asError(t, err); e.Index != 7 || e.Message != "operation 7 (test /name): value does not match" {
		t.Errorf("got %d %q", e.Index, e.Message)
	}
	if !reflect.DeepEqual(doc, parse(t, text)) {
		t.Errorf("input document modified: %v", doc)
	}
	// Also the backing array of ids, including unused capacity that an
	// in-place append would have filled.
	if !reflect.DeepEqual(ids[:cap(ids)], idsBacking) {
		t.Errorf("ids backing array modified: %v", ids[:cap(ids)])
	}
	// Without the failing test the same patch succeeds on the same input.
	got, err = jsonpatch.Apply(doc, ops[:7])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name": "Other", "ids": [9, 2, 3, 10], "moved": [true],
		"nested": {"x": {"z": {"deep": [1]}}, "copy": [9, 2, 3, 10]}}`
	if !reflect.DeepEqual(got, parse(t, want)) {
		t.Errorf("got %v", got)
	}
	if !reflect.DeepEqual(doc, parse(t, text)) {
		t.Errorf("input document modified by a successful Apply: %v", doc)
	}
}

// TestApplyResultSharesNothing checks that the result can be changed without
// affecting the input document or the operations.
func TestApplyResultSharesNothing(t *testing.T) {
	doc := parse(t, `{"a": {"b": [1]}}`)
	ops, err := jsonpatch.Decode([]byte(`[{"op":"add","path":"/v","value":{"c":[2]}},{"op":"test","path":"/a","value":{"b":[1]}}]`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := jsonpatch.Apply(doc, ops)
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	m["a"].(map[string]any)["b"].([]any)[0] = "changed"
	m["v"].(map[string]any)["c"].([]any)[0] = "changed"
	m["v"].(map[string]any)["new"] = true
	if !reflect.DeepEqual(doc, parse(t, `{"a": {"b": [1]}}`)) {
		t.Errorf("input document changed through the result: %v", doc)
	}
	if !reflect.DeepEqual(ops[0].Value, parse(t, `{"c":[2]}`)) {
		t.Errorf("operation value changed through the result: %v", ops[0].Value)
	}
}

func TestApplyEmptyPatch(t *testing.T) {
	doc := parse(t, `{"a": [1]}`)
	for _, ops := range [][]jsonpatch.Operation{nil, {}} {
		got, err := jsonpatch.Apply(doc, ops)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, doc) {
			t.Errorf("got %v", got)
		}
	}
	ops, err := jsonpatch.Decode([]byte(" [ ] \n"))
	if err != nil || ops == nil || len(ops) != 0 {
		t.Errorf("Decode([]) = %#v, %v; want empty non-nil slice", ops, err)
	}
}

// TestCopyCannotGrowExponentially checks that repeatedly copying the
// document into itself fails instead of exhausting memory.
func TestCopyCannotGrowExponentially(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`[`)
	for i := range 64 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"op":"copy","from":"","path":"/-"}`) // doubles the document
	}
	b.WriteString(`]`)
	_, err := run(t, `["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]`, b.String())
	if err == nil {
		t.Fatal("succeeded")
	}
	if e := asError(t, err); !strings.Contains(e.Message, "the document would become too large") {
		t.Errorf("got %d %q", e.Index, e.Message)
	}
	// A few copies are fine.
	if _, err := run(t, `{"a": 1}`, `[`+strings.Repeat(`{"op":"copy","from":"","path":"/a"},`, 10)+`{"op":"test","path":"/a/a/a/a/a/a/a/a/a/a/a","value":1}]`); err != nil {
		t.Error(err)
	}
}

func TestNestingLimit(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	if _, err := jsonpatch.Decode([]byte(`[{"op":"add","path":"/a","value":` + deep + `}]`)); err != nil {
		t.Fatalf("10000 levels: %v", err)
	}
	tooDeep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	_, err := jsonpatch.Decode([]byte(`[{"op":"add","path":"/a","value":` + tooDeep + `}]`))
	if e := asError(t, err); e.Index != 0 || e.Message != "operation 0: value nests arrays and objects more than 10000 levels deep" {
		t.Errorf("got %d %q", e.Index, e.Message)
	}
	// The value fits on its own but not below /a.
	ops, err := jsonpatch.Decode([]byte(`[{"op":"add","path":"/a","value":` + deep + `}]`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = jsonpatch.Apply(map[string]any{}, ops)
	if e := asError(t, err); e.Index != 0 || !strings.Contains(e.Message, "more than 10000 levels deep") {
		t.Errorf("got %d %q", e.Index, e.Message)
	}
	// Moving a deep value deeper.
	ops = []jsonpatch.Operation{
		{Op: "add", Path: "/a", Value: []any{}, HasValue: true},
		{Op: "add", Path: "/b", Value: parse(t, strings.Repeat("[", 9998)+strings.Repeat("]", 9998)), HasValue: true},
		{Op: "move", From: "/b", Path: "/a/0"},
		{Op: "move", From: "/a/0", Path: "/b"},
		{Op: "move", From: "/b", Path: "/a/0"},
		{Op: "add", Path: "/c", Value: []any{}, HasValue: true},
		{Op: "move", From: "/a", Path: "/c/0"},
	}
	_, err = jsonpatch.Apply(map[string]any{}, ops)
	if e := asError(t, err); e.Index != 6 || !strings.Contains(e.Message, "result nests arrays and objects more than 10000 levels deep") {
		t.Errorf("got %v", err)
	}
	if _, err := jsonpatch.Apply(map[string]any{}, ops[:6]); err != nil {
		t.Error(err)
	}
}

func TestTopLevel(t *testing.T) {
	tests := []struct {
		op   jsonpatch.Operation
		want []string
	}{
		{jsonpatch.Operation{Op: "replace", Path: "/status"}, []string{"status"}},
		{jsonpatch.Operation{Op: "add", Path: "/a/b"}, []string{"a"}},
		{jsonpatch.Operation{Op: "add", Path: "/contractOwnerIds/-"}, []string{"contractOwnerIds"}},
		{jsonpatch.Operation{Op: "remove", Path: "/a~1b/c"}, []string{"a/b"}},
		{jsonpatch.Operation{Op: "test", Path: "/~0x"}, []string{"~x"}},
		{jsonpatch.Operation{Op: "replace", Path: ""}, []string{""}},
		{jsonpatch.Operation{Op: "replace", Path: "/"}, []string{""}},
		{jsonpatch.Operation{Op: "replace", Path: "status"}, []string{""}},
		{jsonpatch.Operation{Op: "replace", Path: "/a~2"}, []string{""}},
		{jsonpatch.Operation{Op: "move", From: "/a/x", Path: "/b/y"}, []string{"b", "a"}},
		{jsonpatch.Operation{Op: "move", From: "/a/x", Path: "/a/y"}, []string{"a"}},
		{jsonpatch.Operation{Op: "move", From: "", Path: "/a"}, []string{"a", ""}},
		{jsonpatch.Operation{Op: "copy", From: "/a", Path: "/b"}, []string{"b"}},
	}
	for _, tt := range tests {
		if got := tt.op.TopLevel(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: got %q, want %q", tt.op, got, tt.want)
		}
	}
}
