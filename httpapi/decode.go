package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/freetext"
	"github.com/elevatepay/elevatepay/money"
)

// MaxBody is the largest request body accepted (spec §2.3).
const MaxBody = 1 << 20

// readBody reads the request body, checking its content type (415) and size (413), and its
// shape as it arrives: a body nested too deeply or holding too many values is refused at the
// byte where it goes wrong, without reading the rest. A body larger than LargeBody waits at the
// server's gate of large bodies before more than LargeBody bytes of it are read; release (never
// nil) gives its slot back once the request is done.
func (s *Server) readBody(r *http.Request, want string) (body []byte, release func(), err error) {
	release = func() {}
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != want {
		return nil, release, ep.Errorf(ep.EUNSUPPORTED, "Content-Type must be %s", want)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, release, ep.Errorf(ep.EUNSUPPORTED, "the only supported charset is utf-8")
	}
	if r.ContentLength > MaxBody {
		return nil, release, ep.Errorf(ep.ETOOLARGE, "request body is larger than %d bytes", MaxBody)
	}
	var shape shapeScanner
	buf := make([]byte, 0, min(max(r.ContentLength+1, 512), LargeBody+1))
	gated := false
	fail := func(err error) ([]byte, func(), error) {
		release()
		return nil, func() {}, err
	}
	for {
		if len(buf) == cap(buf) {
			if len(buf) > LargeBody && !gated {
				if !s.large.enter(r.Context()) {
					return fail(ep.Errorf(ep.EINVALID, "could not read the request body"))
				}
				gated, release = true, s.large.leave
			}
			buf = slices.Grow(buf, min(len(buf), MaxBody+1-len(buf)))
		}
		n, rerr := r.Body.Read(buf[len(buf):min(cap(buf), MaxBody+1)])
		if err := shape.feed(buf[len(buf) : len(buf)+n]); err != nil {
			return fail(err)
		}
		buf = buf[:len(buf)+n]
		if len(buf) > MaxBody {
			return fail(ep.Errorf(ep.ETOOLARGE, "request body is larger than %d bytes", MaxBody))
		}
		if rerr == io.EOF {
			return buf, release, nil
		}
		if rerr != nil {
			return fail(ep.Errorf(ep.EINVALID, "could not read the request body"))
		}
	}
}

// LargeBody is the size above which a request body counts as large: at most MaxLargeBodies
// large bodies are read, decoded, validated and handled at once, so a flood of them (reachable
// without a token through POST /v1/authenticate) can take neither the process's memory nor
// all of its CPU: decoding and validating one costs up to about 20 MB. Real bodies of the
// contract are a few hundred bytes; requests with small bodies never wait.
const LargeBody = 64 << 10

// MaxLargeBodies is how many large bodies are processed at once: half the CPUs, at least one,
// so that large bodies always leave CPU to everything else.
var MaxLargeBodies = max(1, runtime.GOMAXPROCS(0)/2)

// largeBodies is the gate of large bodies.
type largeBodies struct {
	slots chan struct{}
	peak  atomic.Int32 // most ever inside at once (tests)
	in    atomic.Int32
}

// enter waits for a slot while ctx lives; false when ctx ended first.
func (l *largeBodies) enter(ctx context.Context) bool {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	n := l.in.Add(1)
	for p := l.peak.Load(); n > p && !l.peak.CompareAndSwap(p, n); p = l.peak.Load() {
	}
	return true
}

func (l *largeBodies) leave() {
	l.in.Add(-1)
	<-l.slots
}

