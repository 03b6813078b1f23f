package httpapi

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// allocated is how many heap bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDeepBodyAllocatesNothing: the depth check runs before anything decodes the body, in
// parseJSON (decode, patch) and in Fingerprint (idempotency). The old decoder allocated 41 MB of
// heap (and 270 MB of stack) for 1 MiB of "[".
func TestDeepBodyAllocatesNothing(t *testing.T) {
	// Not parallel: measures the process's heap allocation (runtime.MemStats), which other tests would add to.
	body := bytes.Repeat([]byte("["), MaxBody)
	var err error
	if n := allocated(func() { _, err = parseJSON(body) }); n > 64<<10 {
		t.Errorf("parseJSON of 1 MiB of [ allocated %d bytes", n)
	}
	if err == nil || err.Error() != "elevatepay error: code=invalid message=request body nests arrays and objects more than 32 levels deep" {
		t.Errorf("err = %v", err)
	}
	if n := allocated(func() { _ = Fingerprint("POST", "/v1/currencies", body) }); n > 64<<10 {
		t.Errorf("Fingerprint of 1 MiB of [ allocated %d bytes", n)
	}
}

func TestCheckShape(t *testing.T) {
	t.Parallel()
	for body, ok := range map[string]bool{
		strings.Repeat("[", 32) + strings.Repeat("]", 32):                              true,
		strings.Repeat("[", 33) + strings.Repeat("]", 33):                              false,
		strings.Repeat("[", 33):                                                        false, // unterminated: still refused first
		`"` + strings.Repeat("[", 100) + `"`:                                           true,
		`["\"` + strings.Repeat("[", 100) + `"]`:                                       true,  // escaped quote stays in the string
		`["\\"` + strings.Repeat(",[", 40) + strings.Repeat("]", 40) + `]`:             false, // escaped backslash ends it
		strings.Repeat(`[{"a":`, 16) + "1" + strings.Repeat("}]", 16):                  true,
		strings.Repeat(`[{"a":`, 16) + `[1]` + strings.Repeat("}]", 16):                false,
		strings.Repeat("[]", 20000):                                                    true,
		strings.Repeat("[]", MaxValues+1):                                              false, // too many values
		"[" + strings.Repeat("0,", MaxValues) + "0]":                                   false,
		"[" + strings.Repeat("0,", MaxValues-2) + "0]":                                 true,
		`["` + strings.Repeat(",", 2*MaxValues) + `"]`:                                 true, // commas in a string are not values
		`{"a":"]]]]]]","b":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`: false,
	} {
		t.Run(fmt.Sprintf("%.40s(%d bytes)", body, len(body)), func(t *testing.T) {
			if got := checkShape([]byte(body)) == nil; got != ok {
				t.Errorf("checkShape(%.60s…) ok = %v, want %v", body, got, ok)
			}
		})
	}
}

// TestValidateBounded: 40,000 unknown keys cost next to nothing to report (kin-openapi alone
// built 30 MB of errors), list 20 and count all.
func TestValidateBounded(t *testing.T) {
	// Not parallel: measures the process's heap allocation (runtime.MemStats), which other tests would add to.
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("{")
	for i := range 40000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%05d":1`, i)
	}
	b.WriteString("}")
	v, err := parseJSON([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	var verr error
	n := allocated(func() { verr = validate(c.Ops["authenticate"].Body, v) })
	if n > 2<<20 {
		t.Errorf("validating 40,000 unknown keys allocated %d bytes", n)
	}
	e := asError(verr)
	if len(e.Fields) != MaxFieldErrors || !strings.HasPrefix(e.Message, "Validation failed for 40003 fields (first 20 listed)") {
		t.Errorf("%d fields, message %q", len(e.Fields), e.Message)
	}
	// The 20 listed are the first in field order.
	if e.Fields[0].Field != "brand" || e.Fields[1].Field != "k00000" || e.Fields[19].Field != "k00018" {
		t.Errorf("fields %v", e.Fields)
	}
}

func TestLessField(t *testing.T) {
	t.Parallel()
	sorted := []string{"a", "a.0", "a.2", "a.10", "a.10.b", "a.x", "ab", "b", "body"}
	for i := range sorted {
		for j := range sorted {
			if got := lessField(sorted[i], sorted[j]); got != (i < j) {
				t.Errorf("lessField(%q, %q) = %v", sorted[i], sorted[j], got)
			}
		}
	}
}
