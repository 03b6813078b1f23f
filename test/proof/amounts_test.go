package proof

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// Amount edge cases of spec §2.11 (money and decimals), OP-13 (strings, exponent notation),
// OP-16 (zero), and the documented ranges of each amount field:
//
//	invoice / adhoc invoice payment  [-100000 .. 100000], not 0   (§4.6, §4.9)
//	customer payment                 [0.01 .. 9999999.99]         (§4.17)
//	balance adjustment               [-100000 .. 100000], not 0   (§4.20)
//	refund                           [0.01 .. 100000]             (§4.12)
//
// in GBP (2 decimals), JPY (0) and BHD (3).

type currency struct {
	code string
	id   int64
	exp  int
}

// amountCase is one amount literal sent as written. ok: accepted with the amount echoed as out;
// otherwise 400, naming amountInMajorCurrency when named.
type amountCase struct {
	lit   string
	ok    bool
	out   string
	named bool
}

func accept(lit, out string) amountCase { return amountCase{lit: lit, ok: true, out: out} }
func reject(lit string) amountCase      { return amountCase{lit: lit, named: true} }
func rejectZero(lit string) amountCase  { return amountCase{lit: lit} } // 400; the message may name the rule instead

// common are the precision, zero, type, exponent and size cases of one currency.
func common(cur currency) []amountCase {
	zero := []amountCase{rejectZero("0"), rejectZero("-0"), rejectZero("0.0"), rejectZero("-0.0"), rejectZero("0e5")}
	huge := []amountCase{reject("1e30"), reject("99999999999999999999"), reject("-1e30"), reject("-99999999999999999999")}
	var cs []amountCase
	switch cur.code {
	case "GBP":
		cs = []amountCase{reject("10.123"), reject("0.001"), accept("10.12", "10.12"), accept("10.1", "10.1"), accept("10.50", "10.5"),
			accept("100.00", "100"), accept("1.05e1", "10.5"), accept("105E-1", "10.5"), accept("1.001e2", "100.1"), reject("1.0001e1"),
			reject(`"10.50"`), reject(`"10"`)}
	case "JPY":
		cs = []amountCase{reject("1.5"), reject("10.01"), accept("15", "15"), accept("1.5e1", "15"), accept("1E2", "100"),
			reject("15e-1"), reject(`"15"`)}
	case "BHD":
		cs = []amountCase{reject("1.0001"), reject("0.0005"), accept("1.001", "1.001"), accept("1.010", "1.01"), accept("1.05e1", "10.5"),
			accept("2.5e-2", "0.025"), reject("1.00001e1"), reject(`"1.001"`)}
	}
	return append(append(cs, zero...), huge...)
}

// major writes n major units plus frac minor units of the currency ("100000.01" for GBP).
func major(cur currency, n int64, frac int64) string {
	p := int64(1)
	for i := 0; i < cur.exp; i++ {
		p *= 10
	}
	return fmtMinor(n*p+frac, cur.exp)
}

