package httpapi_test

import (
	"fmt"
	"math/big"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/ledger"
)

// TestLedgerDocWorkedExample runs the worked example of docs/ledger.md over HTTP on every engine
// and checks every figure it shows. The expected figures below were worked out by hand from the
// spec (§6.1, §6.2, §6.3, §6.6, §6.13); the test checks that the server produces them AND that
// the document's tables show exactly them, so the document and the server cannot drift apart.
func TestLedgerDocWorkedExample(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../docs/ledger.md")
	if err != nil {
		t.Fatalf("read docs/ledger.md: %v", err)
	}
	doc := string(raw)

	// ---- the expected figures (spec arithmetic) ----

	// Step 1: the invoices (number, billRunType, invoiceDate, dueDate, total).
	wantInvoices := [][]string{
		{"INV-1", "NORMAL", "2024-01-01", "2024-01-31", "80"},
		{"INV-2", "NORMAL", "2024-02-01", "2024-02-29", "120"},
		{"ADH-1", "ADHOC", "2024-02-10", "2024-03-10", "45"},
	}
	// Step 2: allocation of 150 oldest first (invoice, outstanding before, allocated, outstanding after, status after).
	wantAlloc := [][]string{
		{"INV-1", "80", "80", "0", "PAID"},
		{"INV-2", "120", "70", "50", "PARTIALLY_PAID"},
		{"ADH-1", "45", "0", "45", "UNPAID"},
	}
	// The statement after steps 1–4 (#, txnType, customerPaymentType, invoiceNumber, amount, resultingCustomerBalance).
	wantStatement := [][]string{
		{"1", "INVOICE_CREATED", "INVOICE", "INV-1", "-80", "-80"},
		{"2", "INVOICE_CREATED", "INVOICE", "INV-2", "-120", "-200"},
		{"3", "ADHOC_INVOICE_CREATED", "ADHOC_INVOICE", "ADH-1", "-45", "-245"},
		{"4", "PAYMENT", "CUSTOMER", "null", "150", "-95"},
		{"5", "REFUND", "INVOICE", "INV-1", "-30", "-125"},
		{"6", "BALANCE_ADJUSTMENT", "CUSTOMER", "null", "-12.5", "-137.5"},
	}
	// Invoices at the end (invoice, total, net collected, refunds settled, outstanding, available to collect, refundable, paymentStatus).
	wantFinal := [][]string{
		{"INV-1", "80", "80", "30", "0", "0", "50", "PART_REFUNDED"},
		{"INV-2", "120", "70", "0", "50", "50", "70", "PARTIALLY_PAID"},
		{"ADH-1", "45", "0", "0", "45", "45", "0", "UNPAID"},
	}
	// GET /customer-balances (balance, totalPayments, totalPaymentsSinceLastInvoice, paymentMethodSummary, repaymentPlanSummary).
	wantBalance := [][]string{{"-137.5", "150", "150", "SINGLE BACS", "NONE"}}
	// GET /customer-credit-status (creditThreshold, openBillRunValue, billAmount, valueDifference, percentageDifference).
	wantCredit := [][]string{{"500", "60", "197.5", "302.5", "39.5"}}

	// ---- the document shows exactly these figures ----

	ldocSameRows(t, "doc: step 1 invoices", ldocTable(t, doc, "**Step 1 — three invoices.**"), wantInvoices)
	ldocSameRows(t, "doc: allocation", ldocTable(t, doc, "#### Allocation of the £150 customer payment"), wantAlloc)
	ldocSameRows(t, "doc: statement", ldocTable(t, doc, "#### Statement"), wantStatement)
	ldocSameRows(t, "doc: invoices at the end", ldocTable(t, doc, "#### Invoices at the end"), wantFinal)
	ldocSameRows(t, "doc: customer balance", ldocTable(t, doc, "#### Customer balance"), wantBalance)
	ldocSameRows(t, "doc: credit status", ldocTable(t, doc, "#### Credit status"), wantCredit)
	// Prose is compared with runs of white space collapsed, so re-wrapping lines changes nothing.
	flat := strings.Join(strings.Fields(doc), " ")
	for _, s := range []string{
		"The balance is now −80 − 120 − 45 = −245",
		"`resultingCustomerBalance` −245 + 150 = −95",
		"INV-1 takes min(150, 80) = 80, leaving 70. INV-2 takes min(70, 120) = 70, leaving 0.",
		"INV-1's refundable amount is 80 − 0 = 80",
		"the balance goes from −95 to −125",
		"its refundable amount is now 50",
		"the balance goes from −125 to −137.5",
		"The invoices' outstanding amounts add up to 95, but the balance is −137.5. The difference, 42.5, is the £30 refund plus the £12.50 fee.",
		"max(0, 137.5) = 137.5",
		"`billAmount` = 137.5 + 60 = 197.5",
		"`valueDifference` = 500 − 197.5 = 302.5",
		"`percentageDifference` = 197.5 / 500 × 100 = 39.5",
		`"amountInMajorCurrency": 150, "type": "BACS"`,
		`"paymentMethod": "BACS", "amountInMajorCurrency": 30`,
		`"amountInMajorCurrency": -12.5, "description": "Late payment fee"`,
		// The rounding illustrations of §9, checked against the rule's implementation below.
		"a `billAmount` of 197.53 against a threshold of 500 is 39.506 %, which rounds to `39.51`",
		"A `billAmount` of 0.01 against a threshold of 8 is exactly 0.125 %, which rounds to `0.13`",
	} {
		if !strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
			t.Errorf("docs/ledger.md no longer says %q", s)
		}
	}
	// Rounding half away from zero (OP-14), from exact minor units: 197.53/500 → 39.51, 0.01/8 → 0.13.
	if _, _, pct := ledger.CreditFigures(-19753, 0, 50000); pct != 3951 {
		t.Errorf("197.53 of 500: percentage %d hundredths, want 3951", pct)
	}
	if _, _, pct := ledger.CreditFigures(-1, 0, 800); pct != 13 {
		t.Errorf("0.01 of 8: percentage %d hundredths, want 13", pct)
	}

	// ---- the server produces them ----

	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		tok := e.AdminToken()
		cust := e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "Ledger Doc Ltd", "customerAccountNumber": "LDOC0001",
			"currencyId": 1, "creditThreshold": 500, "openBillRunValue": 60}).Want(t, 201).Object(t)
		cid := num(t, cust["id"])
		site := e.Post(tok, "/v1/sites", map[string]any{"customerId": cid, "siteName": "Head office", "startDate": "2023-06-01",
			"siteInvoiceDetails": map[string]any{"paymentMethod": "BACS"}}).Want(t, 201).Object(t)

		// Step 1: three invoices.
		invID := map[string]int64{}
		brt := map[string]string{}
		var order []string
		for _, iv := range wantInvoices {
			got := e.Post(tok, "/v1/invoices", map[string]any{"customerId": cid, "siteId": site["id"], "billRunType": iv[1], "invoiceNumber": iv[0],
				"invoiceDate": iv[2], "dueDate": iv[3], "totalInMajorCurrency": ldocJSONNumber(iv[4])}).Want(t, 201).Object(t)
			if got["paymentStatus"] != "UNPAID" || !ldocSameNumber(ldocCell(got["outstandingInMajorCurrency"]), iv[4]) {
				t.Errorf("new invoice %s: %v", iv[0], got)
			}
			invID[iv[0]], brt[iv[0]] = num(t, got["id"]), iv[1]
			order = append(order, iv[0])
		}
		invoice := func(name string) map[string]any {
			return e.Get(tok, fmt.Sprintf("/v1/invoices/%d", invID[name])).Want(t, 200).Object(t)
		}
		before := map[string]string{}
		for _, name := range order {
			before[name] = ldocCell(invoice(name)["outstandingInMajorCurrency"])
		}

		// Step 2: a customer payment of 150.
		cp := e.Post(tok, "/v1/customer-payments", map[string]any{"customerId": cid, "amountInMajorCurrency": 150, "type": "BACS",
			"description": "Payment received", "reference": "BANK-REF-7781", "paymentDate": "2024-03-05"}).Want(t, 200).Object(t)
		cpID := num(t, cp["id"])
		ldocFields(t, "customer payment", cp, map[string]string{"txnType": "PAYMENT", "customerPaymentType": "CUSTOMER", "amountInMajorCurrency": "150",
			"resultingCustomerBalance": "-95", "invoiceId": "null", "invoiceNumber": "null", "billRunType": "null", "type": "BACS",
			"reference": "BANK-REF-7781", "paymentDate": "2024-03-05", "customerId": fmt.Sprint(cid), "currencyId": "1"})

		// Allocation: one invoice payment per invoice touched, none for ADH-1, no further entries.
		allocated := map[string]string{}
		for _, list := range [][]map[string]any{
			e.Get(tok, fmt.Sprintf("/v1/invoice-payments?page=1&pageSize=100&customerPaymentId=%d", cpID)).Want(t, 200).Array(t),
			e.Get(tok, fmt.Sprintf("/v1/adhoc-invoice-payments?page=1&pageSize=100&customerPaymentId=%d", cpID)).Want(t, 200).Array(t),
		} {
			for _, p := range list {
				id := p["generatedInvoiceId"]
				if id == nil {
					id = p["generatedAdhocInvoiceId"]
				}
				name := ldocName(invID, num(t, id))
				ldocFields(t, "allocation to "+name, p, map[string]string{"customerPaymentType": "CUSTOMER", "customerPaymentId": fmt.Sprint(cpID),
					"paymentMethod": "BACS", "paymentDate": "2024-03-05", "description": "Payment received", "thirdPartyPaymentStatus": "null"})
				if _, dup := allocated[name]; dup {
					t.Errorf("two allocations to %s", name)
				}
				allocated[name] = ldocCell(p["amountInMajorCurrency"])
			}
		}
		var gotAlloc [][]string
		for _, name := range order {
			inv := invoice(name)
			a, ok := allocated[name]
			if !ok {
				a = "0"
			}
			gotAlloc = append(gotAlloc, []string{name, before[name], a, ldocCell(inv["outstandingInMajorCurrency"]), ldocCell(inv["paymentStatus"])})
		}
		ldocSameRows(t, "server: allocation", gotAlloc, wantAlloc)

		// Step 3: a partial manual refund of 30 on INV-1.
		ref := e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": invID["INV-1"], "paymentMethod": "BACS", "amountInMajorCurrency": 30,
			"description": "Goodwill refund"}).Want(t, 201).Object(t)
		ldocFields(t, "refund", ref, map[string]string{"invoiceId": fmt.Sprint(invID["INV-1"]), "customerId": fmt.Sprint(cid), "billRunType": "NORMAL",
			"thirdPartyRefundStatus": "MANUALLY_REFUNDED", "paymentMethod": "BACS", "amountInMajorCurrency": "30", "errorInfo": "null"})

		// Step 4: a balance adjustment of −12.50.
		adj := e.Post(tok, "/v1/customer-balance-adjustments", map[string]any{"customerId": cid, "amountInMajorCurrency": -12.5,
			"description": "Late payment fee"}).Want(t, 200).Object(t)
		ldocFields(t, "adjustment", adj, map[string]string{"customerId": fmt.Sprint(cid), "amountInMajorCurrency": "-12.5", "currencyId": "1",
			"description": "Late payment fee"})

		// Invoices at the end: net collected and refunds from the payment and refund lists;
		// available to collect and refundable are the caps, probed with one cent more (each
		// probe must be refused and post nothing — the statement below still has six entries).
		var gotFinal [][]string
		for _, name := range order {
			inv := invoice(name)
			path, field := "/v1/invoice-payments", "generatedInvoiceId"
			if brt[name] == "ADHOC" {
				path, field = "/v1/adhoc-invoice-payments", "generatedAdhocInvoiceId"
			}
			collected, inFlight := new(big.Rat), new(big.Rat)
			for _, p := range e.Get(tok, fmt.Sprintf("%s?page=1&pageSize=100&%s=%d", path, field, invID[name])).Want(t, 200).Array(t) {
				if p["thirdPartyPaymentStatus"] != nil { // every payment here is manual or an allocation
					t.Errorf("%s: unexpected provider payment %v", name, p)
					continue
				}
				collected.Add(collected, ldocRat(t, p["amountInMajorCurrency"]))
			}
			settled := new(big.Rat)
			for _, r := range e.Get(tok, fmt.Sprintf("/v1/refunds?page=1&pageSize=100&invoiceId=%d", invID[name])).Want(t, 200).Array(t) {
				if r["thirdPartyRefundStatus"] != "MANUALLY_REFUNDED" {
					t.Errorf("%s: unexpected refund %v", name, r)
					continue
				}
				settled.Add(settled, ldocRat(t, r["amountInMajorCurrency"]))
			}
			outstanding := ldocRat(t, inv["outstandingInMajorCurrency"])
			available := new(big.Rat).Sub(outstanding, inFlight)
			refundable := new(big.Rat).Sub(collected, settled)
			cent := big.NewRat(1, 100)

			over := new(big.Rat).Add(available, cent).FloatString(2)
			probe := e.Post(tok, path, map[string]any{field: invID[name], "amountInMajorCurrency": ldocJSONNumber(over), "paymentMethod": "BACS", "description": "Cap probe"})
			if probe.Status != 400 || !strings.Contains(string(probe.Body), "amount exceeds the amount owed") { // §4.6 message
				t.Errorf("%s: manual payment of %s (available to collect + 0.01): status %d, want 400 \"amount exceeds the amount owed\": %s",
					name, over, probe.Status, probe.Body)
			}
			over = new(big.Rat).Add(refundable, cent).FloatString(2)
			probe = e.Post(tok, "/v1/refunds", map[string]any{"invoiceId": invID[name], "billRunType": brt[name], "paymentMethod": "BACS",
				"amountInMajorCurrency": ldocJSONNumber(over)})
			if probe.Status != 400 {
				t.Errorf("%s: refund of %s (refundable + 0.01): status %d, want 400: %s", name, over, probe.Status, probe.Body)
			} else if m := regexp.MustCompile(`refundable amount \(([-0-9.]+)\)`).FindStringSubmatch(fmt.Sprint(probe.Object(t)["message"])); m != nil &&
				!ldocSameNumber(m[1], ldocRatString(refundable)) {
				t.Errorf("%s: server says the refundable amount is %s, want %s", name, m[1], ldocRatString(refundable))
			}
			gotFinal = append(gotFinal, []string{name, ldocCell(inv["totalInMajorCurrency"]), ldocRatString(collected), ldocRatString(settled),
				ldocCell(inv["outstandingInMajorCurrency"]), ldocRatString(available), ldocRatString(refundable), ldocCell(inv["paymentStatus"])})
			wantRefundStatus := "null"
			if name == "INV-1" {
				wantRefundStatus = "MANUALLY_REFUNDED"
			}
			ldocFields(t, "invoice "+name, inv, map[string]string{"thirdPartyRefundStatus": wantRefundStatus, "thirdPartyPaymentStatus": "null"})
		}
		ldocSameRows(t, "server: invoices at the end", gotFinal, wantFinal)

		// The statement, in id order; every running balance is the previous one plus the amount.
		entries := e.Get(tok, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=100", cid)).Want(t, 200).Array(t)
		var gotStatement [][]string
		running, lastID := new(big.Rat), int64(0)
		for i, x := range entries {
			id := num(t, x["id"])
			if id <= lastID {
				t.Errorf("statement not in id order: %d after %d", id, lastID)
			}
			lastID = id
			running.Add(running, ldocRat(t, x["amountInMajorCurrency"]))
			if running.Cmp(ldocRat(t, x["resultingCustomerBalance"])) != 0 {
				t.Errorf("entry %d: resultingCustomerBalance %v, want %s", id, x["resultingCustomerBalance"], ldocRatString(running))
			}
			gotStatement = append(gotStatement, []string{fmt.Sprint(i + 1), ldocCell(x["txnType"]), ldocCell(x["customerPaymentType"]),
				ldocCell(x["invoiceNumber"]), ldocCell(x["amountInMajorCurrency"]), ldocCell(x["resultingCustomerBalance"])})
			if x["invoiceNumber"] != nil && num(t, x["invoiceId"]) != invID[fmt.Sprint(x["invoiceNumber"])] {
				t.Errorf("entry %d: invoiceId %v does not belong to %v", id, x["invoiceId"], x["invoiceNumber"])
			}
		}
		ldocSameRows(t, "server: statement", gotStatement, wantStatement)
		if len(entries) == 6 {
			if num(t, entries[3]["id"]) != cpID || num(t, entries[5]["id"]) != num(t, adj["id"]) {
				t.Errorf("the customer payment (%d) and the adjustment (%v) are entries 4 and 6: %v", cpID, adj["id"], entries)
			}
			if entries[4]["type"] != "BACS" || entries[5]["type"] != nil || entries[0]["type"] != nil {
				t.Errorf("entry methods: refund %v, adjustment %v, invoice %v", entries[4]["type"], entries[5]["type"], entries[0]["type"])
			}
		}

		// GET /customer-balances.
		b := e.Get(tok, fmt.Sprintf("/v1/customer-balances?customer_id=%d", cid)).Want(t, 200).Object(t)
		pms, _ := b["paymentMethodSummary"].(map[string]any)
		rps, _ := b["repaymentPlanSummary"].(map[string]any)
		ldocSameRows(t, "server: customer balance", [][]string{{ldocCell(b["balance"]), ldocCell(b["totalPayments"]), ldocCell(b["totalPaymentsSinceLastInvoice"]),
			ldocCell(pms["summaryType"]) + " " + ldocCell(pms["paymentMethod"]), ldocCell(rps["summaryType"])}}, wantBalance)
		if num(t, b["id"]) != cid || num(t, b["customerId"]) != cid || rps["repaymentPlanAmount"] != nil || ldocCell(rps["repaymentPlanRemainingPeriods"]) != "0" {
			t.Errorf("balance: %v", b)
		}

		// GET /customer-credit-status.
		cs := e.Get(tok, fmt.Sprintf("/v1/customer-credit-status?page=1&pageSize=10&customerId=%d", cid)).Want(t, 200).Array(t)
		if len(cs) != 1 {
			t.Fatalf("credit status: %v", cs)
		}
		c := cs[0]
		ldocSameRows(t, "server: credit status", [][]string{{ldocCell(c["creditThreshold"]), ldocCell(c["openBillRunValue"]), ldocCell(c["billAmount"]),
			ldocCell(c["valueDifference"]), ldocCell(c["percentageDifference"])}}, wantCredit)
	})
}

