// Package freetext implements the free-text rule of the API (spec §2.13):
// the characters a free-text field may contain and its length in Unicode code
// points.
package freetext

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Valid reports whether every character of s belongs to the free-text class:
// ASCII letters and digits, underscore, any Unicode letter (unicode.IsLetter;
// combining marks are not letters), space, tab, line feed, vertical tab
// (U+000B), form feed, carriage return, and exactly the punctuation
// % £ @ & # = ' : ; ` ’ , | ! — – ( ) \ / - + . ? *
// (’ is U+2019, — is U+2014, – is U+2013). Invalid UTF-8 is not valid. The
// empty string is valid.
func Valid(s string) bool {
	_, ok := firstInvalid(s)
	return ok
}

// allowed reports whether r is in the free-text class.
func allowed(r rune) bool {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return true
		}
		switch r {
		case '_', ' ', '\t', '\n', '\v', '\f', '\r',
			'%', '@', '&', '#', '=', '\'', ':', ';', '`', ',', '|', '!',
			'(', ')', '\\', '/', '-', '+', '.', '?', '*':
			return true
		}
		return false
	}
	switch r {
	case '£', '\u2019', '\u2014', '\u2013':
		return true
	}
	return unicode.IsLetter(r)
}

// firstInvalid returns the first character of s outside the class (or
// utf8.RuneError for invalid UTF-8) and false, or 0 and true if s is valid.
func firstInvalid(s string) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return utf8.RuneError, false
			}
		}
		if !allowed(r) {
			return r, false
		}
	}
	return 0, true
}

// Check validates s against the free-text rule with a length limit of min to
// max Unicode code points. It returns "" when s is acceptable, otherwise a
// message meant to follow the field name, for example
// "must be at most 255 characters", "must be at least 1 character",
// "contains a character that is not allowed: '$'" or
// "contains invalid UTF-8". Invalid UTF-8 is reported first, then the length,
// then the first character outside the class.
func Check(s string, min, max int) string {
	if !utf8.ValidString(s) {
		return "contains invalid UTF-8"
	}
	n := utf8.RuneCountInString(s)
	if n > max {
		return "must be at most " + plural(max)
	}
	if n < min {
		return "must be at least " + plural(min)
	}
	if r, ok := firstInvalid(s); !ok {
		return "contains a character that is not allowed: " + show(r)
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// show renders r for a message: '$' for a visible character, U+0301 for
// combining marks, controls, spaces and other invisible characters.
func show(r rune) string {
	if unicode.IsPrint(r) && r != ' ' && !unicode.Is(unicode.M, r) {
		return "'" + string(r) + "'"
	}
	return fmt.Sprintf("U+%04X", r)
}
