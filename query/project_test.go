package query

import (
	"strings"
	"testing"
)

func TestProject(t *testing.T) {
	order := []string{"id", "invoiceId", "customerId", "billRunType", "thirdPartyRefundStatus", "description", "errorInfo", "metaData", "amountInMajorCurrency"}
	obj := `{"id":17,"invoiceId":5001,"customerId":1001,"billRunType":"NORMAL","thirdPartyRefundStatus":"PAID","description":"Goodwill refund, outage 2024-02","errorInfo":null,"metaData":{"b": [1, 2.50],  "a":"x"},"amountInMajorCurrency":20.50}`
	tests := []struct {
		fields []string
		want   string
	}{
		{[]string{"id", "invoiceId", "thirdPartyRefundStatus"}, `{"id":17,"invoiceId":5001,"thirdPartyRefundStatus":"PAID"}`},
		{[]string{"thirdPartyRefundStatus", "invoiceId", "id"}, `{"id":17,"invoiceId":5001,"thirdPartyRefundStatus":"PAID"}`}, // schema order
		{[]string{"invoiceId"}, `{"invoiceId":5001}`}, // no implicit id
		{[]string{"errorInfo"}, `{"errorInfo":null}`},
		{[]string{"metaData", "amountInMajorCurrency"}, `{"metaData":{"b": [1, 2.50],  "a":"x"},"amountInMajorCurrency":20.50}`}, // byte for byte
		{[]string{"id", "id"}, `{"id":17}`},
		{nil, obj},
		{[]string{}, obj},
	}
	for _, tt := range tests {
		got, err := Project([]byte(obj), order, tt.fields)
		if err != nil {
			t.Fatalf("Project(%v): %v", tt.fields, err)
		}
		if string(got) != tt.want {
			t.Errorf("Project(%v) = %s, want %s", tt.fields, got, tt.want)
		}
	}

	// Whitespace and key order in the input do not matter.
	spaced := "\n { \"b\" : \"<&>\" ,\t\"a\" : [ 1 , 2 ] } \n"
	got, err := Project([]byte(spaced), []string{"a", "b"}, []string{"b", "a"})
	if err != nil || string(got) != `{"a":[ 1 , 2 ],"b":"<&>"}` {
		t.Errorf("Project(spaced) = %s, %v", got, err)
	}
	// Escaped keys are decoded before matching.
	got, err = Project([]byte(`{"\u0069d":1}`), []string{"id"}, []string{"id"})
	if err != nil || string(got) != `{"id":1}` {
		t.Errorf("Project(escaped key) = %s, %v", got, err)
	}

	bad := []struct {
		obj    string
		fields []string
		msg    string
	}{
		{`[1]`, []string{"id"}, "not a JSON object"},
		{`"x"`, []string{"id"}, "not a JSON object"},
		{`{"id":1`, []string{"id"}, ""},
		{`{"id":}`, []string{"id"}, ""},
		{`{"id":1}{}`, []string{"id"}, "data after the object"},
		{`{"id":1,"id":2}`, []string{"id"}, "duplicate key"},
		{`{"name":"x"}`, []string{"id"}, "missing"},
		{`{"id":1}`, []string{"bogus"}, "not in the schema order"},
		{``, []string{"id"}, ""},
	}
	for _, tt := range bad {
		if _, err := Project([]byte(tt.obj), []string{"id", "name"}, tt.fields); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Project(%q, %v) error = %v, want one containing %q", tt.obj, tt.fields, err, tt.msg)
		}
	}
}
