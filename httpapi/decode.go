package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/freetext"
)

// MaxBody is the largest request body accepted (spec §2.3).
const MaxBody = 1 << 20

// readBody reads the request body, checking its content type (415) and size (413).
func readBody(r *http.Request, want string) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != want {
		return nil, ep.Errorf(ep.EUNSUPPORTED, "Content-Type must be %s", want)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, ep.Errorf(ep.EUNSUPPORTED, "the only supported charset is utf-8")
	}
	if r.ContentLength > MaxBody {
		return nil, ep.Errorf(ep.ETOOLARGE, "request body is larger than %d bytes", MaxBody)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, ep.Errorf(ep.EINVALID, "could not read the request body")
	}
	if len(b) > MaxBody {
		return nil, ep.Errorf(ep.ETOOLARGE, "request body is larger than %d bytes", MaxBody)
	}
	return b, nil
}

// parseJSON parses exactly one JSON value (numbers kept as json.Number), rejecting invalid
// UTF-8, duplicate object keys and trailing data.
func parseJSON(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ep.Errorf(ep.EINVALID, "request body is required")
	}
	if !utf8.Valid(b) {
		return nil, ep.Errorf(ep.EINVALID, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, ep.Errorf(ep.EINVALID, "malformed JSON: %s", jsonErrorText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ep.Errorf(ep.EINVALID, "malformed JSON: unexpected data after the JSON value")
	}
	return v, nil
}

var errDuplicateKey = errors.New("duplicate key")

// decodeValue decodes one value token by token so duplicate keys are detected.
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("%w %q", errDuplicateKey, k)
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				m[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return m, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return tok, nil
	}
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at offset %d", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// validate checks a parsed body against the contract's request schema and returns a
// validation error listing every invalid field.
func validate(schema *openapi3.Schema, v any) error {
	if schema == nil {
		return nil
	}
	if err := checkText(schema, v); err != nil { // control characters (textcheck.go)
		return err
	}
	err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest(), openapi3.EnableFormatValidation())
	if err == nil {
		return nil
	}
	var fields []ep.FieldError
	collectSchemaErrors(err, &fields)
	if len(fields) == 0 {
		fields = append(fields, ep.FieldError{Field: "", Message: "request body does not match the schema"})
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	fields = dedupe(fields)
	msg := fmt.Sprintf("Validation failed for %d field", len(fields))
	if len(fields) != 1 {
		msg += "s"
	}
	msg += ": " + fields[0].Field + " " + fields[0].Message
	return &ep.Error{Code: ep.EINVALID, Message: msg, Fields: fields}
}

func dedupe(fields []ep.FieldError) []ep.FieldError {
	out := fields[:0]
	for i, f := range fields {
		if i > 0 && f == fields[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

func collectSchemaErrors(err error, out *[]ep.FieldError) {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			collectSchemaErrors(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*out = append(*out, ep.FieldError{Message: "is invalid"})
		return
	}
	ptr := se.JSONPointer()
	field := strings.Join(ptr, ".")
	msg := se.Reason
	switch {
	case strings.HasSuffix(se.Reason, "is unsupported"):
		// Reason: property "x" is unsupported (additionalProperties: false)
		if name := quoted(se.Reason); name != "" {
			field = joinField(field, name)
		}
		msg = "is not a known or writable field"
		*out = append(*out, ep.FieldError{Field: field, Message: msg})
		return
	}
	switch se.SchemaField {
	case "required":
		// The pointer already ends with the missing property.
		msg = "is required"
	case "pattern":
		if s, ok := se.Value.(string); ok {
			if m := freetext.Check(s, 0, 1<<30); m != "" {
				msg = m
			} else {
				msg = "has an invalid format"
			}
		}
	case "nullable":
		msg = "must not be null"
	case "type":
		if se.Schema != nil && se.Schema.Type != nil {
			msg = "must be of type " + strings.Join(se.Schema.Type.Slice(), " or ")
		}
	case "enum":
		if se.Schema != nil {
			var vals []string
			for _, v := range se.Schema.Enum {
				vals = append(vals, fmt.Sprint(v))
			}
			msg = "must be one of " + strings.Join(vals, ", ")
		}
	case "minimum", "maximum":
		if se.Schema != nil {
			msg = "must be between " + bound(se.Schema.Min) + " and " + bound(se.Schema.Max)
		}
	case "minLength", "maxLength":
		if se.Schema != nil {
			max := "unbounded"
			if se.Schema.MaxLength != nil {
				max = fmt.Sprint(*se.Schema.MaxLength)
			}
			msg = fmt.Sprintf("must be %d to %s characters long", se.Schema.MinLength, max)
		}
	}
	if field == "" {
		field = "body"
	}
	*out = append(*out, ep.FieldError{Field: field, Message: msg})
}

func bound(f *float64) string {
	if f == nil {
		return "unbounded"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", *f), "0"), ".")
}

func joinField(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func quoted(s string) string {
	i := strings.Index(s, `"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i+1:], `"`)
	if j < 0 {
		return ""
	}
	return s[i+1 : i+1+j]
}

// decodeInto validates a parsed body against schema and decodes it into dst.
func decodeInto(schema *openapi3.Schema, v any, raw []byte, dst any) error {
	if err := validate(schema, v); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return ep.Invalid(ute.Field, "must be of type "+ute.Type.String())
		}
		return ep.Errorf(ep.EINVALID, "invalid request body: %s", err.Error())
	}
	return nil
}
