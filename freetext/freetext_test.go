package freetext

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// portable is the portable form of the class given in spec §2.13.
var portable = regexp.MustCompile("^[A-Za-z0-9_\\p{L} \\t\\n\\x0B\\f\\r%£@&#=':;`’,|!—–()\\\\/+.?*-]*$")

func TestValid(t *testing.T) {
	valid := []string{
		"",
		"Goodwill refund, outage 2024-02",
		"ABCxyz0189_",
		"é", "ß", "Ł", "日本語", "Ünïcödé façade", "Ελληνικά", "Русский", "עברית", "العربية",
		"a b\tc\nd\ve\ff\rg",
		"% £ @ & # = ' : ; ` ’ , | ! — – ( ) \\ / - + . ? *",
		"INV-2024*", "O’Brien & Sons (UK) Ltd.", "50% off? yes!", "a=b;c:d", "path/to\\file",
		"https://example.com/return?x=1&y=2#frag",
	}
	for _, s := range valid {
		if !Valid(s) {
			t.Errorf("Valid(%q) = false, want true", s)
		}
	}
	invalid := []string{
		`"`, "$", "€", "~", "^", "[", "]", "{", "}", "<", ">",
		"price $5", "say \"hi\"", "a~b", "x<y", "{json}", "€100",
		"٣",       // Arabic-Indic digit three
		"١٢٣",     // Arabic-Indic digits
		"۴",       // extended Arabic-Indic digit
		"５",       // full-width digit
		"e\u0301", // combining acute accent
		"\u0301",  // lone combining mark
		"\u00a0",  // no-break space
		"\u2003",  // em space
		"\u2028",  // line separator
		"\x00", "\x1b", "\x7f", "\u0085",
		"\u2018", "\u201c", "\u201d", // other quotes
		"😀", "\u200b", "\ufeff", "\ufffd",
		"ok\xff", "\xc3", "\xed\xa0\x80", // invalid UTF-8
		"²", "½", "Ⅻ", // other numbers
	}
	for _, s := range invalid {
		if Valid(s) {
			t.Errorf("Valid(%q) = true, want false", s)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		s        string
		min, max int
		want     string
	}{
		{"hello", 0, 255, ""},
		{"", 0, 255, ""},
		{"", 1, 255, "must be at least 1 character"},
		{"ab", 3, 255, "must be at least 3 characters"},
		{strings.Repeat("a", 255), 0, 255, ""},
		{strings.Repeat("a", 256), 0, 255, "must be at most 255 characters"},
		{strings.Repeat("日", 255), 0, 255, ""}, // 765 bytes, 255 code points
		{strings.Repeat("日", 256), 0, 255, "must be at most 255 characters"},
		{strings.Repeat("é", 100), 0, 100, ""},
		{"ab", 0, 1, "must be at most 1 character"},
		{"price $5", 0, 255, "contains a character that is not allowed: '$'"},
		{"a€", 0, 255, "contains a character that is not allowed: '€'"},
		{`say "x"`, 0, 255, "contains a character that is not allowed: '\"'"},
		{"e\u0301", 0, 255, "contains a character that is not allowed: U+0301"},
		{"a\u00a0b", 0, 255, "contains a character that is not allowed: U+00A0"},
		{"a\x00", 0, 255, "contains a character that is not allowed: U+0000"},
		{"٣", 0, 255, "contains a character that is not allowed: '٣'"},
		{"ok\xff", 0, 255, "contains invalid UTF-8"},
		{"\xff" + strings.Repeat("a", 300), 0, 255, "contains invalid UTF-8"},
		{strings.Repeat("$", 300), 0, 255, "must be at most 255 characters"},
	}
	for _, tt := range tests {
		if got := Check(tt.s, tt.min, tt.max); got != tt.want {
			t.Errorf("Check(%.30q, %d, %d) = %q, want %q", tt.s, tt.min, tt.max, got, tt.want)
		}
	}
}

// TestAgreesWithRegexpExhaustive checks every Unicode code point on its own
// and inside a valid string.
func TestAgreesWithRegexpExhaustive(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := "a" + string(r) + "b"
		if Valid(s) != portable.MatchString(s) {
			t.Errorf("U+%04X: Valid = %v, regexp = %v", r, Valid(s), portable.MatchString(s))
		}
	}
}

func FuzzValid(f *testing.F) {
	seeds := []string{
		"", "hello", "Goodwill refund, outage 2024-02", "é ß Ł 日", "price $5", "€", "~^[]{}<>",
		"٣", "e\u0301", "\u0301", "% £ @ & # = ' : ; ` ’ , | ! — – ( ) \\ / - + . ? *",
		"a\vb\fc\rd\te\nf", "\x00", "\xff", "ok\xc3", "\xed\xa0\x80", "\ufffd", "😀", "\u00a0",
		"O’Brien", `"quoted"`, "INV-2024*", "https://example.com/x?y=1", "Ⅻ", "²",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Valid(s)
		if m := portable.MatchString(s); v != m {
			t.Fatalf("Valid(%q) = %v, regexp = %v", s, v, m)
		}
		msg := Check(s, 0, 1<<30)
		if (msg == "") != v {
			t.Fatalf("Check(%q) = %q but Valid = %v", s, msg, v)
		}
	})
}
