package proof

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// fire sends n requests at once (all goroutines wait on one gate) and returns the responses in
// goroutine order; a transport error is reported as an error, never with Fatal off the test goroutine.
func fire(t *testing.T, n int, send func(i int) (*resp, error)) []*resp {
	t.Helper()
	// A burst makes the transport dial spare connections that never carry a request; the
	// server's Shutdown (apitest cleanup) waits up to 5 s for such "new" connections. Closing the
	// client's idle connections first (cleanups run last-in first-out) avoids that stall.
	t.Cleanup(func() {
		if tr, ok := http.DefaultTransport.(*http.Transport); ok {
			tr.CloseIdleConnections()
		}
	})
	out := make([]*resp, n)
	errs := make([]error, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			out[i], errs[i] = send(i)
		}()
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

// TestConcurrentRefunds: 50 manual refunds of 7.00 race for an invoice with 100.00 collected.
// The refund cap (§6.1.2, §6.6: checked in the transaction, invoice and customer rows locked)
// admits exactly floor(100 / 7) = 14 of them whatever the interleaving; the rest are 400.
func TestConcurrentRefunds(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		cust, site := c.customer(t, 1, nil, "")
		inv := c.invoice(t, cust, site, "NORMAL", "100", "2024-01-01", "2024-01-31")
		c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 100, "description": "Cheque", "paymentMethod": "CHEQUE"}).want(t, 201)

		const n = 50
		rs := fire(t, n, func(int) (*resp, error) {
			return c.send(http.MethodPost, "/v1/refunds", map[string]any{"invoiceId": inv, "paymentMethod": "CHEQUE", "amountInMajorCurrency": 7}, nil)
		})
		var created, rejected int
		var sum int64
		for _, r := range rs {
			switch r.status {
			case 201:
				created++
				a, err := parseMinor(num(r.obj(t), "amountInMajorCurrency"), gbp)
				if err != nil || a != 700 {
					t.Errorf("refund amount: %v %s", err, r)
				}
				sum += a
			case 400:
				rejected++
			default:
				t.Errorf("status %d (want 201 or 400, never 5xx): %s", r.status, r)
			}
		}
		t.Logf("refund race: %d concurrent POST /v1/refunds of 7.00 against 100.00 collected: %d created, %d rejected", n, created, rejected)
		if sum > 10000 {
			t.Errorf("refunds total %s > 100.00 collected (refund cap, §6.1.2)", fmtMinor(sum, gbp))
		}
		if created != 14 {
			t.Errorf("%d refunds created, want 14 = floor(100/7): any serial order admits exactly 14 (§6.6 cap)", created)
		}

		// The list and the statement agree with the 201s.
		list := c.get(t, fmt.Sprintf("/v1/refunds?invoiceId=%d&page=1&pageSize=1000", inv)).want(t, 200)
		var listed int64
		arr := list.arr(t)
		for _, r := range arr {
			a, _ := parseMinor(num(r, "amountInMajorCurrency"), gbp)
			listed += a
			if str(r, "thirdPartyRefundStatus") != "MANUALLY_REFUNDED" {
				t.Errorf("refund status: %v", r)
			}
		}
		if len(arr) != created || listed != sum {
			t.Errorf("GET /v1/refunds lists %d refunds totalling %s; the 201s were %d totalling %s", len(arr), fmtMinor(listed, gbp), created, fmtMinor(sum, gbp))
		}
		st := c.statement(t, cust)
		bal := checkRunning(t, st, gbp)
		var stRefunds int
		var stSum int64
		for _, en := range st {
			if str(en, "txnType") == "REFUND" {
				stRefunds++
				a, _ := parseMinor(num(en, "amountInMajorCurrency"), gbp)
				stSum += a
				if num(en, "invoiceId") != fmt.Sprint(inv) || str(en, "type") != "CHEQUE" {
					t.Errorf("REFUND entry: %v", en)
				}
			}
		}
		if stRefunds != created || stSum != -sum || len(st) != 2+created {
			t.Errorf("statement: %d entries, %d REFUND entries totalling %s; want %d entries, %d REFUND totalling -%s", len(st), stRefunds, fmtMinor(stSum, gbp), 2+created, created, fmtMinor(sum, gbp))
		}
		if bal != -sum {
			t.Errorf("final balance %s, want -100 + 100 - %s", fmtMinor(bal, gbp), fmtMinor(sum, gbp))
		}
		b := c.get(t, fmt.Sprintf("/v1/customer-balances?customer_id=%d", cust)).want(t, 200).obj(t)
		if num(b, "balance") != fmtMinor(bal, gbp) {
			t.Errorf("customer balance %s, statement says %s", num(b, "balance"), fmtMinor(bal, gbp))
		}
		o := c.get(t, fmt.Sprintf("/v1/invoices/%d", inv)).want(t, 200).obj(t)
		if num(o, "outstandingInMajorCurrency") != "0" || str(o, "paymentStatus") != "PART_REFUNDED" {
			t.Errorf("invoice after refunds: outstanding %s status %s, want 0 PART_REFUNDED (§6.3.2, refunds never re-open, OP-23)",
				num(o, "outstandingInMajorCurrency"), str(o, "paymentStatus"))
		}
		// What is left (2.00) can still be refunded by default, exactly once.
		r := c.post(t, "/v1/refunds", map[string]any{"invoiceId": inv, "paymentMethod": "BACS"}).want(t, 201).obj(t)
		if num(r, "amountInMajorCurrency") != fmtMinor(10000-sum, gbp) {
			t.Errorf("default refund amount %s, want the refundable %s (OP-23)", num(r, "amountInMajorCurrency"), fmtMinor(10000-sum, gbp))
		}
		c.post(t, "/v1/refunds", map[string]any{"invoiceId": inv, "paymentMethod": "BACS"}).want(t, 400)
	})
}

