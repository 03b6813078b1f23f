package query

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var testSpec = Spec{
	Filters: map[string]Filter{
		"name":                 {Kind: String},
		"percentageDifference": {Kind: Numeric},
		"customerPaymentId":    {Kind: ID},
		"invoiceId":            {Kind: IDEq},
		"dueDate":              {Kind: Date},
		"instantBankPayments":  {Kind: Bool},
		"type":                 {Kind: Enum, Enum: []string{"GO_CARDLESS", "STRIPE", "BACS"}},
		"customerId":           {Kind: Typed},
		"billRunType":          {Kind: Typed, Enum: []string{"NORMAL", "ADHOC"}},
	},
	Sortable:    []string{"id", "name", "amountInMajorCurrency", "paymentDate"},
	Selectable:  []string{"id", "name", "amountInMajorCurrency", "paymentDate", "contractOwnerIds", "metaData"},
	Unsupported: []string{"customerStatus"},
	Other:       map[string]bool{"customer_id": true, "filter": true},
	Paged:       true,
}

// itemSpec is a single-item GET: no paging, fields only.
var itemSpec = Spec{
	Selectable: []string{"id", "name"},
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", raw, err)
	}
	return v
}

// condString renders a Cond for comparison (money.Decimal must be compared
// with Cmp, so numbers are rendered as canonical text).
func condString(c Cond) string {
	var ns []string
	for _, n := range c.Numbers {
		ns = append(ns, n.String())
	}
	return fmt.Sprintf("%s %s s=%q ids=%v n=%v b=%v like=%q", c.Param, c.Op, c.Strings, c.IDs, ns, c.Bool, c.Like)
}