// ldocTable returns the body rows (cells trimmed, backticks removed) of the first Markdown
// table after the first line of doc that starts with marker.
func ldocTable(t *testing.T, doc, marker string) [][]string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, marker) {
			start = i
			break
		}
	}
	if start < 0 {
		t.Errorf("docs/ledger.md has no line starting %q", marker)
		return nil
	}
	var rows [][]string
	inTable := false
	for _, l := range lines[start+1:] {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		var cells []string
		for _, c := range strings.Split(strings.Trim(l, "|"), "|") {
			cells = append(cells, strings.TrimSpace(strings.ReplaceAll(c, "`", "")))
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Errorf("docs/ledger.md: no table after %q", marker)
		return nil
	}
	return rows[2:] // header and separator
}

// ldocSameRows compares tables cell by cell; numbers compare by value (80 = 80.00).
func ldocSameRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = len(got[i]) == len(want[i])
		for j := 0; same && j < len(got[i]); j++ {
			same = got[i][j] == want[i][j] || ldocSameNumber(got[i][j], want[i][j])
		}
	}
	if !same {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func ldocSameNumber(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// ldocCell renders a decoded JSON value as a table cell (json.Number keeps the server's digits).
func ldocCell(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

func ldocRat(t *testing.T, v any) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(ldocCell(v))
	if !ok {
		t.Fatalf("not a number: %v", v)
	}
	return r
}

// ldocRatString writes an exact decimal in its shortest form (50, 12.5, -137.5).
func ldocRatString(r *big.Rat) string {
	s := r.FloatString(2)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// ldocJSONNumber sends a decimal string as a JSON number, exactly.
type ldocJSONNumber string

func (n ldocJSONNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

func ldocName(ids map[string]int64, id int64) string {
	for name, x := range ids {
		if x == id {
			return name
		}
	}
	return fmt.Sprintf("invoice %d (not in the example)", id)
}

// ldocFields checks fields of a decoded object, rendered as cells.
func ldocFields(t *testing.T, what string, obj map[string]any, want map[string]string) {
	t.Helper()
	for k, w := range want {
		v, ok := obj[k]
		if !ok {
			t.Errorf("%s: no field %q in %v", what, k, obj)
			continue
		}
		if got := ldocCell(v); got != w && !ldocSameNumber(got, w) {
			t.Errorf("%s: %s = %s, want %s", what, k, got, w)
		}
	}
}