func TestAmountEdgeCases(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		curs := []currency{{code: "GBP", id: 1, exp: 2}}
		for _, x := range []struct {
			name, code, maj, min string
			dp                   int
		}{{"Japanese yen", "JPY", "yen", "sen", 0}, {"Bahraini dinar", "BHD", "dinars", "fils", 3}} {
			o := c.post(t, "/v1/currencies", map[string]any{"name": x.name, "code": x.code, "majorCurrencyName": x.maj, "minorCurrencyName": x.min, "decimalPlaces": x.dp}).want(t, 201).obj(t)
			curs = append(curs, currency{code: x.code, id: id(t, o, "id"), exp: x.dp})
		}
		var cases int
		for _, cur := range curs {
			one := major(cur, 1, 0)
			over := func(n int64) string { return major(cur, n, 1) } // the smallest amount above n

			// Invoice payments: one customer, a normal invoice of 500000 so every accepted amount fits.
			cust, site := c.customer(t, cur.id, nil, "")
			inv := c.invoice(t, cust, site, "NORMAL", major(cur, 500000, 0), "2024-01-01", "2024-01-31")
			ip := append(common(cur),
				accept(major(cur, 100000, 0), major(cur, 100000, 0)), reject(over(100000)),
				accept("-"+major(cur, 100000, 0), "-"+major(cur, 100000, 0)), // a correction the cover rule allows (100000 was just paid)
				reject("-"+over(100000)), accept("-"+one, "-"+one))
			cases += runAmounts(t, c, cur, "invoice payment", "/v1/invoice-payments", 201, ip, func(a json.RawMessage) map[string]any {
				return map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": a, "description": "Edge", "paymentMethod": "CHEQUE"}
			})

			// Adhoc invoice payments: same rules on the sibling endpoint.
			adhoc := c.invoice(t, cust, site, "ADHOC", major(cur, 500000, 0), "2024-01-01", "2024-01-31")
			cases += runAmounts(t, c, cur, "adhoc invoice payment", "/v1/adhoc-invoice-payments", 201, append(common(cur),
				accept(major(cur, 100000, 0), major(cur, 100000, 0)), reject(over(100000))), func(a json.RawMessage) map[string]any {
				return map[string]any{"generatedAdhocInvoiceId": adhoc, "amountInMajorCurrency": a, "description": "Edge", "paymentMethod": "BACS"}
			})

			// Customer payments: a customer without invoices (everything stays credit).
			cust2, _ := c.customer(t, cur.id, nil, "")
			cp := common(cur)
			switch cur.code {
			case "GBP":
				cp = append(cp, accept("0.01", "0.01"), reject("0.009"), accept("9999999.99", "9999999.99"), reject("10000000"), reject("9999999.991"))
			case "JPY":
				cp = append(cp, reject("0.01"), accept("1", "1"), accept("9999999", "9999999"), reject("9999999.99"), reject("10000000"))
			case "BHD":
				cp = append(cp, accept("0.01", "0.01"), reject("0.009"), accept("9999999.99", "9999999.99"), reject("9999999.991"), reject("10000000"))
			}
			cp = append(cp, reject("-"+one), reject("-0.01"))
			cases += runAmounts(t, c, cur, "customer payment", "/v1/customer-payments", 200, cp, func(a json.RawMessage) map[string]any {
				return map[string]any{"customerId": cust2, "amountInMajorCurrency": a, "type": "BACS"}
			})

			// Balance adjustments: the negative bound is reachable here.
			cust3, _ := c.customer(t, cur.id, nil, "")
			cases += runAmounts(t, c, cur, "balance adjustment", "/v1/customer-balance-adjustments", 200, append(common(cur),
				accept(major(cur, 100000, 0), major(cur, 100000, 0)), reject(over(100000)),
				accept("-"+major(cur, 100000, 0), "-"+major(cur, 100000, 0)), reject("-"+over(100000)),
				accept("-"+one, "-"+one)), func(a json.RawMessage) map[string]any {
				return map[string]any{"customerId": cust3, "amountInMajorCurrency": a, "description": "Edge"}
			})

			// Refunds: 400000 collected first, so only the amount rules decide.
			cust4, site4 := c.customer(t, cur.id, nil, "")
			inv4 := c.invoice(t, cust4, site4, "NORMAL", major(cur, 500000, 0), "2024-01-01", "2024-01-31")
			for i := 0; i < 4; i++ {
				c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv4, "amountInMajorCurrency": json.RawMessage(major(cur, 100000, 0)),
					"description": "Collected", "paymentMethod": "CHEQUE"}).want(t, 201)
			}
			rf := common(cur)
			if cur.exp > 0 {
				rf = append(rf, accept("0.01", "0.01"))
			} else {
				rf = append(rf, reject("0.01"), accept("1", "1"))
			}
			rf = append(rf, accept(major(cur, 100000, 0), major(cur, 100000, 0)), reject(over(100000)), reject("-"+one), reject("-0.01"))
			cases += runAmounts(t, c, cur, "refund", "/v1/refunds", 201, rf, func(a json.RawMessage) map[string]any {
				return map[string]any{"invoiceId": inv4, "amountInMajorCurrency": a, "paymentMethod": "CHEQUE"}
			})

			// Every statement still adds up.
			for _, cu := range []int64{cust, cust2, cust3, cust4} {
				checkRunning(t, c.statement(t, cu), cur.exp)
			}
		}

		// Precedence (§2.10): 400 for documented constraints (range, type) comes before 404 for a
		// referenced resource, which comes before 400 for currency precision.
		for _, x := range []struct {
			path string
			body map[string]any
			want int
		}{
			{"/v1/invoice-payments", map[string]any{"generatedInvoiceId": 999999, "amountInMajorCurrency": json.RawMessage("10.123"), "description": "P", "paymentMethod": "CHEQUE"}, 404},
			{"/v1/invoice-payments", map[string]any{"generatedInvoiceId": 999999, "amountInMajorCurrency": json.RawMessage("100000.01"), "description": "P", "paymentMethod": "CHEQUE"}, 400},
			{"/v1/invoice-payments", map[string]any{"generatedInvoiceId": 999999, "amountInMajorCurrency": "10", "description": "P", "paymentMethod": "CHEQUE"}, 400},
			{"/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": 999999, "amountInMajorCurrency": json.RawMessage("10.123"), "description": "P", "paymentMethod": "CHEQUE"}, 404},
			{"/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": 999999, "amountInMajorCurrency": json.RawMessage("1e30"), "description": "P", "paymentMethod": "CHEQUE"}, 400},
			{"/v1/customer-payments", map[string]any{"customerId": 999999, "amountInMajorCurrency": json.RawMessage("10.123"), "type": "BACS"}, 404},
			{"/v1/customer-payments", map[string]any{"customerId": 999999, "amountInMajorCurrency": json.RawMessage("0"), "type": "BACS"}, 400},
			{"/v1/customer-payments", map[string]any{"customerId": 999999, "amountInMajorCurrency": json.RawMessage("10000000"), "type": "BACS"}, 400},
			{"/v1/customer-balance-adjustments", map[string]any{"customerId": 999999, "amountInMajorCurrency": json.RawMessage("10.123")}, 404},
			{"/v1/customer-balance-adjustments", map[string]any{"customerId": 999999, "amountInMajorCurrency": json.RawMessage("-100000.01")}, 400},
			{"/v1/refunds", map[string]any{"invoiceId": 999999, "amountInMajorCurrency": json.RawMessage("10.123"), "paymentMethod": "CHEQUE"}, 404},
			{"/v1/refunds", map[string]any{"invoiceId": 999999, "amountInMajorCurrency": json.RawMessage("0"), "paymentMethod": "CHEQUE"}, 400},
			{"/v1/refunds", map[string]any{"invoiceId": 999999, "amountInMajorCurrency": json.RawMessage("100000.01"), "paymentMethod": "CHEQUE"}, 400},
		} {
			cases++
			r, err := c.send("POST", x.path, x.body, nil)
			if err != nil || r.status != x.want {
				t.Errorf("precedence (§2.10: constraints 400 → referenced 404 → precision 400): want %d; got %v %v", x.want, err, r)
			}
		}
		t.Logf("amount edge cases: %d requests over 5 endpoints × GBP/JPY/BHD", cases)
	})
}