func TestParseValid(t *testing.T) {
	const paging = "page=1&pageSize=100"
	tests := []struct {
		name  string
		query string
		spec  *Spec
		want  List // Conds compared via condString
	}{
		{"paging only", paging, nil, List{Page: 1, PageSize: 100}},
		{"max paging", "page=2147483647&pageSize=1000", nil, List{Page: 2147483647, PageSize: 1000}},
		{"min pageSize", "page=3&pageSize=1", nil, List{Page: 3, PageSize: 1}},
		{"leading zeros", "page=01&pageSize=0050", nil, List{Page: 1, PageSize: 50}},
		{"sort plain", paging + "&sort=id,name", nil, List{Page: 1, PageSize: 100, Sorts: []Sort{{"id", false}, {"name", false}}}},
		{"sort desc", paging + "&sort=name:desc", nil, List{Page: 1, PageSize: 100, Sorts: []Sort{{"name", true}}}},
		{"sort asc and desc", paging + "&sort=paymentDate:desc,id:asc", nil, List{Page: 1, PageSize: 100, Sorts: []Sort{{"paymentDate", true}, {"id", false}}}},
		{"sort percent-encoded", paging + "&sort=paymentDate%3Adesc%2Cid", nil, List{Page: 1, PageSize: 100, Sorts: []Sort{{"paymentDate", true}, {"id", false}}}},
		{"fields schema order", paging + "&fields=name,id", nil, List{Page: 1, PageSize: 100, Fields: []string{"id", "name"}}},
		{"fields nested and array", paging + "&fields=metaData,contractOwnerIds", nil, List{Page: 1, PageSize: 100, Fields: []string{"contractOwnerIds", "metaData"}}},
		{"fields duplicate collapsed", paging + "&fields=id,id", nil, List{Page: 1, PageSize: 100, Fields: []string{"id"}}},
		{"other passthrough", paging + "&customer_id=1001&filter=like:INV-2024*&filter=x", nil, List{Page: 1, PageSize: 100, Other: map[string][]string{"customer_id": {"1001"}, "filter": {"like:INV-2024*", "x"}}}},
		{"item spec fields", "fields=name", &itemSpec, List{Fields: []string{"name"}}},
		{"item spec nothing", "", &itemSpec, List{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := testSpec
			if tt.spec != nil {
				spec = *tt.spec
			}
			got, err := Parse(mustQuery(t, tt.query), spec)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseFilters(t *testing.T) {
	const paging = "page=1&pageSize=100&"
	tests := []struct {
		query string
		want  []string // condString of each Cond
	}{
		// String.
		{"name=acme", []string{`name eq s=["acme"] ids=[] n=[] b=false like=""`}},
		{"name=Acme%20Ltd", []string{`name eq s=["Acme Ltd"] ids=[] n=[] b=false like=""`}},
		{"name=+padded+", []string{`name eq s=[" padded "] ids=[] n=[] b=false like=""`}},
		{"name=in:a,b,c", []string{`name in s=["a" "b" "c"] ids=[] n=[] b=false like=""`}},
		{"name=like:acme", []string{`name like s=[] ids=[] n=[] b=false like="acme"`}},
		{"name=like%3AINV-2024*", []string{`name like s=[] ids=[] n=[] b=false like="INV-2024*"`}},
		{"name=IN:a,b", []string{`name eq s=["IN:a,b"] ids=[] n=[] b=false like=""`}},
		{"name=http://x", []string{`name eq s=["http://x"] ids=[] n=[] b=false like=""`}},
		{"name=in:+a+,++b", []string{`name in s=["a" "b"] ids=[] n=[] b=false like=""`}},
		{"name=in:only", []string{`name in s=["only"] ids=[] n=[] b=false like=""`}},
		{"name=日本", []string{`name eq s=["日本"] ids=[] n=[] b=false like=""`}},
		// Numeric.
		{"percentageDifference=80", []string{`percentageDifference eq s=[] ids=[] n=[80] b=false like=""`}},
		{"percentageDifference=80.00", []string{`percentageDifference eq s=[] ids=[] n=[80] b=false like=""`}},
		{"percentageDifference=-1.5e1", []string{`percentageDifference eq s=[] ids=[] n=[-15] b=false like=""`}},
		{"percentageDifference=gte:80&percentageDifference=lt:100", []string{
			`percentageDifference gte s=[] ids=[] n=[80] b=false like=""`,
			`percentageDifference lt s=[] ids=[] n=[100] b=false like=""`,
		}},
		{"percentageDifference=gt:0.5", []string{`percentageDifference gt s=[] ids=[] n=[0.5] b=false like=""`}},
		{"percentageDifference=lte:99.99", []string{`percentageDifference lte s=[] ids=[] n=[99.99] b=false like=""`}},
		{"percentageDifference=in:1,+2.50+,3e0", []string{`percentageDifference in s=[] ids=[] n=[1 2.5 3] b=false like=""`}},
		// ID.
		{"customerPaymentId=812", []string{`customerPaymentId eq s=[] ids=[812] n=[] b=false like=""`}},
		{"customerPaymentId=in:1,2,3", []string{`customerPaymentId in s=[] ids=[1 2 3] n=[] b=false like=""`}},
		{"customerPaymentId=gt:0", []string{`customerPaymentId gt s=[] ids=[0] n=[] b=false like=""`}},
		{"customerPaymentId=gte:5&customerPaymentId=lte:9", []string{
			`customerPaymentId gte s=[] ids=[5] n=[] b=false like=""`,
			`customerPaymentId lte s=[] ids=[9] n=[] b=false like=""`,
		}},
		{"customerPaymentId=lt:9223372036854775807", []string{`customerPaymentId lt s=[] ids=[9223372036854775807] n=[] b=false like=""`}},
		// IDEq.
		{"invoiceId=5001", []string{`invoiceId eq s=[] ids=[5001] n=[] b=false like=""`}},
		{"invoiceId=in:5001,5002", []string{`invoiceId in s=[] ids=[5001 5002] n=[] b=false like=""`}},
		// Date.
		{"dueDate=2024-04-01", []string{`dueDate eq s=["2024-04-01"] ids=[] n=[] b=false like=""`}},
		{"dueDate=lt:2024-04-01", []string{`dueDate lt s=["2024-04-01"] ids=[] n=[] b=false like=""`}},
		{"dueDate=gtn:2024-02-29", []string{`dueDate gtn s=["2024-02-29"] ids=[] n=[] b=false like=""`}},
		{"dueDate=gte:2024-01-01&dueDate=lte:2024-12-31", []string{
			`dueDate gte s=["2024-01-01"] ids=[] n=[] b=false like=""`,
			`dueDate lte s=["2024-12-31"] ids=[] n=[] b=false like=""`,
		}},
		{"dueDate=gt:2000-02-29", []string{`dueDate gt s=["2000-02-29"] ids=[] n=[] b=false like=""`}},
		// Bool.
		{"instantBankPayments=true", []string{`instantBankPayments eq s=[] ids=[] n=[] b=true like=""`}},
		{"instantBankPayments=false", []string{`instantBankPayments eq s=[] ids=[] n=[] b=false like=""`}},
		// Enum.
		{"type=STRIPE", []string{`type eq s=["STRIPE"] ids=[] n=[] b=false like=""`}},
		{"type=in:GO_CARDLESS,STRIPE", []string{`type in s=["GO_CARDLESS" "STRIPE"] ids=[] n=[] b=false like=""`}},
		{"type=like:card", []string{`type like s=[] ids=[] n=[] b=false like="card"`}},
		// Free text may contain tab, line feed, vertical tab, form feed and carriage return.
		{"name=a%09b%0A%0B%0C%0D", []string{`name eq s=["a\tb\n\v\f\r"] ids=[] n=[] b=false like=""`}},
		{"name=like:%09", []string{`name like s=[] ids=[] n=[] b=false like="\t"`}},
		{"customerPaymentId=9223372036854775807", []string{`customerPaymentId eq s=[] ids=[9223372036854775807] n=[] b=false like=""`}},
		// Typed.
		{"customerId=1001", []string{`customerId eq s=[] ids=[1001] n=[] b=false like=""`}},
		{"billRunType=NORMAL", []string{`billRunType eq s=["NORMAL"] ids=[] n=[] b=false like=""`}},
		// Several filters: sorted by name.
		{"type=BACS&name=x&customerId=1", []string{
			`customerId eq s=[] ids=[1] n=[] b=false like=""`,
			`name eq s=["x"] ids=[] n=[] b=false like=""`,
			`type eq s=["BACS"] ids=[] n=[] b=false like=""`,
		}},
		// Repeated String filter keeps request order.
		{"name=like:a&name=like:b&name=c", []string{
			`name like s=[] ids=[] n=[] b=false like="a"`,
			`name like s=[] ids=[] n=[] b=false like="b"`,
			`name eq s=["c"] ids=[] n=[] b=false like=""`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			l, err := Parse(mustQuery(t, paging+tt.query), testSpec)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			for _, c := range l.Conds {
				got = append(got, condString(c))
			}
			want := tt.want
			if !slices.Equal(got, want) {
				t.Errorf("conds =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const paging = "page=1&pageSize=100&"
	long := strings.TrimSuffix(strings.Repeat("x,", 101), ",")
	hundred := strings.TrimSuffix(strings.Repeat("x,", 100), ",")
	tests := []struct {
		query string
		spec  *Spec
		param string
		msg   string
	}{
		// Paging.
		{query: "pageSize=10", param: "page", msg: "page is required"},
		{query: "page=1", param: "pageSize", msg: "pageSize is required"},
		{query: "", param: "page", msg: "page is required"},
		{query: "page=0&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=-1&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=%2B1&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=1.0&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=abc&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=+1&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=1e2&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=2147483648&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=99999999999999999999999&pageSize=10", param: "page", msg: "page must be an integer >= 1"},
		{query: "page=1&pageSize=0", param: "pageSize", msg: "pageSize must be an integer between 1 and 1000"},
		{query: "page=1&pageSize=1001", param: "pageSize", msg: "pageSize must be an integer between 1 and 1000"},
		{query: "page=1&pageSize=ten", param: "pageSize", msg: "pageSize must be an integer between 1 and 1000"},
		{query: "page=1&page=2&pageSize=10", param: "page", msg: "page must not be repeated"},
		{query: "page=1&pageSize=10&pageSize=10", param: "pageSize", msg: "pageSize must not be repeated"},
		{query: "page=1", spec: &itemSpec, param: "page", msg: "unknown query parameter: page"},
		{query: "pageSize=1", spec: &itemSpec, param: "pageSize", msg: "unknown query parameter: pageSize"},
		{query: "sort=id", spec: &itemSpec, param: "sort", msg: "unknown query parameter: sort"},
		{query: "fields=id", spec: &Spec{}, param: "fields", msg: "unknown query parameter: fields"},
		{query: "fields=bogus", spec: &itemSpec, param: "fields", msg: "fields names an unknown field: bogus"},

		// Unknown and unsupported parameters.
		{query: paging + "foo=1", param: "foo", msg: "unknown query parameter: foo"},
		{query: paging + "Page=1", param: "Page", msg: "unknown query parameter: Page"},
		{query: paging + "customer_Id=1", param: "customer_Id", msg: "unknown query parameter: customer_Id"},
		{query: paging + "=1", param: "", msg: `unknown query parameter: ""`},
		{query: paging + "a%20b=1", param: "a b", msg: `unknown query parameter: "a b"`},
		{query: paging + "customerStatus=ACTIVE", param: "customerStatus", msg: "filter not supported: customerStatus"},
		{query: "zzz=1&aaa=1", param: "aaa", msg: "unknown query parameter: aaa"}, // unknown before missing page, first by name

		// Sort.
		{query: paging + "sort=", param: "sort", msg: "sort has an empty item"},
		{query: paging + "sort=id,", param: "sort", msg: "sort has an empty item"},
		{query: paging + "sort=,id", param: "sort", msg: "sort has an empty item"},
		{query: paging + "sort=foo", param: "sort", msg: "sort names an unknown field: foo"},
		{query: paging + "sort=ID", param: "sort", msg: "sort names an unknown field: ID"},
		{query: paging + "sort=id,+name", param: "sort", msg: `sort names an unknown field: " name"`},
		{query: paging + "sort=contractOwnerIds", param: "sort", msg: "sort names a field that cannot be sorted on: contractOwnerIds"},
		{query: paging + "sort=metaData:desc", param: "sort", msg: "sort names a field that cannot be sorted on: metaData"},
		{query: paging + "sort=id,id:desc", param: "sort", msg: "sort names a field more than once: id"},
		{query: paging + "sort=id:DESC", param: "sort", msg: "sort direction must be asc or desc: id:DESC"},
		{query: paging + "sort=id:", param: "sort", msg: "sort direction must be asc or desc: id:"},
		{query: paging + "sort=id:desc:asc", param: "sort", msg: "sort direction must be asc or desc: id:desc:asc"},
		{query: paging + "sort=:desc", param: "sort", msg: "sort has an empty field name: :desc"},
		{query: paging + "sort=id|name", param: "sort", msg: "sort names an unknown field: id|name"},
		{query: paging + "sort=id&sort=name", param: "sort", msg: "sort must not be repeated"},

		// Fields.
		{query: paging + "fields=", param: "fields", msg: "fields has an empty item"},
		{query: paging + "fields=id,,name", param: "fields", msg: "fields has an empty item"},
		{query: paging + "fields=id,bogus", param: "fields", msg: "fields names an unknown field: bogus"},
		{query: paging + "fields=Id", param: "fields", msg: "fields names an unknown field: Id"},
		{query: paging + "fields=id&fields=name", param: "fields", msg: "fields must not be repeated"},

		// Empty values and bad UTF-8.
		{query: paging + "name=", param: "name", msg: "name must not be empty"},
		{query: paging + "customerId=", param: "customerId", msg: "customerId must not be empty"},
		{query: paging + "name=%FF", param: "name", msg: "name must be valid UTF-8"},

		// String.
		{query: paging + "name=gt:5", param: "name", msg: "name does not accept gt:"},
		{query: paging + "name=gtn:2024-01-01", param: "name", msg: "name does not accept gtn:"},
		{query: paging + "name=like:", param: "name", msg: "name must have a value after like:"},
		{query: paging + "name=in:", param: "name", msg: "name must have a value after in:"},
		{query: paging + "name=in:a,,b", param: "name", msg: "name: in: has an empty item"},
		{query: paging + "name=in:a,+,b", param: "name", msg: "name: in: has an empty item"},
		{query: paging + "name=in:a,", param: "name", msg: "name: in: has an empty item"},
		{query: paging + "name=in:" + long, param: "name", msg: "name: in: takes 1 to 100 items"},

		// Numeric.
		{query: paging + "percentageDifference=like:8", param: "percentageDifference", msg: "percentageDifference does not accept like:"},
		{query: paging + "percentageDifference=gtn:8", param: "percentageDifference", msg: "percentageDifference does not accept gtn:"},
		{query: paging + "percentageDifference=abc", param: "percentageDifference", msg: "percentageDifference must be a number: abc"},
		{query: paging + "percentageDifference=gte:", param: "percentageDifference", msg: "percentageDifference must have a value after gte:"},
		{query: paging + "percentageDifference=gte:%2B80", param: "percentageDifference", msg: "percentageDifference must be a number: +80"},
		{query: paging + "percentageDifference=gte:+80", param: "percentageDifference", msg: `percentageDifference must be a number: " 80"`},
		{query: paging + "percentageDifference=.5", param: "percentageDifference", msg: "percentageDifference must be a number: .5"},
		{query: paging + "percentageDifference=08", param: "percentageDifference", msg: "percentageDifference must be a number: 08"},
		{query: paging + "percentageDifference=%2210%22", param: "percentageDifference", msg: `percentageDifference must be a number: "10"`},
		{query: paging + "percentageDifference=NaN", param: "percentageDifference", msg: "percentageDifference must be a number: NaN"},
		{query: paging + "percentageDifference=1e999999999", param: "percentageDifference", msg: "percentageDifference is out of range: 1e999999999"},
		{query: paging + "percentageDifference=in:1,x", param: "percentageDifference", msg: "percentageDifference must be a number: x"},
		{query: paging + "percentageDifference=GTE:80", param: "percentageDifference", msg: "percentageDifference must be a number: GTE:80"},

		// ID.
		{query: paging + "customerPaymentId=like:8", param: "customerPaymentId", msg: "customerPaymentId does not accept like:"},
		{query: paging + "customerPaymentId=0", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 1: 0"},
		{query: paging + "customerPaymentId=-5", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 1: -5"},
		{query: paging + "customerPaymentId=in:1,0", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 1: 0"},
		{query: paging + "customerPaymentId=gt:-1", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 0: -1"},
		{query: paging + "customerPaymentId=1.5", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 1: 1.5"},
		{query: paging + "customerPaymentId=9223372036854775808", param: "customerPaymentId", msg: "customerPaymentId is out of range (at most 9223372036854775807): 9223372036854775808"},
		{query: paging + "customerPaymentId=gtn:1", param: "customerPaymentId", msg: "customerPaymentId does not accept gtn:"},

		{query: paging + "customerPaymentId=gt:99999999999999999999", param: "customerPaymentId", msg: "customerPaymentId is out of range (at most 9223372036854775807): 99999999999999999999"},
		{query: paging + "customerPaymentId=in:1,9223372036854775808", param: "customerPaymentId", msg: "customerPaymentId is out of range (at most 9223372036854775807): 9223372036854775808"},
		{query: paging + "customerPaymentId=-9223372036854775809", param: "customerPaymentId", msg: "customerPaymentId must be an integer >= 1: -9223372036854775809"},
		{query: paging + "customerId=9223372036854775808", param: "customerId", msg: "customerId is out of range (at most 9223372036854775807): 9223372036854775808"},
		{query: paging + "percentageDifference=9223372036854775808", param: "percentageDifference", msg: "percentageDifference is out of range: 9223372036854775808"},
		{query: paging + "percentageDifference=gt:-9223372036854775809", param: "percentageDifference", msg: "percentageDifference is out of range: -9223372036854775809"},

		// Control characters in text (issue 6 item 7): NUL cannot be stored by PostgreSQL and
		// ends a LIKE pattern on SQLite; no stored text contains the other C0 controls or DEL.
		{query: paging + "name=a%00b", param: "name", msg: "name contains a control character (U+0000)"},
		{query: paging + "name=in:a,b%00", param: "name", msg: "name contains a control character (U+0000)"},
		{query: paging + "name=like:%00", param: "name", msg: "name contains a control character (U+0000)"},
		{query: paging + "name=like:a*%01", param: "name", msg: "name contains a control character (U+0001)"},
		{query: paging + "name=%7F", param: "name", msg: "name contains a control character (U+007F)"},
		{query: paging + "name=x%1B", param: "name", msg: "name contains a control character (U+001B)"},
		{query: paging + "type=like:%00", param: "type", msg: "type contains a control character (U+0000)"},
		{query: paging + "type=GO_CARDLESS%00", param: "type", msg: `type must be one of GO_CARDLESS, STRIPE, BACS: "GO_CARDLESS\x00"`},

		// IDEq.
		{query: paging + "invoiceId=gt:1", param: "invoiceId", msg: "invoiceId does not accept gt:"},
		{query: paging + "invoiceId=like:1", param: "invoiceId", msg: "invoiceId does not accept like:"},
		{query: paging + "invoiceId=0", param: "invoiceId", msg: "invoiceId must be an integer >= 1: 0"},

		// Date.
		{query: paging + "dueDate=2024-02-30", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2024-02-30"},
		{query: paging + "dueDate=2023-02-29", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2023-02-29"},
		{query: paging + "dueDate=2024-13-01", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2024-13-01"},
		{query: paging + "dueDate=2024-4-1", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2024-4-1"},
		{query: paging + "dueDate=0000-01-01", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 0000-01-01"},
		{query: paging + "dueDate=2024-04-01T00:00:00Z", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2024-04-01T00:00:00Z"},
		{query: paging + "dueDate=24-04-01", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 24-04-01"},
		{query: paging + "dueDate=2024%2F04%2F01", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: 2024/04/01"},
		{query: paging + "dueDate=in:2024-01-01", param: "dueDate", msg: "dueDate does not accept in:"},
		{query: paging + "dueDate=like:2024", param: "dueDate", msg: "dueDate does not accept like:"},
		{query: paging + "dueDate=lt:", param: "dueDate", msg: "dueDate must have a value after lt:"},
		{query: paging + "dueDate=LT:2024-01-01", param: "dueDate", msg: "dueDate must be a date YYYY-MM-DD: LT:2024-01-01"},

		// Bool.
		{query: paging + "instantBankPayments=TRUE", param: "instantBankPayments", msg: "instantBankPayments must be true or false"},
		{query: paging + "instantBankPayments=1", param: "instantBankPayments", msg: "instantBankPayments must be true or false"},
		{query: paging + "instantBankPayments=yes", param: "instantBankPayments", msg: "instantBankPayments must be true or false"},
		{query: paging + "instantBankPayments=in:true", param: "instantBankPayments", msg: "instantBankPayments takes a plain value only, not in:"},
		{query: paging + "instantBankPayments=true&instantBankPayments=false", param: "instantBankPayments", msg: "instantBankPayments must not be repeated"},

		// Enum.
		{query: paging + "type=stripe", param: "type", msg: "type must be one of GO_CARDLESS, STRIPE, BACS: stripe"},
		{query: paging + "type=in:STRIPE,PAYPAL", param: "type", msg: "type must be one of GO_CARDLESS, STRIPE, BACS: PAYPAL"},
		{query: paging + "type=gt:A", param: "type", msg: "type does not accept gt:"},

		// Typed.
		{query: paging + "customerId=0", param: "customerId", msg: "customerId must be an integer >= 1: 0"},
		{query: paging + "customerId=abc", param: "customerId", msg: "customerId must be an integer >= 1: abc"},
		{query: paging + "customerId=in:1,2", param: "customerId", msg: "customerId takes a plain value only, not in:"},
		{query: paging + "customerId=gt:1", param: "customerId", msg: "customerId takes a plain value only, not gt:"},
		{query: paging + "customerId=like:1", param: "customerId", msg: "customerId takes a plain value only, not like:"},
		{query: paging + "customerId=1&customerId=2", param: "customerId", msg: "customerId must not be repeated"},
		{query: paging + "billRunType=normal", param: "billRunType", msg: "billRunType must be one of NORMAL, ADHOC: normal"},
		{query: paging + "billRunType=in:NORMAL", param: "billRunType", msg: "billRunType takes a plain value only, not in:"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			spec := testSpec
			if tt.spec != nil {
				spec = *tt.spec
			}
			_, err := Parse(mustQuery(t, tt.query), spec)
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) error = %v, want *Error", tt.query, err)
			}
			if qe.Param != tt.param || qe.Message != tt.msg {
				t.Errorf("Parse(%q) = {%q, %q}, want {%q, %q}", tt.query, qe.Param, qe.Message, tt.param, tt.msg)
			}
			if err.Error() != qe.Message {
				t.Errorf("Error() = %q, want Message", err.Error())
			}
		})
	}

	// Exactly 100 in: items is fine, 101 is not (checked above).
	l, err := Parse(mustQuery(t, paging+"name=in:"+hundred), testSpec)
	if err != nil || len(l.Conds) != 1 || len(l.Conds[0].Strings) != 100 {
		t.Errorf("100 in: items: %v", err)
	}
}

func TestParseLongValueIsShortened(t *testing.T) {
	v := url.Values{"page": {"1"}, "pageSize": {"1"}, "customerId": {strings.Repeat("9", 100000)}}
	_, err := Parse(v, testSpec)
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("error = %.300v", err)
	}
}

func TestParseInvalidKindPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a zero Kind")
		}
	}()
	_, _ = Parse(url.Values{"x": {"1"}}, Spec{Filters: map[string]Filter{"x": {}}})
}

func TestParseValueForOtherParameter(t *testing.T) {
	// The customer-payments "filter" parameter: plain text means contains.
	c, err := ParseValue("filter", "INV-2024", Filter{Kind: String})
	if err != nil || c.Op != OpEq || !slices.Equal(c.Strings, []string{"INV-2024"}) {
		t.Fatalf("ParseValue = %+v, %v", c, err)
	}
	c, err = ParseValue("filter", "in:a, b", Filter{Kind: String})
	if err != nil || c.Op != OpIn || !slices.Equal(c.Strings, []string{"a", "b"}) {
		t.Fatalf("ParseValue in: = %+v, %v", c, err)
	}
}

func TestLikeSQL(t *testing.T) {
	tests := []struct{ like, want string }{
		{"acme", "%acme%"},
		{"INV-2024*", "INV-2024%"},
		{"INV-2024%", "INV-2024%"},
		{"*acme", "%acme"},
		{"a*b%c", "a%b%c"},
		{"*", "%"},
		{"%", "%"},
		{"snake_case", `%snake\_case%`},
		{`back\slash`, `%back\\slash%`},
		{`a_b*`, `a\_b%`},
		{`50\%*`, `50\\%%`},
		{"日本*", "日本%"},
		{"it's", "%it's%"},
	}
	for _, tt := range tests {
		if got := (Cond{Op: OpLike, Like: tt.like}).LikeSQL(); got != tt.want {
			t.Errorf("LikeSQL(%q) = %q, want %q", tt.like, got, tt.want)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{String: "String", Numeric: "Numeric", ID: "ID", IDEq: "IDEq", Date: "Date", Bool: "Bool", Enum: "Enum", Typed: "Typed", 0: "Kind(0)"} {
		t.Run(want, func(t *testing.T) {
			if k.String() != want {
				t.Errorf("Kind(%d).String() = %s", int(k), k)
			}
		})
	}
}

// checkCond reports a Cond whose values do not fit its Op and filter kind.
func checkCond(c Cond, f Filter) error {
	n := len(c.Strings) + len(c.IDs) + len(c.Numbers)
	switch c.Op {
	case OpLike:
		if n != 0 || c.Like == "" {
			return fmt.Errorf("like cond with %d values, pattern %q", n, c.Like)
		}
		if f.Kind != String && f.Kind != Enum {
			return fmt.Errorf("like on kind %v", f.Kind)
		}
		return nil
	case OpIn:
		if n < 1 || n > 100 {
			return fmt.Errorf("in cond with %d values", n)
		}
	case OpEq:
		if f.Kind == Bool {
			if n != 0 {
				return fmt.Errorf("bool cond with %d values", n)
			}
			return nil
		}
		if n != 1 {
			return fmt.Errorf("eq cond with %d values", n)
		}
	case OpGt, OpLt, OpGte, OpLte, OpGtn:
		if n != 1 {
			return fmt.Errorf("%s cond with %d values", c.Op, n)
		}
	default:
		return fmt.Errorf("unknown op %q", c.Op)
	}
	if c.Like != "" {
		return fmt.Errorf("non-like cond with a pattern")
	}
	var field int
	switch f.Kind {
	case String, Enum, Date:
		field = len(c.Strings)
	case Numeric:
		field = len(c.Numbers)
	case ID, IDEq:
		field = len(c.IDs)
	case Typed:
		field = max(len(c.IDs), len(c.Strings))
	}
	if field != n {
		return fmt.Errorf("values in the wrong field for kind %v", f.Kind)
	}
	if !slices.Contains(allowedOps[f.Kind], c.Op) {
		return fmt.Errorf("op %s not allowed for %v", c.Op, f.Kind)
	}
	for _, id := range c.IDs {
		if id < 0 || (id == 0 && (c.Op == OpEq || c.Op == OpIn)) {
			return fmt.Errorf("bad id %d", id)
		}
	}
	for _, s := range c.Strings {
		if f.Kind == Date && !validDate(s) {
			return fmt.Errorf("bad date %q", s)
		}
		if (f.Kind == Enum || f.Kind == Typed) && !slices.Contains(f.Enum, s) {
			return fmt.Errorf("bad enum %q", s)
		}
		if s == "" {
			return fmt.Errorf("empty string value")
		}
	}
	return nil
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"page=1&pageSize=100",
		"page=0&pageSize=100",
		"page=1&pageSize=1001",
		"page=1&page=1&pageSize=1",
		"page=1&pageSize=10&sort=id,name:desc",
		"page=1&pageSize=10&sort=paymentDate%3Adesc%2Cid",
		"page=1&pageSize=10&sort=id,id",
		"page=1&pageSize=10&sort=,",
		"page=1&pageSize=10&sort=:",
		"page=1&pageSize=10&fields=id,name,metaData",
		"page=1&pageSize=10&fields=,",
		"page=1&pageSize=10&name=in:a,b,c",
		"page=1&pageSize=10&name=in:,",
		"page=1&pageSize=10&name=in:%20,%20",
		"page=1&pageSize=10&name=like:*acme%25",
		"page=1&pageSize=10&name=like:",
		"page=1&pageSize=10&name=%FF%FE",
		"page=1&pageSize=10&percentageDifference=gte:80&percentageDifference=lt:100",
		"page=1&pageSize=10&percentageDifference=like:8",
		"page=1&pageSize=10&percentageDifference=1e999999999",
		"page=1&pageSize=10&percentageDifference=in:1,2.5,-3e2",
		"page=1&pageSize=10&customerPaymentId=gt:0",
		"page=1&pageSize=10&customerPaymentId=in:0",
		"page=1&pageSize=10&customerPaymentId=99999999999999999999",
		"page=1&pageSize=10&invoiceId=lt:5",
		"page=1&pageSize=10&dueDate=gtn:2024-02-29",
		"page=1&pageSize=10&dueDate=2023-02-29",
		"page=1&pageSize=10&dueDate=gtn:",
		"page=1&pageSize=10&instantBankPayments=true&instantBankPayments=true",
		"page=1&pageSize=10&instantBankPayments=in:true",
		"page=1&pageSize=10&type=in:GO_CARDLESS,STRIPE",
		"page=1&pageSize=10&type=like:STR*",
		"page=1&pageSize=10&type=stripe",
		"page=1&pageSize=10&customerId=1&billRunType=NORMAL",
		"page=1&pageSize=10&customerId=gt:1",
		"page=1&pageSize=10&customerStatus=x",
		"page=1&pageSize=10&customer_id=1&filter=like:INV-2024*",
		"page=1&pageSize=10&bogus=1",
		"=&&=&page=1",
		"page=1&pageSize=10&name=in:" + strings.Repeat("a,", 100) + "a",
		"page=1&pageSize=10&name=gte:x&name=IN:x",
		"page=1;pageSize=10",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		if v == nil {
			return
		}
		for _, spec := range []Spec{testSpec, itemSpec} {
			l, err := Parse(v, spec)
			if err != nil {
				var qe *Error
				if !errors.As(err, &qe) || qe.Message == "" {
					t.Fatalf("error %v is not a *Error with a message", err)
				}
				continue
			}
			if spec.Paged && (l.Page < 1 || l.PageSize < 1 || l.PageSize > 1000) {
				t.Fatalf("bad paging %d %d", l.Page, l.PageSize)
			}
			for _, c := range l.Conds {
				f, ok := spec.Filters[c.Param]
				if !ok {
					t.Fatalf("cond for unknown param %q", c.Param)
				}
				if err := checkCond(c, f); err != nil {
					t.Fatalf("cond %+v: %v", c, err)
				}
			}
			seen := map[string]bool{}
			for _, s := range l.Sorts {
				if !slices.Contains(spec.Sortable, s.Field) || seen[s.Field] {
					t.Fatalf("bad sort field %q", s.Field)
				}
				seen[s.Field] = true
			}
			for _, fl := range l.Fields {
				if !slices.Contains(spec.Selectable, fl) {
					t.Fatalf("bad field %q", fl)
				}
			}
			for k := range l.Other {
				if !spec.Other[k] {
					t.Fatalf("bad other %q", k)
				}
			}
		}
	})
}