// TestConcurrentCustomerPayments: 50 customer payments race for one customer with six invoices.
// Postings are serialised per customer (§6.1.2), so the allocations must equal a serial replay
// of §6.2 in ledger order: no invoice over-allocated, outstanding = total − allocated, every
// payment's allocations ≤ its amount, running balances without gaps, balance = −Σ invoices + Σ payments.
func TestConcurrentCustomerPayments(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		cust, site := c.customer(t, 1, nil, "")
		type inv struct {
			id                     int64
			adhoc                  bool
			total                  int64
			invDate, dueDate       string
			allocated, outstanding int64
		}
		invs := []*inv{
			{adhoc: false, total: 3745, invDate: "2024-01-05", dueDate: "2024-02-05"},
			{adhoc: true, total: 12000, invDate: "2024-01-01", dueDate: "2024-02-05"},
			{adhoc: false, total: 1550, invDate: "2024-01-01", dueDate: "2024-02-05"},
			{adhoc: true, total: 8000, invDate: "2024-01-10", dueDate: "2024-01-20"},
			{adhoc: false, total: 99, invDate: "2024-03-01", dueDate: "2024-03-01"},
			{adhoc: false, total: 20000, invDate: "2024-02-01", dueDate: "2024-02-28"},
		}
		var sumInv int64
		for _, i := range invs {
			kind := "NORMAL"
			if i.adhoc {
				kind = "ADHOC"
			}
			i.id = c.invoice(t, cust, site, kind, fmtMinor(i.total, gbp), i.invDate, i.dueDate)
			i.outstanding = i.total
			sumInv += i.total
		}
		const n = 50
		amounts := make([]int64, n)
		var sumPay int64
		for k := range amounts {
			amounts[k] = int64(k%7+1)*235 + int64(k%3) // 2.35 .. 16.47; Σ 463.44 > Σ invoices 453.94: the last ones leave credit
			sumPay += amounts[k]
		}
		rs := fire(t, n, func(k int) (*resp, error) {
			return c.send(http.MethodPost, "/v1/customer-payments", map[string]any{"customerId": cust, "amountInMajorCurrency": amount(amounts[k], gbp),
				"type": "BACS", "reference": fmt.Sprintf("RACE-%d", k)}, nil)
		})
		payByEntry := map[int64]int64{}
		for k, r := range rs {
			if r.status != 200 {
				t.Errorf("payment %d: status %d (want 200, never 5xx): %s", k, r.status, r)
				continue
			}
			payByEntry[id(t, r.obj(t), "id")] = amounts[k]
		}
		if t.Failed() {
			return
		}

		// Statement: running balances, exactly 6 invoices + 50 payments, final balance.
		st := c.statement(t, cust)
		bal := checkRunning(t, st, gbp)
		if len(st) != len(invs)+n {
			t.Fatalf("statement has %d entries, want %d", len(st), len(invs)+n)
		}
		if bal != sumPay-sumInv {
			t.Errorf("final balance %s, want −Σ invoices %s + Σ payments %s = %s", fmtMinor(bal, gbp), fmtMinor(sumInv, gbp), fmtMinor(sumPay, gbp), fmtMinor(sumPay-sumInv, gbp))
		}
		b := c.get(t, fmt.Sprintf("/v1/customer-balances?customer_id=%d", cust)).want(t, 200).obj(t)
		if num(b, "balance") != fmtMinor(bal, gbp) || num(b, "totalPayments") != fmtMinor(sumPay, gbp) || num(b, "totalPaymentsSinceLastInvoice") != fmtMinor(sumPay, gbp) {
			t.Errorf("customer balance %v; want balance %s, totalPayments = since last invoice = %s", b, fmtMinor(bal, gbp), fmtMinor(sumPay, gbp))
		}

		// Serial replay of §6.2 in ledger order.
		order := append([]*inv(nil), invs...)
		sort.SliceStable(order, func(a, b int) bool {
			x, y := order[a], order[b]
			if x.dueDate != y.dueDate {
				return x.dueDate < y.dueDate
			}
			if x.invDate != y.invDate {
				return x.invDate < y.invDate
			}
			return x.id < y.id
		})
		want := map[string]int64{} // "invoice/customerPayment" → amount
		for _, en := range st {
			if str(en, "txnType") != "PAYMENT" {
				continue
			}
			eid := id(t, en, "id")
			left, ok := payByEntry[eid]
			if !ok {
				t.Fatalf("statement PAYMENT %d is not one of the 200 responses", eid)
			}
			for _, i := range order {
				a := min(left, i.outstanding)
				if a > 0 {
					want[fmt.Sprintf("%d/%d", i.id, eid)] += a
					i.outstanding -= a
					left -= a
				}
			}
		}

		got := map[string]int64{}
		perPayment := map[int64]int64{}
		for _, i := range invs {
			path := fmt.Sprintf("/v1/invoice-payments?generatedInvoiceId=%d&page=1&pageSize=1000", i.id)
			idField := "generatedInvoiceId"
			if i.adhoc {
				path = fmt.Sprintf("/v1/adhoc-invoice-payments?generatedAdhocInvoiceId=%d&page=1&pageSize=1000", i.id)
				idField = "generatedAdhocInvoiceId"
			}
			for _, p := range c.get(t, path).want(t, 200).arr(t) {
				a, err := parseMinor(num(p, "amountInMajorCurrency"), gbp)
				if err != nil || str(p, "customerPaymentType") != "CUSTOMER" || id(t, p, idField) != i.id {
					t.Errorf("invoice %d payment row: %v %v", i.id, err, p)
					continue
				}
				cp := id(t, p, "customerPaymentId")
				got[fmt.Sprintf("%d/%d", i.id, cp)] += a
				perPayment[cp] += a
				i.allocated += a
			}
			if i.allocated > i.total {
				t.Errorf("invoice %d over-allocated: %s of %s", i.id, fmtMinor(i.allocated, gbp), fmtMinor(i.total, gbp))
			}
			o := c.get(t, fmt.Sprintf("/v1/invoices/%d", i.id)).want(t, 200).obj(t)
			if num(o, "outstandingInMajorCurrency") != fmtMinor(i.total-i.allocated, gbp) {
				t.Errorf("invoice %d: outstanding %s, want total %s − allocated %s", i.id, num(o, "outstandingInMajorCurrency"), fmtMinor(i.total, gbp), fmtMinor(i.allocated, gbp))
			}
			if i.outstanding != i.total-i.allocated {
				t.Errorf("invoice %d: allocated %s, a serial replay in ledger order allocates %s", i.id, fmtMinor(i.allocated, gbp), fmtMinor(i.total-i.outstanding, gbp))
			}
		}
		for cp, a := range perPayment {
			if a > payByEntry[cp] {
				t.Errorf("customer payment %d allocated %s > its amount %s", cp, fmtMinor(a, gbp), fmtMinor(payByEntry[cp], gbp))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("allocations (invoice/customerPaymentId → amount) differ from a serial replay of §6.2 in ledger order:\n got %v\nwant %v", got, want)
		}
		t.Logf("customer-payment race: %d concurrent POST /v1/customer-payments over %d invoices: %d allocation rows checked against a serial replay", n, len(invs), len(got))
	})
}

