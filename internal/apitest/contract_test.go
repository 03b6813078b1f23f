package apitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestValidatorCatchesViolations proves the contract check can fail: responses that break the
// contract in different ways are each reported.
func TestValidatorCatchesViolations(t *testing.T) {
	jsonHdr := http.Header{"Content-Type": []string{"application/json"}}
	good := `{"id":1,"contractOwnerId":7,"customerName":"Acme","customerAccountNumber":null,"currencyId":1,"creditThreshold":null,"openBillRunValue":0}`
	cases := []struct {
		name, target string
		status       int
		body         string
		ok           bool
	}{
		{"valid customer", "/v1/customers/1", 200, good, true},
		{"missing field", "/v1/customers/1", 200, strings.Replace(good, `"customerName":"Acme",`, "", 1), false},
		{"wrong type", "/v1/customers/1", 200, strings.Replace(good, `"currencyId":1`, `"currencyId":"1"`, 1), false},
		{"narrowed by fields", "/v1/customers/1?fields=id", 200, `{"id":1}`, true},
		{"narrowed, wrong type", "/v1/customers/1?fields=id", 200, `{"id":"1"}`, false},
		{"narrowed, unknown field", "/v1/customers/1?fields=id", 200, `{"id":1,"bogus":2}`, false},
		{"narrowed list", "/v1/customers?page=1&pageSize=5&fields=id,customerName", 200, `[{"id":1,"customerName":"Acme"}]`, true},
		{"list missing field", "/v1/customers?page=1&pageSize=5", 200, `[{"id":1,"customerName":"Acme"}]`, false},
		{"undocumented status", "/v1/customers/1", 201, good, true}, // covered by default → must be an Error body
		{"error body wrong", "/v1/customers/1", 404, `{"message":"x"}`, false},
		{"error body right", "/v1/customers/1", 404, `{"timestamp":"2024-01-01T00:00:00Z","status":404,"error":"Not Found","message":"customer not found","path":"/v1/customers/1"}`, true},
		{"unknown route success", "/v1/nothing", 200, `{}`, false},
	}
	for _, tc := range cases {
		req := httptest.NewRequest("GET", tc.target, nil)
		err := validateResponse(req, tc.status, jsonHdr, []byte(tc.body))
		if tc.name == "undocumented status" {
			if err == nil {
				t.Errorf("%s: a customer object under the default (Error) response passed", tc.name)
			}
			continue
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
