package jsonpatch

import (
	"errors"
	"math"
	"strings"
)

// parsePointer splits a JSON Pointer (RFC 6901) into its unescaped reference
// tokens. The empty pointer refers to the whole document and has no tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, errors.New(`must be empty or start with "/"`)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		if !strings.Contains(t, "~") {
			continue
		}
		u, ok := unescapeToken(t)
		if !ok {
			return nil, errors.New(`"~" must be followed by "0" or "1"`)
		}
		toks[i] = u
	}
	return toks, nil
}

// unescapeToken turns ~1 into / and ~0 into ~, in that order of precedence
// (so "~01" is "~1"); any other use of ~ is an error.
func unescapeToken(t string) (string, bool) {
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(t) {
			return "", false
		}
		switch t[i+1] {
		case '0':
			b.WriteByte('~')
		case '1':
			b.WriteByte('/')
		default:
			return "", false
		}
		i++
	}
	return b.String(), true
}

var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// formatPointer is the inverse of parsePointer.
func formatPointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(tokenEscaper.Replace(t))
	}
	return b.String()
}

// isProperPrefix reports whether pointer a is a proper prefix of pointer b,
// comparing whole reference tokens ("/a" is a prefix of "/a/b", not of "/ab").
func isProperPrefix(a, b []string) bool {
	if len(a) >= len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// parseIndex parses an array index token, which RFC 6901 restricts to "0" or
// decimal digits without a leading zero. ok is false for any other text
// (including "-", which callers handle themselves). An index too large for an
// int is returned as math.MaxInt, which is out of range for every array.
func parseIndex(tok string) (n int, ok bool) {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if n > (math.MaxInt-d)/10 {
			n = math.MaxInt
		} else {
			n = n*10 + d
		}
	}
	return n, true
}