// TestConcurrentIdempotentPayment: 30 identical POST /v1/invoice-payments with one
// Idempotency-Key (§2.14, OP-36): exactly one executes; the others replay it (201 +
// Idempotent-Replayed: true, same body and Location) or get 409 "in progress".
func TestConcurrentIdempotentPayment(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		cust, site := c.customer(t, 1, nil, "")
		inv := c.invoice(t, cust, site, "NORMAL", "500", "2024-01-01", "2024-01-31")
		const n = 30
		body := map[string]any{"generatedInvoiceId": inv, "amountInMajorCurrency": 10.5, "description": "Idempotent cheque", "paymentMethod": "CHEQUE"}
		rs := fire(t, n, func(int) (*resp, error) {
			return c.send(http.MethodPost, "/v1/invoice-payments", body, map[string]string{"Idempotency-Key": "race-key-1"})
		})
		var executed, replayed, inProgress int
		var first *resp
		for _, r := range rs {
			switch {
			case r.status == 201 && r.hdr.Get("Idempotent-Replayed") == "":
				executed++
				first = r
			case r.status == 201 && r.hdr.Get("Idempotent-Replayed") == "true":
				replayed++
			case r.status == 409 && strings.Contains(string(r.body), "in progress"):
				inProgress++
			default:
				t.Errorf("unexpected response: %d %v %s", r.status, r.hdr, r)
			}
		}
		t.Logf("idempotency race: %d concurrent identical requests: %d executed, %d replayed, %d answered 409 in progress", n, executed, replayed, inProgress)
		if executed != 1 {
			t.Fatalf("%d requests executed, want exactly 1", executed)
		}
		for _, r := range rs {
			if r.status == 201 && (!bytes.Equal(r.body, first.body) || r.hdr.Get("Location") != first.hdr.Get("Location")) {
				t.Errorf("replay differs from the executed response:\n%s %s\n%s %s", r.hdr.Get("Location"), r.body, first.hdr.Get("Location"), first.body)
			}
		}
		list := c.get(t, fmt.Sprintf("/v1/invoice-payments?generatedInvoiceId=%d&page=1&pageSize=100", inv)).want(t, 200).arr(t)
		if len(list) != 1 || num(list[0], "amountInMajorCurrency") != "10.5" {
			t.Errorf("payments after the race: %v, want exactly one of 10.5", list)
		}
		st := c.statement(t, cust)
		checkRunning(t, st, gbp)
		if len(st) != 2 {
			t.Errorf("statement has %d entries, want invoice + one payment", len(st))
		}
		// A later repeat is a replay; the same key with another body is 409.
		r, err := c.send(http.MethodPost, "/v1/invoice-payments", body, map[string]string{"Idempotency-Key": "race-key-1"})
		if err != nil || r.status != 201 || r.hdr.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.body, first.body) {
			t.Errorf("late repeat: %v %v", err, r)
		}
		body["amountInMajorCurrency"] = 11
		r, err = c.send(http.MethodPost, "/v1/invoice-payments", body, map[string]string{"Idempotency-Key": "race-key-1"})
		if err != nil || r.status != 409 {
			t.Errorf("same key, different body: %v %v", err, r)
		}
	})
}

