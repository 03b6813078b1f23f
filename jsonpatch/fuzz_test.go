package jsonpatch_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/elevatepay/elevatepay/jsonpatch"
)

// FuzzApply checks that Apply never panics, never modifies the document or
// the operations it is given, returns results that share nothing with them,
// and reports failures only as *Error.
func FuzzApply(f *testing.F) {
	seeds := []struct{ patch, doc string }{
		{`[]`, `{}`},
		{`[{"op":"add","path":"/baz","value":"qux"}]`, `{"foo":"bar"}`},
		{`[{"op":"add","path":"/foo/1","value":"qux"}]`, `{"foo":["bar","baz"]}`},
		{`[{"op":"remove","path":"/foo/1"}]`, `{"foo":["bar","qux","baz"]}`},
		{`[{"op":"replace","path":"/baz","value":"boo"}]`, `{"baz":"qux","foo":"bar"}`},
		{`[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]`, `{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}`},
		{`[{"op":"move","from":"/foo/1","path":"/foo/3"}]`, `{"foo":["all","grass","cows","eat"]}`},
		{`[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2.0}]`, `{"baz":"qux","foo":["a",2,"c"]}`},
		{`[{"op":"add","path":"/child","value":{"grandchild":{}}}]`, `{"foo":"bar"}`},
		{`[{"op":"test","path":"/~01","value":10}]`, `{"/":9,"~1":10}`},
		{`[{"op":"add","path":"/foo/-","value":["abc","def"]}]`, `{"foo":["bar"]}`},
		{`[{"op":"replace","path":"/a","value":1},{"op":"test","path":"/a","value":2}]`, `{"a":0,"b":[1,{"c":null}]}`},
		{`[{"op":"copy","from":"","path":"/x"},{"op":"copy","from":"/x","path":"/x/y"}]`, `{"a":[1,2]}`},
		{`[{"op":"move","from":"/a","path":"/a/b"}]`, `{"a":{"b":1}}`},
		{`[{"op":"move","from":"/0","path":"/-"},{"op":"remove","path":"/0"}]`, `[1,[2],{"3":3}]`},
		{`[{"op":"add","path":"","value":null},{"op":"replace","path":"","value":[1e999999,-0]}]`, `"root"`},
		{`[{"op":"test","path":"","value":[1.0e2,-0.0]}]`, `[100,0]`},
		{`[{"op":"remove","path":"/01"},{"op":"add","path":"/2","value":true}]`, `[true,false]`},
		{`[{"op":"add","path":"/a~1b/~0","value":{}},{"op":"remove","path":"/a~1b/~0"}]`, `{"a/b":{}}`},
		{`[{"op":"copy","from":"/a/-","path":"/b"},{"op":"test","path":"/a","value":"x"}]`, `{"a":["x"]}`},
		{`[{"op":"replace","path":"/ids/0","value":12345678901234567890123}]`, `{"ids":[1]}`},
	}
	for _, s := range seeds {
		f.Add(s.patch, s.doc)
	}
	f.Fuzz(func(t *testing.T, patch, docText string) {
		doc, err := parseJSON(docText)
		if err != nil {
			return
		}
		ops, err := jsonpatch.Decode([]byte(patch))
		if err != nil {
			var e *jsonpatch.Error
			if !errors.As(err, &e) || e.Message == "" || e.Index < -1 {
				t.Fatalf("Decode error %#v", err)
			}
			return
		}
		// Independent copies to compare against.
		docBefore, _ := parseJSON(docText)
		opsBefore, _ := jsonpatch.Decode([]byte(patch))

		got, err := jsonpatch.Apply(doc, ops)
		if !reflect.DeepEqual(doc, docBefore) {
			t.Fatalf("Apply modified its document: %v, was %v", doc, docBefore)
		}
		if !reflect.DeepEqual(ops, opsBefore) {
			t.Fatalf("Apply modified its operations")
		}
		if err != nil {
			var e *jsonpatch.Error
			if !errors.As(err, &e) || e.Index < 0 || e.Index >= len(ops) || e.Message == "" {
				t.Fatalf("Apply error %#v", err)
			}
			if got != nil {
				t.Fatalf("Apply returned %v with an error", got)
			}
			return
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		// A document equals itself.
		if _, err := jsonpatch.Apply(got, []jsonpatch.Operation{{Op: "test", Path: "", Value: got, HasValue: true}}); err != nil {
			t.Fatalf("result does not test equal to itself: %v", err)
		}
		// The result shares nothing with the inputs.
		scribble(got)
		if !reflect.DeepEqual(doc, docBefore) {
			t.Fatalf("changing the result changed the document")
		}
		if !reflect.DeepEqual(ops, opsBefore) {
			t.Fatalf("changing the result changed the operations")
		}
	})
}

// scribble overwrites every container in v.
func scribble(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			scribble(e)
			x[k] = "scribbled"
		}
		x["scribbled"] = true
	case []any:
		for i, e := range x {
			scribble(e)
			x[i] = "scribbled"
		}
	}
}
