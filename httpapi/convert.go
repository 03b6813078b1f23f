package httpapi

import (
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/elevatepay/elevatepay/money"
)

// Conversions between domain values and the generated wire models.

func date(s string) openapi_types.Date {
	t, _ := time.Parse("2006-01-02", s)
	return openapi_types.Date{Time: t}
}

func datePtr(s *string) *openapi_types.Date {
	if s == nil {
		return nil
	}
	d := date(*s)
	return &d
}

func dateString(d *openapi_types.Date) *string {
	if d == nil {
		return nil
	}
	s := d.Format("2006-01-02")
	return &s
}

func amount(minor int64, exp int32) money.Decimal { return money.FromMinor(minor, exp) }

func amountPtr(minor *int64, exp int32) *money.Decimal {
	if minor == nil {
		return nil
	}
	d := money.FromMinor(*minor, exp)
	return &d
}

// enum converts an optional enum value between the contract's generated type and the domain's
// (both are strings of the same values; the contract check has validated them).
func enum[T, S ~string](s *S) *T {
	if s == nil {
		return nil
	}
	v := T(*s)
	return &v
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func location(collection string, id int64) string {
	return "/v1/" + collection + "/" + strconv.FormatInt(id, 10)
}

func mapSlice[T, U any](in []T, f func(*T) U) []U {
	out := make([]U, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}