// runAmounts posts each case to path and checks the status, the echoed amount and that a
// rejected request changed nothing on the customer's statement.
func runAmounts(t *testing.T, c *client, cur currency, what, path string, okStatus int, cases []amountCase, body func(json.RawMessage) map[string]any) int {
	t.Helper()
	for _, k := range cases {
		r, err := c.send("POST", path, body(json.RawMessage(k.lit)), nil)
		if err != nil {
			t.Errorf("%s %s %s: %v", cur.code, what, k.lit, err)
			continue
		}
		if k.ok {
			if r.status != okStatus {
				t.Errorf("%s %s amount %s: want %d (spec §2.11: exact precision / exponent notation accepted; documented range inclusive); got %s", cur.code, what, k.lit, okStatus, r)
				continue
			}
			if got := num(r.obj(t), "amountInMajorCurrency"); got != k.out {
				t.Errorf("%s %s amount %s: echoed as %s, want %s (§2.11 shortest exact output)", cur.code, what, k.lit, got, k.out)
			}
			continue
		}
		if r.status != 400 {
			t.Errorf("%s %s amount %s: want 400; got %s", cur.code, what, k.lit, r)
			continue
		}
		if k.named && !namesField(r, "amountInMajorCurrency") {
			t.Errorf("%s %s amount %s: the 400 does not name amountInMajorCurrency (§2.9): %s", cur.code, what, k.lit, r.body)
		}
	}
	return len(cases)
}

