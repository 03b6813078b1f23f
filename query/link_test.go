package query

import (
	"net/url"
	"testing"
)

func TestLinkHeader(t *testing.T) {
	const base = "https://api.example.com/v1/refunds"
	tests := []struct {
		name     string
		url      string
		page     int
		pageSize int
		total    int64
		want     string
	}{
		{
			name: "spec §2.8 example", url: base + "?customerId=1001&page=2&pageSize=2", page: 2, pageSize: 2, total: 5,
			want: `<https://api.example.com/v1/refunds?customerId=1001&page=1&pageSize=2>; rel="first", ` +
				`<https://api.example.com/v1/refunds?customerId=1001&page=1&pageSize=2>; rel="prev", ` +
				`<https://api.example.com/v1/refunds?customerId=1001&page=3&pageSize=2>; rel="next", ` +
				`<https://api.example.com/v1/refunds?customerId=1001&page=3&pageSize=2>; rel="last"`,
		},
		{
			name: "first page", url: "/v1/refunds?page=1&pageSize=2", page: 1, pageSize: 2, total: 5,
			want: `</v1/refunds?page=1&pageSize=2>; rel="first", </v1/refunds?page=2&pageSize=2>; rel="next", </v1/refunds?page=3&pageSize=2>; rel="last"`,
		},
		{
			name: "last page", url: "/v1/refunds?page=3&pageSize=2", page: 3, pageSize: 2, total: 5,
			want: `</v1/refunds?page=1&pageSize=2>; rel="first", </v1/refunds?page=2&pageSize=2>; rel="prev", </v1/refunds?page=3&pageSize=2>; rel="last"`,
		},
		{
			name: "total zero", url: "/v1/refunds?page=1&pageSize=50", page: 1, pageSize: 50, total: 0,
			want: `</v1/refunds?page=1&pageSize=50>; rel="first", </v1/refunds?page=1&pageSize=50>; rel="last"`,
		},
		{
			name: "total zero, later page", url: "/v1/refunds?page=4&pageSize=50", page: 4, pageSize: 50, total: 0,
			want: `</v1/refunds?page=1&pageSize=50>; rel="first", </v1/refunds?page=1&pageSize=50>; rel="prev", </v1/refunds?page=1&pageSize=50>; rel="last"`,
		},
		{
			name: "beyond last", url: "/v1/refunds?page=10&pageSize=2", page: 10, pageSize: 2, total: 5,
			want: `</v1/refunds?page=1&pageSize=2>; rel="first", </v1/refunds?page=3&pageSize=2>; rel="prev", </v1/refunds?page=3&pageSize=2>; rel="last"`,
		},
		{
			name: "exact multiple", url: "/v1/refunds?page=1&pageSize=5", page: 1, pageSize: 5, total: 10,
			want: `</v1/refunds?page=1&pageSize=5>; rel="first", </v1/refunds?page=2&pageSize=5>; rel="next", </v1/refunds?page=2&pageSize=5>; rel="last"`,
		},
		{
			name: "single page", url: "/v1/refunds?page=1&pageSize=1000", page: 1, pageSize: 1000, total: 1000,
			want: `</v1/refunds?page=1&pageSize=1000>; rel="first", </v1/refunds?page=1&pageSize=1000>; rel="last"`,
		},
		{
			name: "filters re-encoded, sorted, repeated values kept",
			url:  "/v1/customer-credit-status?pageSize=500&percentageDifference=gte%3A80&page=2&percentageDifference=lt:100&sort=customerId:desc&filter=like:a%20b*",
			page: 2, pageSize: 500, total: 1200,
			want: `</v1/customer-credit-status?filter=like%3Aa+b%2A&page=1&pageSize=500&percentageDifference=gte%3A80&percentageDifference=lt%3A100&sort=customerId%3Adesc>; rel="first", ` +
				`</v1/customer-credit-status?filter=like%3Aa+b%2A&page=1&pageSize=500&percentageDifference=gte%3A80&percentageDifference=lt%3A100&sort=customerId%3Adesc>; rel="prev", ` +
				`</v1/customer-credit-status?filter=like%3Aa+b%2A&page=3&pageSize=500&percentageDifference=gte%3A80&percentageDifference=lt%3A100&sort=customerId%3Adesc>; rel="next", ` +
				`</v1/customer-credit-status?filter=like%3Aa+b%2A&page=3&pageSize=500&percentageDifference=gte%3A80&percentageDifference=lt%3A100&sort=customerId%3Adesc>; rel="last"`,
		},
		{
			name: "angle brackets escaped", url: "/v1/customers?customerName=%3E%3C&page=1&pageSize=1", page: 1, pageSize: 1, total: 2,
			want: `</v1/customers?customerName=%3E%3C&page=1&pageSize=1>; rel="first", </v1/customers?customerName=%3E%3C&page=2&pageSize=1>; rel="next", </v1/customers?customerName=%3E%3C&page=2&pageSize=1>; rel="last"`,
		},
		{
			name: "huge total", url: "/v1/x?page=1&pageSize=1", page: 1, pageSize: 1, total: 1 << 40,
			want: `</v1/x?page=1&pageSize=1>; rel="first", </v1/x?page=2&pageSize=1>; rel="next", </v1/x?page=1099511627776&pageSize=1>; rel="last"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			before := u.String()
			if got := LinkHeader(u, tt.page, tt.pageSize, tt.total); got != tt.want {
				t.Errorf("LinkHeader =\n%s\nwant\n%s", got, tt.want)
			}
			if u.String() != before {
				t.Errorf("LinkHeader modified its URL: %s", u)
			}
		})
	}
}