// TestConcurrentMixed races every kind of money movement for one customer at once: invoice
// creation (which applies unallocated credit, §6.2 step 7), customer payments (some restricted
// by billRunType), manual invoice and adhoc payments, negative corrections, manual refunds and
// balance adjustments. Postings are serialised per customer (§6.1.2), so the ledger order must
// be a valid serial order: replaying the statement through the independent model of
// property_test.go must accept every posted operation at its position (payment ≤ available,
// correction within the cover rule, refund ≤ refundable) and reproduce every invoice's
// outstanding amount, status and payment rows, the balance, totals and refunds.
func TestConcurrentMixed(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		cust, site := c.customer(t, 1, nil, "")
		invA := c.invoice(t, cust, site, "NORMAL", "50", "2024-01-01", "2024-01-10")
		invB := c.invoice(t, cust, site, "ADHOC", "30", "2024-01-01", "2024-01-05")
		invC := c.invoice(t, cust, site, "NORMAL", "20", "2024-01-02", "2024-01-20")
		c.post(t, "/v1/invoice-payments", map[string]any{"generatedInvoiceId": invA, "amountInMajorCurrency": 20, "description": "Setup", "paymentMethod": "CHEQUE"}).want(t, 201)

		type req struct {
			kind, path string
			body       map[string]any
			ok         int
			inv, minor int64 // for payments, corrections and refunds: the invoice and the amount
		}
		var reqs []req
		for i := 0; i < 8; i++ {
			kind := []string{"NORMAL", "ADHOC"}[i%2]
			day := 1 + i%5
			reqs = append(reqs, req{kind: "invoice", path: "/v1/invoices", ok: 201, body: map[string]any{"customerId": cust, "siteId": site, "billRunType": kind,
				"invoiceNumber": fmt.Sprintf("MIX-%d", next()), "invoiceDate": fmt.Sprintf("2024-02-%02d", day), "dueDate": fmt.Sprintf("2024-02-%02d", day+i%3),
				"totalInMajorCurrency": amount(int64(500+i*350), gbp)}})
		}
		for i := 0; i < 14; i++ {
			b := map[string]any{"customerId": cust, "amountInMajorCurrency": amount(int64(300+(i*137)%2200), gbp), "type": []string{"BACS", "CHEQUE"}[i%2]}
			switch i % 4 {
			case 0:
				b["billRunType"] = "NORMAL"
			case 1:
				b["billRunType"] = "ADHOC"
			}
			reqs = append(reqs, req{kind: "customer payment", path: "/v1/customer-payments", body: b, ok: 200})
		}
		for i := 0; i < 10; i++ {
			minor := int64(400 + (i*91)%800)
			a := amount(minor, gbp)
			switch i % 3 {
			case 0:
				reqs = append(reqs, req{"invoice payment", "/v1/invoice-payments", map[string]any{"generatedInvoiceId": invA, "amountInMajorCurrency": a, "description": "Mix", "paymentMethod": "BACS"}, 201, invA, minor})
			case 1:
				reqs = append(reqs, req{"invoice payment", "/v1/adhoc-invoice-payments", map[string]any{"generatedAdhocInvoiceId": invB, "amountInMajorCurrency": a, "description": "Mix", "paymentMethod": "PAYPAL"}, 201, invB, minor})
			default:
				reqs = append(reqs, req{"invoice payment", "/v1/invoice-payments", map[string]any{"generatedInvoiceId": invC, "amountInMajorCurrency": a, "description": "Mix", "paymentMethod": "OTHER"}, 201, invC, minor})
			}
		}
		for i := 0; i < 6; i++ {
			reqs = append(reqs, req{"correction", "/v1/invoice-payments", map[string]any{"generatedInvoiceId": invA, "amountInMajorCurrency": -3, "description": "Correction", "paymentMethod": "CHEQUE"}, 201, invA, 300})
		}
		for i := 0; i < 12; i++ {
			b, inv := map[string]any{"invoiceId": invA, "paymentMethod": "CHEQUE", "amountInMajorCurrency": 2.5}, invA
			if i%3 == 2 {
				b, inv = map[string]any{"invoiceId": invB, "billRunType": "ADHOC", "paymentMethod": "BACS", "amountInMajorCurrency": 2.5}, invB
			}
			reqs = append(reqs, req{"refund", "/v1/refunds", b, 201, inv, 250})
		}
		for i := 0; i < 6; i++ {
			a := int64(100 + i*50)
			if i%2 == 1 {
				a = -a
			}
			reqs = append(reqs, req{kind: "adjustment", path: "/v1/customer-balance-adjustments", body: map[string]any{"customerId": cust, "amountInMajorCurrency": amount(a, gbp)}, ok: 200})
		}

		rs := fire(t, len(reqs), func(i int) (*resp, error) { return c.send(http.MethodPost, reqs[i].path, reqs[i].body, nil) })
		accepted := map[string]int{}
		rejected := map[string]int{}
		messages := map[string]bool{}
		for i, r := range rs {
			switch {
			case r.status == reqs[i].ok:
				accepted[reqs[i].kind]++
			case r.status == 400 && (reqs[i].kind == "invoice payment" || reqs[i].kind == "correction" || reqs[i].kind == "refund"):
				rejected[reqs[i].kind]++
				messages[str(r.obj(t), "message")] = true
			default:
				t.Errorf("%s: status %d, want %d or a business-rule 400 (never 5xx): %s", reqs[i].kind, r.status, reqs[i].ok, r)
			}
		}
		if t.Failed() {
			return
		}

		// Replay the statement, in ledger order, through the model.
		meta := map[int64]*mInv{}
		for _, o := range c.get(t, fmt.Sprintf("/v1/invoices?customerId=%d&page=1&pageSize=100", cust)).want(t, 200).arr(t) {
			tot, _ := parseMinor(num(o, "totalInMajorCurrency"), gbp)
			meta[id(t, o, "id")] = &mInv{id: id(t, o, "id"), adhoc: str(o, "billRunType") == "ADHOC", total: tot,
				invDate: str(o, "invoiceDate"), dueDate: str(o, "dueDate")}
		}
		m := &model{cust: cust, site: site}
		// The smallest available / cover / refundable amount each invoice had at any ledger
		// position: a rejected request must have been rejectable at some position.
		minAvail, minCover := map[int64]int64{}, map[int64]int64{}
		observe := func() {
			for _, i := range m.invs {
				if v, ok := minAvail[i.id]; !ok || i.outstanding() < v {
					minAvail[i.id] = i.outstanding()
				}
				if v, ok := minCover[i.id]; !ok || i.net-i.refunded < v {
					minCover[i.id] = i.net - i.refunded
				}
			}
		}
		posted := map[string]int{}
		const setup = 4 // three invoices and one payment posted before the race
		st := c.statement(t, cust)
		for k, en := range st {
			a, err := parseMinor(num(en, "amountInMajorCurrency"), gbp)
			if err != nil {
				t.Fatalf("entry %v: %v", en, err)
			}
			typ := str(en, "type")
			if typ == "null" {
				typ = ""
			}
			brt := str(en, "billRunType")
			if brt == "null" {
				brt = ""
			}
			invID := id(t, en, "invoiceId")
			me := mEntry{id: id(t, en, "id"), amount: a, txn: str(en, "txnType"), cpType: str(en, "customerPaymentType"), invoice: invID, method: typ, brt: brt}
			inv := meta[invID]
			if invID != 0 && inv == nil {
				t.Fatalf("entry %d names unknown invoice %d", me.id, invID)
			}
			pos := fmt.Sprintf("ledger position %d (entry %d, %s %s)", k, me.id, me.txn, fmtMinor(a, gbp))
			switch {
			case me.txn == "INVOICE_CREATED" || me.txn == "ADHOC_INVOICE_CREATED":
				before := m.balance()
				m.post(me)
				m.invs = append(m.invs, inv)
				m.creditNewInvoice(inv, before)
				if k >= setup {
					posted["invoice"]++
				}
			case me.txn == "PAYMENT" && me.cpType == "CUSTOMER":
				ei := m.post(me)
				cp := &mCP{entry: ei, unalloc: a}
				m.cps = append(m.cps, cp)
				m.allocate(cp, brt, typ)
				posted["customer payment"]++
			case me.txn == "PAYMENT":
				if inv == nil || a > inv.outstanding() {
					t.Fatalf("%s: accepted payment exceeds the available amount at that point (§4.6, §6.3.1)", pos)
				}
				ei := m.post(me)
				inv.net += a
				inv.rows = append(inv.rows, mRow{amount: a, cpType: me.cpType, entry: ei, method: typ})
				if k >= setup {
					posted["invoice payment"]++
				}
			case me.txn == "PAYMENT_REVERSED":
				if inv == nil || inv.net+a < inv.refunded {
					t.Fatalf("%s: accepted correction breaks the invoice cover rule at that point (§6.1.2, OP-16)", pos)
				}
				ei := m.post(me)
				inv.net += a
				inv.rows = append(inv.rows, mRow{amount: a, cpType: me.cpType, entry: ei, method: typ})
				posted["correction"]++
			case me.txn == "REFUND":
				if inv == nil || -a > inv.net-inv.refunded {
					t.Fatalf("%s: accepted refund exceeds the refundable amount at that point (§6.6 cap)", pos)
				}
				m.post(me)
				inv.refunded -= a
				inv.refunds++
				m.refunds = append(m.refunds, mRefund{invoice: invID, amount: -a, method: typ, brt: inv.kind()})
				posted["refund"]++
			case me.txn == "BALANCE_ADJUSTMENT":
				m.post(me)
				posted["adjustment"]++
			default:
				t.Fatalf("%s: unexpected entry %v", pos, en)
			}
			if k >= setup-1 {
				observe()
			}
		}
		for i, r := range rs {
			if r.status != 400 {
				continue
			}
			if q := reqs[i]; q.minor <= minCover[q.inv] && (q.kind != "invoice payment" || q.minor <= minAvail[q.inv]) {
				t.Errorf("%s of %s on invoice %d was rejected, but at every ledger position it was allowed (available ≥ %s, net collected − refunds ≥ %s): %s",
					q.kind, fmtMinor(q.minor, gbp), q.inv, fmtMinor(minAvail[q.inv], gbp), fmtMinor(minCover[q.inv], gbp), r)
			}
		}
		if fmt.Sprint(posted) != fmt.Sprint(accepted) {
			t.Errorf("ledger entries per kind %v, successful responses per kind %v: every success posts exactly one entry, a 400 none", posted, accepted)
		}
		if len(m.invs) != len(meta) {
			t.Errorf("%d invoices on the ledger, %d exist", len(m.invs), len(meta))
		}
		m.verify(t, c)    // statement, balance and totals, every invoice's outstanding and status
		m.verifyEnd(t, c) // each invoice by id, its payment rows (allocations, credit pieces), refunds
		var msgs []string
		for k := range messages {
			msgs = append(msgs, k)
		}
		sort.Strings(msgs)
		t.Logf("mixed race: %d concurrent requests; accepted %v, rejected %v (%q); ledger replayed as a serial order", len(reqs), accepted, rejected, msgs)
	})
}