// TestAmountOutput checks the bytes of amounts in responses (§2.11 output rule) where a float
// implementation would show noise, trailing zeros or -0, and the rounding of
// percentageDifference (half away from zero, OP-14).
func TestAmountOutput(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		var checks int
		field := func(where string, o map[string]any, k, want string) {
			t.Helper()
			checks++
			if got := num(o, k); got != want {
				t.Errorf("%s: %s is %s, want exactly %s (§2.11)", where, k, got, want)
			}
		}
		raw := func(where string, r *resp, frag string) {
			t.Helper()
			checks++
			if !strings.Contains(string(r.body), frag) {
				t.Errorf("%s: response does not contain %s: %s", where, frag, r.body)
			}
		}

		// 0.1 + 0.2 paid in two payments on an invoice of 1.00 leaves exactly 0.7 outstanding.
		cust, site := c.customer(t, 1, nil, "")
		inv := c.invoice(t, cust, site, "NORMAL", "1", "2024-01-01", "2024-01-31")
		p1 := c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": json.RawMessage("0.1"), "description": "a", "paymentMethod": "CHEQUE"}).want(t, 201)
		raw("payment 0.1", p1, `"amountInMajorCurrency":0.1,`)
		c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": json.RawMessage("0.2"), "description": "b", "paymentMethod": "CHEQUE"}).want(t, 201)
		g := c.get(t, fmt.Sprintf("/v1/invoices/%d", inv)).want(t, 200)
		raw("invoice after 0.1 + 0.2", g, `"outstandingInMajorCurrency":0.7,`)
		b := c.get(t, fmt.Sprintf("/v1/customer-balances?customer_id=%d", cust)).want(t, 200)
		raw("balance after 0.1 + 0.2", b, `"balance":-0.7,`)
		raw("balance after 0.1 + 0.2", b, `"totalPayments":0.3,`)
		st := c.statement(t, cust)
		if len(st) == 3 {
			field("statement", st[1], "resultingCustomerBalance", "-0.9")
			field("statement", st[2], "resultingCustomerBalance", "-0.7")
		} else {
			t.Errorf("statement: %v", st)
		}

		// A customer payment settling the rest brings everything to exactly 0, never -0.
		cp := c.post(t, "/v1/customer-payments", map[string]any{"customerId": cust, "amountInMajorCurrency": json.RawMessage("0.70"), "type": "BACS"}).want(t, 200)
		raw("customer payment 0.70", cp, `"amountInMajorCurrency":0.7,`)
		raw("customer payment 0.70", cp, `"resultingCustomerBalance":0,`)
		g = c.get(t, fmt.Sprintf("/v1/invoices/%d", inv)).want(t, 200)
		raw("settled invoice", g, `"outstandingInMajorCurrency":0,`)
		raw("settled invoice", g, `"paymentStatus":"PAID"`)
		c.post(t, "/v1/customer-balance-adjustments", map[string]any{"customerId": cust, "amountInMajorCurrency": json.RawMessage("-0.10"), "description": "x"}).want(t, 200)
		adj := c.post(t, "/v1/customer-balance-adjustments", map[string]any{"customerId": cust, "amountInMajorCurrency": json.RawMessage("0.1"), "description": "y"}).want(t, 200)
		raw("adjustment 0.1", adj, `"amountInMajorCurrency":0.1,`)
		b = c.get(t, fmt.Sprintf("/v1/customer-balances?customer_id=%d", cust)).want(t, 200)
		raw("balance back to zero", b, `"balance":0,`)
		st = c.statement(t, cust)
		field("statement", st[len(st)-1], "resultingCustomerBalance", "0")
		field("statement", st[len(st)-2], "resultingCustomerBalance", "-0.1")

		// 10.1 stays 10.1; 10.50 is written 10.5; 100.00 is written 100.
		inv2 := c.invoice(t, cust, site, "ADHOC", "300", "2024-01-02", "2024-01-31")
		for lit, want := range map[string]string{"10.1": "10.1", "10.50": "10.5", "100.00": "100"} {
			t.Run(lit, func(t *testing.T) {
				r := c.post(t, "/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": inv2, "amountInMajorCurrency": json.RawMessage(lit), "description": "f", "paymentMethod": "BACS"}).want(t, 201)
				field("adhoc payment "+lit, r.obj(t), "amountInMajorCurrency", want)
			})
		}
		g = c.get(t, fmt.Sprintf("/v1/invoices/%d", inv2)).want(t, 200)
		field("adhoc invoice 300 − 120.6", g.obj(t), "outstandingInMajorCurrency", "179.4")
		rf := c.post(t, "/v1/refunds", map[string]any{"invoiceId": inv2, "billRunType": "ADHOC", "paymentMethod": "BACS", "amountInMajorCurrency": json.RawMessage("20.60")}).want(t, 201)
		field("refund 20.60", rf.obj(t), "amountInMajorCurrency", "20.6")
		rf = c.post(t, "/v1/refunds", map[string]any{"invoiceId": inv2, "billRunType": "ADHOC", "paymentMethod": "BACS"}).want(t, 201)
		field("default refund of the rest", rf.obj(t), "amountInMajorCurrency", "100")
		g = c.get(t, fmt.Sprintf("/v1/invoices/%d", inv2)).want(t, 200)
		field("refunded adhoc invoice", g.obj(t), "outstandingInMajorCurrency", "179.4")
		if s := str(g.obj(t), "paymentStatus"); s != "REFUNDED" {
			t.Errorf("adhoc invoice fully refunded: paymentStatus %s, want REFUNDED (§6.3.2 row 3)", s)
		}

		// JPY and BHD amounts are written with their own precision.
		jpy := c.post(t, "/v1/currencies", map[string]any{"name": "Japanese yen", "code": "JPY", "majorCurrencyName": "yen", "minorCurrencyName": "sen", "decimalPlaces": 0}).want(t, 201).obj(t)
		bhd := c.post(t, "/v1/currencies", map[string]any{"name": "Bahraini dinar", "code": "BHD", "majorCurrencyName": "dinars", "minorCurrencyName": "fils", "decimalPlaces": 3}).want(t, 201).obj(t)
		jc, js := c.customer(t, id(t, jpy, "id"), nil, "")
		ji := c.invoice(t, jc, js, "NORMAL", "5000", "2024-01-01", "2024-01-31")
		c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": ji, "amountInMajorCurrency": 1234, "description": "y", "paymentMethod": "BACS"}).want(t, 201)
		field("JPY invoice", c.get(t, fmt.Sprintf("/v1/invoices/%d", ji)).want(t, 200).obj(t), "outstandingInMajorCurrency", "3766")
		bc, bs := c.customer(t, id(t, bhd, "id"), nil, "")
		bi := c.invoice(t, bc, bs, "NORMAL", "1.5", "2024-01-01", "2024-01-31")
		c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": bi, "amountInMajorCurrency": json.RawMessage("0.001"), "description": "z", "paymentMethod": "BACS"}).want(t, 201)
		field("BHD invoice", c.get(t, fmt.Sprintf("/v1/invoices/%d", bi)).want(t, 200).obj(t), "outstandingInMajorCurrency", "1.499")
		field("BHD balance", c.get(t, fmt.Sprintf("/v1/customer-balances?customer_id=%d", bc)).want(t, 200).obj(t), "balance", "-1.499")

		// percentageDifference = billAmount / creditThreshold × 100, 2 dp, half away from zero.
		for _, x := range []struct{ threshold, openBill, invoice, billAmount, diff, pct string }{
			{"800", "0", "1", "1", "799", "0.13"},            // 0.125 → 0.13 (not 0.12)
			{"3", "0", "2", "2", "1", "66.67"},               // 66.666… → 66.67
			{"3", "0", "1", "1", "2", "33.33"},               // 33.333… → 33.33
			{"8", "0.5", "0.5", "1", "7", "12.5"},            // 12.50 is written 12.5
			{"0.01", "0", "0.01", "0.01", "0", "100"},        // 100.00 → 100
			{"500", "60", "360", "420", "80", "84"},          // the §6.13 example
			{"100", "0", "150.5", "150.5", "-50.5", "150.5"}, // over the threshold: negative difference
		} {
			th := x.threshold
			cu, si := c.customer(t, 1, &th, x.openBill)
			c.invoice(t, cu, si, "NORMAL", x.invoice, "2024-01-01", "2024-01-31")
			cs := c.get(t, fmt.Sprintf("/v1/customer-credit-status?customerId=%d&page=1&pageSize=10", cu)).want(t, 200).arr(t)
			if len(cs) != 1 {
				t.Errorf("credit status of customer %d: %v", cu, cs)
				continue
			}
			where := fmt.Sprintf("credit status (threshold %s, open bill run %s, invoice %s)", x.threshold, x.openBill, x.invoice)
			field(where, cs[0], "creditThreshold", x.threshold)
			field(where, cs[0], "billAmount", x.billAmount)
			field(where, cs[0], "valueDifference", x.diff)
			field(where, cs[0], "percentageDifference", x.pct)
			field(where, cs[0], "openBillRunValue", x.openBill)
		}
		t.Logf("amount output: %d exact-bytes checks", checks)
	})
}