// parseJSON parses exactly one JSON value (numbers kept as json.Number), rejecting invalid
// UTF-8, duplicate object keys and trailing data.
func parseJSON(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ep.Errorf(ep.EINVALID, "request body is required")
	}
	// First of all, before anything allocates: the decoder below recurses once per level.
	if err := checkShape(b); err != nil {
		return nil, err
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

// MaxDepth is how deeply arrays and objects may nest in a request body. No body of the
// contract needs more than 5 levels; deeper input is refused before it is decoded, because
// decoding costs memory per level (issue 6: a 1 MiB body of "[[[[" cost 165 MB).
const MaxDepth = 32

// MaxValues is how many JSON values (array items and object members) a request body may hold.
// No body of the contract comes near it; decoding costs about 200 bytes per value, so a 1 MiB
// body of half a million values would cost 100 MB. Larger input is refused before decoding.
const MaxValues = 50000

// checkShape scans b once, outside strings, counting the arrays and objects open and the
// values, and refuses a body nested more than MaxDepth levels deep or holding more than
// MaxValues values. It allocates nothing. On malformed input the counts may be off, but only
// after the point where the decoder stops anyway.
func checkShape(b []byte) error {
	var s shapeScanner
	return s.feed(b)
}

// shapeScanner is checkShape over a body fed in pieces as it arrives.
type shapeScanner struct {
	depth, values     int
	inString, escaped bool
}

func (s *shapeScanner) feed(b []byte) error {
	for _, c := range b {
		if s.inString {
			switch {
			case s.escaped:
				s.escaped = false
			case c == '\\':
				s.escaped = true
			case c == '"':
				s.inString = false
			}
			continue
		}
		switch c {
		case '"':
			s.inString = true
		case '[', '{':
			if s.depth++; s.depth > MaxDepth {
				return ep.Errorf(ep.EINVALID, "request body nests arrays and objects more than %d levels deep", MaxDepth)
			}
			s.values++
		case ',':
			s.values++
		case ']', '}':
			s.depth--
		}
		if s.values > MaxValues {
			return ep.Errorf(ep.EINVALID, "request body holds more than %d values", MaxValues)
		}
	}
	return nil
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

// MaxFieldErrors is how many field errors one validation error lists; the message states how
// many there were in all (issue 6: 60,000 unknown keys once answered a 3.8 MB error).
const MaxFieldErrors = 20

var visitOpts = []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsRequest(), openapi3.EnableFormatValidation()}

// validate checks a parsed body against the contract's request schema and returns a
// validation error naming the invalid fields: the first MaxFieldErrors of them in field
// order, and how many there are in all.
//
// kin-openapi builds one error per invalid member, so the parts of a body that can be
// arbitrarily many (unknown members, array items) are handled here before it sees the body:
// unknown members are counted and left out, arrays are cut after MaxFieldErrors items and the
// rest is checked item by item; numbers are checked exactly (kin-openapi reads them as
// float64, which turns 1e-400 into 0 and cannot represent 1e400).
func validate(schema *openapi3.Schema, v any) error {
	if schema == nil {
		return nil
	}
	vd := &validation{flagged: map[string]bool{}}
	// Control characters first (textcheck.go): a body that has them is refused for them alone.
	if checkText(schema, v, &vd.errs); vd.errs.total == 0 {
		vd.visit(schema, v, "")
	}
	return vd.errs.err()
}

// validation is one run of validate.
type validation struct {
	errs fieldErrors
	// flagged are the fields whose number this package refused; kin-openapi's own (float64)
	// opinion of them is dropped.
	flagged map[string]bool
}

// fieldErrors keeps the first MaxFieldErrors field errors in field order and counts all.
type fieldErrors struct {
	kept  []ep.FieldError
	total int
}

// err is the validation error of the collected field errors, nil when there are none.
func (f *fieldErrors) err() error {
	if f.total == 0 {
		return nil
	}
	msg := fmt.Sprintf("Validation failed for %d field", f.total)
	if f.total != 1 {
		msg += "s"
	}
	if f.total > len(f.kept) {
		msg += fmt.Sprintf(" (first %d listed)", len(f.kept))
	}
	msg += ": " + f.kept[0].Field + " " + f.kept[0].Message
	return &ep.Error{Code: ep.EINVALID, Message: msg, Fields: f.kept}
}

// accepts reports whether an error on field would be kept.
func (f *fieldErrors) accepts(field string) bool {
	return len(f.kept) < MaxFieldErrors || !lessField(f.kept[len(f.kept)-1].Field, field)
}

func (f *fieldErrors) add(e ep.FieldError) {
	f.total++
	if !f.accepts(e.Field) {
		return
	}
	// After every error of the same field already kept: kin-openapi's order among them stays.
	i := sort.Search(len(f.kept), func(i int) bool { return lessField(e.Field, f.kept[i].Field) })
	f.kept = append(f.kept, ep.FieldError{})
	copy(f.kept[i+1:], f.kept[i:])
	f.kept[i] = e
	if len(f.kept) > MaxFieldErrors {
		f.kept = f.kept[:MaxFieldErrors]
	}
}

// lessField orders field names segment by segment, array indexes numerically
// (contractOwnerIds.2 before contractOwnerIds.10).
func lessField(a, b string) bool {
	for a != "" || b != "" {
		sa, ra, _ := strings.Cut(a, ".")
		sb, rb, _ := strings.Cut(b, ".")
		if sa != sb {
			if isIndex(sa) && isIndex(sb) && len(sa) != len(sb) {
				return len(sa) < len(sb)
			}
			return sa < sb
		}
		a, b = ra, rb
	}
	return false
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fieldName is the name an error at path is reported under: "body" for the body itself.
func fieldName(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// visit validates v at path against s, adding its errors.
func (vd *validation) visit(s *openapi3.Schema, v any, path string) {
	pruned := vd.prune(s, v, path)
	err := s.VisitJSON(pruned, visitOpts...)
	if err == nil {
		return
	}
	var fields []ep.FieldError
	collectSchemaErrors(err, path, &fields)
	if len(fields) == 0 {
		fields = append(fields, ep.FieldError{Field: path, Message: "does not match the schema"})
		if path == "" {
			fields[0].Message = "request body does not match the schema"
		}
	}
	sort.SliceStable(fields, func(i, j int) bool { return lessField(fields[i].Field, fields[j].Field) })
	for i, f := range fields {
		if (i > 0 && f == fields[i-1]) || vd.flagged[f.Field] {
			continue
		}
		vd.errs.add(f)
	}
}

// schemasOf is s with the schemas of its allOf, which apply to the same value.
func schemasOf(s *openapi3.Schema, out []*openapi3.Schema) []*openapi3.Schema {
	if s == nil || len(out) > 16 {
		return out
	}
	out = append(out, s)
	for _, ref := range s.AllOf {
		out = schemasOf(ref.Value, out)
	}
	return out
}

// prune returns v as kin-openapi may see it: objects without their unknown members and arrays
// cut after MaxFieldErrors items, which it reports itself; and it checks numbers. Where a
// schema could judge the value differently once pruned (oneOf, anyOf, not, enum, property
// counts, unique items), the value is left as it is.
func (vd *validation) prune(s *openapi3.Schema, v any, path string) any {
	ss := schemasOf(s, nil)
	for _, x := range ss {
		if len(x.OneOf) > 0 || len(x.AnyOf) > 0 || x.Not != nil || len(x.Enum) > 0 {
			return v
		}
	}
	switch t := v.(type) {
	case json.Number:
		vd.checkNumber(ss, t, path)
		return v
	case map[string]any:
		if !permitsAll(ss, openapi3.TypeObject) {
			return v // kin-openapi reports the type and looks no further
		}
		return vd.pruneObject(ss, t, path)
	case []any:
		if !permitsAll(ss, openapi3.TypeArray) {
			return v
		}
		return vd.pruneArray(ss, t, path)
	}
	return v
}

// permitsAll reports whether every schema of ss allows values of type t.
func permitsAll(ss []*openapi3.Schema, t string) bool {
	for _, x := range ss {
		if x.Type != nil && !x.Type.Permits(t) {
			return false
		}
	}
	return true
}

func (vd *validation) pruneObject(ss []*openapi3.Schema, m map[string]any, path string) any {
	for _, x := range ss {
		if x.MinProps != 0 || x.MaxProps != nil || x.AdditionalProperties.Schema != nil {
			return m
		}
	}
	out := make(map[string]any, min(len(m), 64))
	for k, x := range m {
		var props []*openapi3.Schema
		unknown, required := false, false
		for _, s := range ss {
			if p := s.Properties[k]; p != nil {
				props = append(props, p.Value)
			} else if has := s.AdditionalProperties.Has; has != nil && !*has {
				unknown = true
			}
			required = required || slices.Contains(s.Required, k)
		}
		field := joinField(path, k)
		switch {
		case unknown && !required:
			vd.errs.add(ep.FieldError{Field: field, Message: "is not a known or writable field"})
		case len(props) == 1 && props[0] != nil:
			out[k] = vd.prune(props[0], x, field)
		default:
			out[k] = x
		}
	}
	return out
}

func (vd *validation) pruneArray(ss []*openapi3.Schema, a []any, path string) any {
	var items *openapi3.Schema
	unique := false
	for _, x := range ss {
		if x.MinItems > MaxFieldErrors {
			return a
		}
		unique = unique || x.UniqueItems
		if x.Items != nil {
			if items != nil || x.Items.Value == nil {
				return a
			}
			items = x.Items.Value
		}
	}
	if items == nil {
		return a
	}
	if unique {
		// Pruned items would compare differently, unless prune leaves every item as it is.
		is := schemasOf(items, nil)
		if permitsAll(is, openapi3.TypeObject) || permitsAll(is, openapi3.TypeArray) {
			for _, x := range a {
				switch x.(type) {
				case map[string]any, []any:
					return a
				}
			}
		}
	}
	n := min(len(a), MaxFieldErrors)
	out := make([]any, n, n+1)
	for i := range n {
		out[i] = vd.prune(items, a[i], joinField(path, strconv.Itoa(i)))
	}
	if len(a) == n {
		return out
	}
	// What kin-openapi cannot see on the cut array: too many items, duplicates after the cut.
	for _, x := range ss {
		if x.MaxItems != nil && uint64(len(a)) > *x.MaxItems && uint64(n) <= *x.MaxItems {
			vd.errs.add(ep.FieldError{Field: fieldName(path), Message: fmt.Sprintf("maximum number of items is %d", *x.MaxItems)})
		}
	}
	if unique && scalarsUnique(a[:n]) && !scalarsUnique(a) {
		vd.errs.add(ep.FieldError{Field: fieldName(path), Message: "duplicate items found"})
	}
	vd.tail(items, a[n:], n, path)
	return out
}

// tail checks the items of an array after the cut, the first at index first: in chunks while
// they are valid, then item by item, listing what may still be listed and counting the rest
// (one per invalid item).
func (vd *validation) tail(items *openapi3.Schema, a []any, first int, path string) {
	const chunk = 64
	itemSchemas := schemasOf(items, nil)
	chunkSchema := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeArray}, Items: openapi3.NewSchemaRef("", items)}
	for start := 0; start < len(a); start += chunk {
		part := a[start:min(start+chunk, len(a))]
		if failFast(chunkSchema, part) == nil && !hasNumberProblem(itemSchemas, part) {
			continue
		}
		for j, x := range part {
			field := joinField(path, strconv.Itoa(first+start+j))
			if vd.errs.accepts(field) {
				vd.visit(items, x, field)
				continue
			}
			if hasNumberProblem(itemSchemas, part[j:j+1]) || failFast(items, x) != nil {
				vd.errs.total++
			}
		}
	}
}

func failFast(s *openapi3.Schema, v any) error {
	return s.VisitJSON(v, openapi3.FailFast(), openapi3.VisitAsRequest(), openapi3.EnableFormatValidation())
}

// hasNumberProblem reports whether a number among items is refused by numberProblem.
func hasNumberProblem(ss []*openapi3.Schema, items []any) bool {
	for _, x := range items {
		if n, ok := x.(json.Number); ok && numberProblem(ss, n) != "" {
			return true
		}
	}
	return false
}

// scalarsUnique reports whether no two items of a (JSON scalars) are equal, as kin-openapi
// compares them: by type and text.
func scalarsUnique(a []any) bool {
	seen := make(map[any]struct{}, len(a))
	for _, x := range a {
		switch x.(type) {
		case map[string]any, []any:
			// Not comparable: compared as kin-openapi does, by their JSON.
			b, _ := json.Marshal(x)
			x = [1]string{string(b)}
		}
		if _, dup := seen[x]; dup {
			return false
		}
		seen[x] = struct{}{}
	}
	return true
}

// checkNumber reports a number that numberProblem refuses.
func (vd *validation) checkNumber(ss []*openapi3.Schema, n json.Number, path string) {
	msg := numberProblem(ss, n)
	if msg == "" {
		return
	}
	field := fieldName(path)
	vd.flagged[field] = true
	vd.errs.add(ep.FieldError{Field: field, Message: msg})
}

// numberProblem checks a number exactly: amounts as the service will read them
// (money.ParseJSON), integers as integers of their format. "" = fine.
func numberProblem(ss []*openapi3.Schema, n json.Number) string {
	for _, s := range ss {
		switch {
		case s.Type == nil:
		case s.Type.Is(openapi3.TypeInteger):
			lo, hi, bits := int64(math.MinInt64), int64(math.MaxInt64), 64
			if s.Format == "int32" {
				lo, hi, bits = math.MinInt32, math.MaxInt32, 32
			}
			if _, err := strconv.ParseInt(string(n), 10, bits); err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return fmt.Sprintf("is out of range: must be between %d and %d", lo, hi)
				}
				return "must be an integer (digits only, no fraction or exponent)"
			}
		case s.Type.Is(openapi3.TypeNumber):
			if _, err := money.ParseJSON([]byte(n)); err != nil {
				return err.Error()
			}
		}
	}
	return ""
}

// collectSchemaErrors turns kin-openapi's errors, for the value at prefix, into field errors.
func collectSchemaErrors(err error, prefix string, out *[]ep.FieldError) {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			collectSchemaErrors(e, prefix, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*out = append(*out, ep.FieldError{Field: prefix, Message: "is invalid"})
		return
	}
	ptr := se.JSONPointer()
	field := joinField(prefix, strings.Join(ptr, "."))
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
	if name == "" {
		return prefix
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
