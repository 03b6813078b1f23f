package proof

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// The property test drives random sequences of money operations for a fresh GBP customer per
// rapid case (one server per engine) and, after every step, compares the server with an
// independent model written from the spec:
//
//   - §6.1 ledger: one entry per money movement, running balances from 0, ids ascending;
//   - §6.2 allocation of customer payments oldest first (dueDate, invoiceDate, id), optionally
//     restricted by billRunType, remainder kept as credit, and step 7: credit applied to newly
//     created invoices, min(unallocated credit, max(0, balance before), total), oldest
//     customer payments first;
//   - §6.3 outstanding = max(0, total − net collected), available = outstanding (no provider
//     payments here), paymentStatus by the first matching row of §6.3.2;
//   - §4.6/§4.9 + OP-16: positive manual payments ≤ available, negative corrections only while
//     net collected − |amount| ≥ refunds;
//   - §4.12/§6.6 + OP-23: manual refunds settle at once, default amount = refundable (400 when
//     0), cap = net collected − refunds, billRunType default NORMAL and must match;
//   - §6.13 balance, totalPayments, totalPaymentsSinceLastInvoice and the credit status
//     (percentageDifference rounded half away from zero to 2 dp, OP-14).
//
// Amounts are GBP (exponent 2) and are kept as int64 minor units in the model.

const gbp = 2

type mRow struct { // an expected invoice payment / adhoc invoice payment row
	amount int64
	cpType string // CUSTOMER, INVOICE, ADHOC_INVOICE
	entry  int    // index of the linked ledger entry (customer payment or own entry)
	method string
}

type mInv struct {
	id               int64
	adhoc, auto      bool
	total            int64
	invDate, dueDate string
	net              int64 // net collected
	refunded         int64 // settled refunds (manual refunds settle at once)
	refunds          int
	rows             []mRow
}

type mEntry struct {
	id      int64 // learnt from the statement
	amount  int64
	txn     string
	cpType  string
	invoice int64  // 0 = null
	method  string // "" = null
	brt     string // "" = null
}

type mCP struct { // a customer payment and its unallocated remainder (§6.2 steps 5, 7, 8)
	entry   int
	unalloc int64
}

type mRefund struct {
	invoice int64
	amount  int64
	method  string
	brt     string
}

type model struct {
	cust, site int64
	threshold  int64 // 0 = no threshold
	openBill   int64
	invs       []*mInv
	entries    []mEntry
	cps        []*mCP
	refunds    []mRefund
}

func (m *model) balance() int64 {
	var b int64
	for _, e := range m.entries {
		b += e.amount
	}
	return b
}

func (i *mInv) outstanding() int64 { return max(0, i.total-i.net) }

func (i *mInv) kind() string {
	if i.adhoc {
		return "ADHOC"
	}
	return "NORMAL"
}

func (i *mInv) cpType() string {
	if i.adhoc {
		return "ADHOC_INVOICE"
	}
	return "INVOICE"
}

// status is §6.3.2 without provider payments or pending refunds.
func (i *mInv) status() string {
	switch {
	case i.total == 0:
		return "NA"
	case i.refunded > 0 && i.refunded >= i.net:
		return "REFUNDED"
	case i.refunded > 0:
		return "PART_REFUNDED"
	case i.net >= i.total:
		return "PAID"
	case i.net > 0:
		return "PARTIALLY_PAID"
	}
	return "UNPAID"
}

// allocate is §6.2 steps 2–5 for the customer payment cp; it returns the number of rows created.
func (m *model) allocate(cp *mCP, brt, method string) (rows int) {
	var cand []*mInv
	for _, i := range m.invs {
		if i.outstanding() > 0 && (brt == "" || i.kind() == brt) {
			cand = append(cand, i)
		}
	}
	sort.SliceStable(cand, func(a, b int) bool {
		x, y := cand[a], cand[b]
		if x.dueDate != y.dueDate {
			return x.dueDate < y.dueDate
		}
		if x.invDate != y.invDate {
			return x.invDate < y.invDate
		}
		return x.id < y.id
	})
	for _, i := range cand {
		if cp.unalloc == 0 {
			break
		}
		a := min(cp.unalloc, i.outstanding())
		i.net += a
		cp.unalloc -= a
		i.rows = append(i.rows, mRow{amount: a, cpType: "CUSTOMER", entry: cp.entry, method: method})
		rows++
	}
	return rows
}

// creditNewInvoice is §6.2 step 7; it returns the number of pieces applied.
func (m *model) creditNewInvoice(i *mInv, balanceBefore int64) (pieces int) {
	var credit int64
	for _, cp := range m.cps {
		credit += cp.unalloc
	}
	left := min(credit, max(0, balanceBefore), i.total)
	for _, cp := range m.cps { // oldest first
		if left == 0 {
			break
		}
		a := min(cp.unalloc, left)
		if a == 0 {
			continue
		}
		cp.unalloc -= a
		left -= a
		i.net += a
		i.rows = append(i.rows, mRow{amount: a, cpType: "CUSTOMER", entry: cp.entry, method: m.entries[cp.entry].method})
		pieces++
	}
	return pieces
}

func (m *model) post(e mEntry) int {
	m.entries = append(m.entries, e)
	return len(m.entries) - 1
}

var (
	manualMethods = []string{"CHEQUE", "BACS", "PAYPAL", "POST_OFFICE_PAYMENT_CARD", "CREDIT_CARD", "FAST_PAY", "OTHER"}
	// POST /customer-payments records money already received "whatever the method" (§4.17 step 4).
	customerPaymentTypes = []string{"BACS", "CHEQUE", "CREDIT_CARD", "OTHER", "GO_CARDLESS", "STRIPE_CARD", "DIRECT_DEBIT", "FINASTRA"}
)

type propStats struct {
	cases, steps, accepted, rejected atomic.Int64
	ops                              [5]atomic.Int64
	creditPieces, allocations        atomic.Int64 // §6.2 step 7 pieces and step 4 rows produced by the model
	resolvedMethods                  atomic.Int64 // refunds whose method came from the last payment (§4.12)
}

// opKind maps a drawn number to an operation. The draw is scrambled before bucketing because
// rapid favours small numbers; 0 (what shrinking aims for) is "create invoice".
// Weights: create invoice 20, invoice/adhoc payment 28, customer payment 20, adjustment 12, refund 20.
func opKind(op int) int {
	x := (op * 37) % 100
	switch {
	case x < 20:
		return 0
	case x < 48:
		return 1
	case x < 68:
		return 2
	case x < 80:
		return 3
	}
	return 4
}

var opNames = [5]string{"create invoice", "invoice/adhoc payment", "customer payment", "balance adjustment", "refund"}

func TestMoneyProperty(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngineParallel(t, func(t *testing.T, e *apitest.Env) {
		c := newClient(e)
		var st propStats
		rapid.Check(t, func(rt *rapid.T) { runCase(rt, c, &st) })
		var ops []string
		for i, n := range opNames {
			ops = append(ops, fmt.Sprintf("%s %d", n, st.ops[i].Load()))
		}
		t.Logf("property: %d rapid cases (fresh customer each), %d operations (%d accepted, %d rejected with 400; %s); model produced %d allocation rows and %d credit pieces on new invoices; %d refunds took the last payment's method; state compared after every operation",
			st.cases.Load(), st.steps.Load(), st.accepted.Load(), st.rejected.Load(), strings.Join(ops, ", "),
			st.allocations.Load(), st.creditPieces.Load(), st.resolvedMethods.Load())
	})
}

func runCase(rt *rapid.T, c *client, st *propStats) {
	st.cases.Add(1)
	m := &model{}
	var threshold *string
	if rapid.IntRange(0, 9).Draw(rt, "hasThreshold") < 6 {
		m.threshold = rapid.Int64Range(1, 100000).Draw(rt, "threshold")
		s := fmtMinor(m.threshold, gbp)
		threshold = &s
	}
	m.openBill = rapid.SampledFrom([]int64{0, 0, 1, 6050, 33333}).Draw(rt, "openBillRunValue")
	m.cust, m.site = c.customer(rt, 1, threshold, fmtMinor(m.openBill, gbp))

	n := rapid.IntRange(1, 24).Draw(rt, "steps")
	for step := 0; step < n; step++ {
		kind := opKind(rapid.IntRange(0, 99).Draw(rt, "op"))
		if len(m.invs) == 0 && (kind == 1 || kind == 4) {
			kind = 0
		}
		var check func()
		switch kind {
		case 0:
			check = m.createInvoice(rt, c, st)
		case 1:
			check = m.invoicePayment(rt, c, st)
		case 2:
			check = m.customerPayment(rt, c, st)
		case 3:
			check = m.adjustment(rt, c)
		default:
			check = m.refund(rt, c, st)
		}
		if check == nil { // an operation whose outcome the spec leaves open: not sent
			continue
		}
		st.steps.Add(1)
		st.ops[kind].Add(1)
		if kind == 0 || kind == 2 || kind == 3 {
			st.accepted.Add(1)
		}
		m.verify(rt, c)
		check()
	}
	m.verifyEnd(rt, c)
}

func (m *model) createInvoice(rt *rapid.T, c *client, st *propStats) func() {
	adhoc := rapid.Bool().Draw(rt, "adhoc")
	auto := rapid.IntRange(0, 4).Draw(rt, "autoCollect") == 4
	var total int64
	if rapid.IntRange(0, 9).Draw(rt, "zeroTotal") > 0 {
		total = rapid.Int64Range(1, 30000).Draw(rt, "total")
	}
	day := rapid.IntRange(1, 4).Draw(rt, "invoiceDay")
	due := rapid.IntRange(0, 3).Draw(rt, "dueAfterDays")
	inv := &mInv{adhoc: adhoc, auto: auto, total: total, invDate: fmt.Sprintf("2024-01-%02d", day), dueDate: fmt.Sprintf("2024-01-%02d", day+due)}
	r := c.post(rt, "/v1/invoices", map[string]any{"customerId": m.cust, "siteId": m.site, "billRunType": inv.kind(),
		"invoiceNumber": fmt.Sprintf("P-%d", next()), "invoiceDate": inv.invDate, "dueDate": inv.dueDate,
		"totalInMajorCurrency": amount(total, gbp), "autoCollect": auto}).want(rt, 201)
	o := r.obj(rt)
	inv.id = id(rt, o, "id")
	if num(o, "totalInMajorCurrency") != fmtMinor(total, gbp) {
		rt.Fatalf("created invoice total: %s", r)
	}
	before := m.balance()
	txn := "INVOICE_CREATED"
	if adhoc {
		txn = "ADHOC_INVOICE_CREATED"
	}
	m.post(mEntry{amount: -total, txn: txn, cpType: inv.cpType(), invoice: inv.id, brt: inv.kind()})
	m.invs = append(m.invs, inv)
	st.creditPieces.Add(int64(m.creditNewInvoice(inv, before)))
	return func() {}
}

func (m *model) invoicePayment(rt *rapid.T, c *client, st *propStats) func() {
	inv := m.invs[rapid.IntRange(0, len(m.invs)-1).Draw(rt, "invoice")]
	negative := rapid.IntRange(0, 3).Draw(rt, "negative") == 0
	mode := rapid.IntRange(0, 3).Draw(rt, "amountMode")
	var a int64
	if !negative {
		avail := inv.outstanding()
		switch mode {
		case 0: // within the available amount
			a = rapid.Int64Range(1, max(1, avail)).Draw(rt, "within")
		case 1: // exactly the available amount
			a = max(1, avail)
		case 2: // beyond
			a = avail + rapid.Int64Range(1, 5000).Draw(rt, "beyond")
		default:
			a = rapid.Int64Range(1, 100).Draw(rt, "small")
		}
	} else {
		cover := inv.net - inv.refunded
		switch mode {
		case 0, 3:
			a = -rapid.Int64Range(1, max(1, cover)).Draw(rt, "withinCover")
		case 1:
			a = -max(1, cover)
		default:
			a = -(cover + rapid.Int64Range(1, 3000).Draw(rt, "beyondCover"))
		}
	}
	method := rapid.SampledFrom(manualMethods).Draw(rt, "method")
	wrong := rapid.IntRange(0, 19).Draw(rt, "wrongEndpoint") == 0
	adhocPath := inv.adhoc != wrong
	path, idField, loc := "/v1/invoice-payments", "generatedInvoiceId", "/v1/invoice-payments/"
	if adhocPath {
		path, idField, loc = "/v1/adhoc-invoice-payments", "generatedAdhocInvoiceId", "/v1/adhoc-invoice-payments/"
	}
	desc := fmt.Sprintf("Prop payment %d", next())
	r := c.post(rt, path, map[string]any{idField: inv.id, "amountInMajorCurrency": amount(a, gbp), "description": desc, "paymentMethod": method})

	var ok bool
	var rule string
	switch {
	case wrong:
		rule = "§4.6/§4.9: the invoice is of the other kind (OP-34)"
	case a > 0:
		ok, rule = a <= inv.outstanding(), fmt.Sprintf("§4.6: positive manual amount %s ≤ available %s (outstanding %s, total %s, net collected %s)",
			fmtMinor(a, gbp), fmtMinor(inv.outstanding(), gbp), fmtMinor(inv.outstanding(), gbp), fmtMinor(inv.total, gbp), fmtMinor(inv.net, gbp))
	default:
		ok, rule = inv.net+a >= inv.refunded, fmt.Sprintf("OP-16: negative correction: net collected %s − %s ≥ refunds %s",
			fmtMinor(inv.net, gbp), fmtMinor(-a, gbp), fmtMinor(inv.refunded, gbp))
	}
	if !ok {
		st.rejected.Add(1)
		if r.status != 400 {
			rt.Fatalf("want 400 by %s; got %s", rule, r)
		}
		return func() {}
	}
	st.accepted.Add(1)
	if r.status != 201 {
		rt.Fatalf("want 201 by %s; got %s", rule, r)
	}
	txn := "PAYMENT"
	if a < 0 {
		txn = "PAYMENT_REVERSED"
	}
	ei := m.post(mEntry{amount: a, txn: txn, cpType: inv.cpType(), invoice: inv.id, method: method, brt: inv.kind()})
	inv.net += a
	inv.rows = append(inv.rows, mRow{amount: a, cpType: inv.cpType(), entry: ei, method: method})
	return func() {
		o := r.obj(rt)
		pid := id(rt, o, "id")
		got := fmt.Sprintf("%s=%s amount=%s tpps=%s currencyId=%s method=%s cpType=%s cpId=%s desc=%s metaData=%s errorInfo=%s Location=%s",
			idField, num(o, idField), num(o, "amountInMajorCurrency"), str(o, "thirdPartyPaymentStatus"), num(o, "currencyId"), str(o, "paymentMethod"),
			str(o, "customerPaymentType"), num(o, "customerPaymentId"), str(o, "description"), str(o, "metaData"), str(o, "errorInfo"), r.hdr.Get("Location"))
		want := fmt.Sprintf("%s=%d amount=%s tpps=null currencyId=1 method=%s cpType=%s cpId=%d desc=%s metaData=null errorInfo=null Location=%s%d",
			idField, inv.id, fmtMinor(a, gbp), method, inv.cpType(), m.entries[ei].id, desc, loc, pid)
		if got != want {
			rt.Fatalf("created payment (spec §4.6, §5.1.3, OP-24):\n got %s\nwant %s\n%s", got, want, r)
		}
		g := c.get(rt, fmt.Sprintf("%s%d", loc, pid)).want(rt, 200).obj(rt)
		if !reflect.DeepEqual(g, o) {
			rt.Fatalf("GET %s%d differs from the POST response:\n%v\n%v", loc, pid, g, o)
		}
	}
}

func (m *model) customerPayment(rt *rapid.T, c *client, st *propStats) func() {
	var out int64
	for _, i := range m.invs {
		out += i.outstanding()
	}
	var a int64
	switch rapid.IntRange(0, 2).Draw(rt, "amountMode") {
	case 0: // under-payment
		a = rapid.Int64Range(1, max(1, out)).Draw(rt, "under")
	case 1: // exactly what is owed
		a = max(1, out)
	default: // over-payment
		a = out + rapid.Int64Range(1, 5000).Draw(rt, "over")
	}
	brt := rapid.SampledFrom([]string{"", "", "NORMAL", "ADHOC"}).Draw(rt, "billRunType")
	typ := rapid.SampledFrom(customerPaymentTypes).Draw(rt, "type")
	ref := fmt.Sprintf("REF-%d", next())
	body := map[string]any{"customerId": m.cust, "amountInMajorCurrency": amount(a, gbp), "type": typ, "description": "Prop customer payment", "reference": ref}
	if brt != "" {
		body["billRunType"] = brt
	}
	r := c.post(rt, "/v1/customer-payments", body)
	if r.status != 200 {
		rt.Fatalf("customer payment: want 200 (§4.17); got %s", r)
	}
	ei := m.post(mEntry{amount: a, txn: "PAYMENT", cpType: "CUSTOMER", method: typ, brt: brt})
	cp := &mCP{entry: ei, unalloc: a}
	m.cps = append(m.cps, cp)
	st.allocations.Add(int64(m.allocate(cp, brt, typ)))
	bal := m.balance()
	return func() {
		o := r.obj(rt)
		got := fmt.Sprintf("id=%s customerId=%s amount=%s resulting=%s currencyId=%s type=%s cpType=%s txnType=%s invoiceId=%s invoiceNumber=%s billRunType=%s reference=%s",
			num(o, "id"), num(o, "customerId"), num(o, "amountInMajorCurrency"), num(o, "resultingCustomerBalance"), num(o, "currencyId"), str(o, "type"),
			str(o, "customerPaymentType"), str(o, "txnType"), num(o, "invoiceId"), str(o, "invoiceNumber"), str(o, "billRunType"), str(o, "reference"))
		want := fmt.Sprintf("id=%d customerId=%d amount=%s resulting=%s currencyId=1 type=%s cpType=CUSTOMER txnType=PAYMENT invoiceId=null invoiceNumber=null billRunType=%s reference=%s",
			m.entries[ei].id, m.cust, fmtMinor(a, gbp), fmtMinor(bal, gbp), typ, nullable(brt), ref)
		if got != want {
			rt.Fatalf("customer payment response (§4.17, §6.1.1, OP-25):\n got %s\nwant %s\n%s", got, want, r)
		}
	}
}

func (m *model) adjustment(rt *rapid.T, c *client) func() {
	a := rapid.Int64Range(1, 20000).Draw(rt, "adjustment")
	if rapid.Bool().Draw(rt, "debit") {
		a = -a
	}
	r := c.post(rt, "/v1/customer-balance-adjustments", map[string]any{"customerId": m.cust, "amountInMajorCurrency": amount(a, gbp), "description": "Prop adjustment"})
	if r.status != 200 {
		rt.Fatalf("balance adjustment: want 200 (§4.20); got %s", r)
	}
	ei := m.post(mEntry{amount: a, txn: "BALANCE_ADJUSTMENT", cpType: "CUSTOMER"})
	return func() {
		o := r.obj(rt)
		got := fmt.Sprintf("id=%s customerId=%s amount=%s currencyId=%s description=%s", num(o, "id"), num(o, "customerId"),
			num(o, "amountInMajorCurrency"), num(o, "currencyId"), str(o, "description"))
		want := fmt.Sprintf("id=%d customerId=%d amount=%s currencyId=1 description=Prop adjustment", m.entries[ei].id, m.cust, fmtMinor(a, gbp))
		if got != want {
			rt.Fatalf("adjustment response (§4.20, §5.1.10, OP-24):\n got %s\nwant %s", got, want)
		}
	}
}

func (m *model) refund(rt *rapid.T, c *client, st *propStats) func() {
	inv := m.invs[rapid.IntRange(0, len(m.invs)-1).Draw(rt, "invoice")]
	refundable := inv.net - inv.refunded
	body := map[string]any{"invoiceId": inv.id}
	brt := inv.kind()
	switch rapid.IntRange(0, 9).Draw(rt, "billRunTypeMode") {
	case 7, 8: // omitted: defaults to NORMAL (OP-23)
		brt = "NORMAL"
	case 9: // the other kind
		if inv.adhoc {
			brt = "NORMAL"
		} else {
			brt = "ADHOC"
		}
		body["billRunType"] = brt
	default:
		body["billRunType"] = brt
	}
	method := rapid.SampledFrom(manualMethods).Draw(rt, "method")
	blank := rapid.IntRange(0, 4).Draw(rt, "blankMethod") == 4
	if !blank {
		body["paymentMethod"] = method
	}
	resolved := false
	if blank || inv.auto {
		// §4.12 method choice: the method of the invoice's last successful payment; none → 400
		// (OP-23). Only sent when that payment is unambiguous here: the invoice's latest payment
		// row is positive and of a manual method (a provider method would need a provider, and
		// whether a negative correction is a "successful payment" is not settled).
		if len(inv.rows) > 0 {
			last := inv.rows[len(inv.rows)-1]
			if last.amount < 0 || !slices.Contains(manualMethods, last.method) {
				return nil
			}
			method, resolved = last.method, true
		}
	}
	body["description"] = "Prop refund"
	var a int64
	mode := rapid.IntRange(0, 3).Draw(rt, "amountMode")
	switch mode {
	case 0: // default: the whole refundable amount
		a = refundable
	case 1:
		a = rapid.Int64Range(1, max(1, refundable)).Draw(rt, "within")
	case 2:
		a = max(1, refundable)
	default:
		a = refundable + rapid.Int64Range(1, 3000).Draw(rt, "over")
	}
	if mode != 0 {
		body["amountInMajorCurrency"] = amount(a, gbp)
	}
	r := c.post(rt, "/v1/refunds", body)
	var ok bool
	var rule string
	switch {
	case brt != inv.kind():
		rule = fmt.Sprintf("§4.12: billRunType %s must match the %s invoice (default NORMAL, OP-23)", brt, inv.kind())
	case (blank || inv.auto) && len(inv.rows) == 0:
		rule = "§4.12/OP-23: no successful payment to take the method from"
	case mode == 0:
		ok, rule = refundable > 0, fmt.Sprintf("OP-23: default amount = refundable %s, 400 when 0", fmtMinor(refundable, gbp))
	default:
		ok, rule = a <= refundable, fmt.Sprintf("§6.6: refund %s ≤ refundable %s (net collected %s − refunds %s)",
			fmtMinor(a, gbp), fmtMinor(refundable, gbp), fmtMinor(inv.net, gbp), fmtMinor(inv.refunded, gbp))
	}
	if !ok {
		st.rejected.Add(1)
		if r.status != 400 {
			rt.Fatalf("want 400 by %s; got %s", rule, r)
		}
		return func() {}
	}
	st.accepted.Add(1)
	if r.status != 201 {
		rt.Fatalf("want 201 by %s; got %s", rule, r)
	}
	if resolved {
		st.resolvedMethods.Add(1)
	}
	m.post(mEntry{amount: -a, txn: "REFUND", cpType: inv.cpType(), invoice: inv.id, method: method, brt: inv.kind()})
	inv.refunded += a
	inv.refunds++
	m.refunds = append(m.refunds, mRefund{invoice: inv.id, amount: a, method: method, brt: inv.kind()})
	return func() {
		o := r.obj(rt)
		got := fmt.Sprintf("invoiceId=%s customerId=%s billRunType=%s status=%s method=%s amount=%s errorInfo=%s Location=%q",
			num(o, "invoiceId"), num(o, "customerId"), str(o, "billRunType"), str(o, "thirdPartyRefundStatus"), str(o, "paymentMethod"),
			num(o, "amountInMajorCurrency"), str(o, "errorInfo"), r.hdr.Get("Location"))
		want := fmt.Sprintf("invoiceId=%d customerId=%d billRunType=%s status=MANUALLY_REFUNDED method=%s amount=%s errorInfo=null Location=\"\"",
			inv.id, m.cust, inv.kind(), method, fmtMinor(a, gbp))
		if got != want {
			rt.Fatalf("refund response (§4.12 incl. method choice: blank=%v autoCollect=%v; §5.1.5, OP-5, OP-23):\n got %s\nwant %s\n%s", blank, inv.auto, got, want, r)
		}
	}
}

// verify compares the statement, the balance, every invoice and the credit status with the model.
func (m *model) verify(rt T, c *client) {
	// Statement (§6.1).
	st := c.statement(rt, m.cust)
	if len(st) != len(m.entries) {
		var got []string
		for _, e := range st {
			got = append(got, str(e, "txnType")+" "+num(e, "amountInMajorCurrency"))
		}
		var want []string
		for _, e := range m.entries {
			want = append(want, e.txn+" "+fmtMinor(e.amount, gbp))
		}
		rt.Fatalf("statement has %d entries, want %d:\n got %v\nwant %v", len(st), len(m.entries), got, want)
	}
	var bal int64
	for i, e := range st {
		me := &m.entries[i]
		eid := id(rt, e, "id")
		if me.id == 0 {
			me.id = eid
		}
		bal += me.amount
		got := fmt.Sprintf("id=%d customerId=%s amount=%s resulting=%s currencyId=%s txnType=%s cpType=%s invoiceId=%s type=%s billRunType=%s",
			eid, num(e, "customerId"), num(e, "amountInMajorCurrency"), num(e, "resultingCustomerBalance"), num(e, "currencyId"),
			str(e, "txnType"), str(e, "customerPaymentType"), num(e, "invoiceId"), str(e, "type"), str(e, "billRunType"))
		want := fmt.Sprintf("id=%d customerId=%d amount=%s resulting=%s currencyId=1 txnType=%s cpType=%s invoiceId=%s type=%s billRunType=%s",
			me.id, m.cust, fmtMinor(me.amount, gbp), fmtMinor(bal, gbp), me.txn, me.cpType, nullID(me.invoice), nullable(me.method), nullable(me.brt))
		if got != want {
			rt.Fatalf("statement entry #%d (spec §6.1.1, §6.1.2):\n got %s\nwant %s", i, got, want)
		}
		if i > 0 && eid <= m.entries[i-1].id {
			rt.Fatalf("statement not in ascending id order: %d after %d", eid, m.entries[i-1].id)
		}
	}

	// Balance and totals (§5.1.9, §6.13, OP-27).
	var total, since int64
	for _, e := range m.entries {
		switch e.txn {
		case "PAYMENT", "PAYMENT_REVERSED":
			total += e.amount
			since += e.amount
		case "INVOICE_CREATED", "ADHOC_INVOICE_CREATED":
			since = 0
		}
	}
	b := c.get(rt, fmt.Sprintf("/v1/customer-balances?customer_id=%d", m.cust)).want(rt, 200).obj(rt)
	pms, _ := b["paymentMethodSummary"].(map[string]any)
	rps, _ := b["repaymentPlanSummary"].(map[string]any)
	got := fmt.Sprintf("id=%s customerId=%s balance=%s totalPayments=%s sinceLastInvoice=%s pms=%s/%s rps=%s/%s/%s",
		num(b, "id"), num(b, "customerId"), num(b, "balance"), num(b, "totalPayments"), num(b, "totalPaymentsSinceLastInvoice"),
		str(pms, "paymentMethod"), str(pms, "summaryType"), num(rps, "repaymentPlanAmount"), num(rps, "repaymentPlanRemainingPeriods"), str(rps, "summaryType"))
	want := fmt.Sprintf("id=%d customerId=%d balance=%s totalPayments=%s sinceLastInvoice=%s pms=null/NONE rps=null/0/NONE",
		m.cust, m.cust, fmtMinor(bal, gbp), fmtMinor(total, gbp), fmtMinor(since, gbp))
	if got != want {
		rt.Fatalf("customer balance (spec §6.13, OP-27):\n got %s\nwant %s", got, want)
	}

	// Invoices (§6.3).
	list := c.get(rt, fmt.Sprintf("/v1/invoices?customerId=%d&page=1&pageSize=1000", m.cust)).want(rt, 200).arr(rt)
	if len(list) != len(m.invs) {
		rt.Fatalf("invoice list has %d invoices, want %d", len(list), len(m.invs))
	}
	byID := map[int64]map[string]any{}
	for _, o := range list {
		byID[id(rt, o, "id")] = o
	}
	for _, i := range m.invs {
		m.checkInvoice(rt, i, byID[i.id])
	}

	// Credit status (§5.1.11, §6.13, OP-14).
	if m.threshold > 0 {
		cs := c.get(rt, fmt.Sprintf("/v1/customer-credit-status?customerId=%d&page=1&pageSize=10", m.cust)).want(rt, 200).arr(rt)
		if len(cs) != 1 {
			rt.Fatalf("credit status: %d rows, want 1", len(cs))
		}
		billAmount := max(0, -bal) + m.openBill
		pct := (2*billAmount*10000 + m.threshold) / (2 * m.threshold) // half away from zero; billAmount ≥ 0
		o := cs[0]
		got := fmt.Sprintf("customerId=%s creditThreshold=%s billAmount=%s valueDifference=%s percentageDifference=%s openBillRunValue=%s",
			num(o, "customerId"), num(o, "creditThreshold"), num(o, "billAmount"), num(o, "valueDifference"), num(o, "percentageDifference"), num(o, "openBillRunValue"))
		want := fmt.Sprintf("customerId=%d creditThreshold=%s billAmount=%s valueDifference=%s percentageDifference=%s openBillRunValue=%s",
			m.cust, fmtMinor(m.threshold, gbp), fmtMinor(billAmount, gbp), fmtMinor(m.threshold-billAmount, gbp), fmtMinor(pct, 2), fmtMinor(m.openBill, gbp))
		if got != want {
			rt.Fatalf("credit status (spec §6.13; balance %s):\n got %s\nwant %s", fmtMinor(bal, gbp), got, want)
		}
	}
}

func (m *model) checkInvoice(rt T, i *mInv, o map[string]any) {
	if o == nil {
		rt.Fatalf("invoice %d missing", i.id)
	}
	trs := "null"
	if i.refunds > 0 {
		trs = "MANUALLY_REFUNDED"
	}
	got := fmt.Sprintf("id=%s billRunType=%s autoCollect=%v total=%s outstanding=%s paymentStatus=%s thirdPartyPaymentStatus=%s thirdPartyRefundStatus=%s",
		num(o, "id"), str(o, "billRunType"), o["autoCollect"], num(o, "totalInMajorCurrency"), num(o, "outstandingInMajorCurrency"), str(o, "paymentStatus"),
		str(o, "thirdPartyPaymentStatus"), str(o, "thirdPartyRefundStatus"))
	want := fmt.Sprintf("id=%d billRunType=%s autoCollect=%v total=%s outstanding=%s paymentStatus=%s thirdPartyPaymentStatus=null thirdPartyRefundStatus=%s",
		i.id, i.kind(), i.auto, fmtMinor(i.total, gbp), fmtMinor(i.outstanding(), gbp), i.status(), trs)
	if got != want {
		rt.Fatalf("invoice %d (spec §6.3; net collected %s, refunds %s):\n got %s\nwant %s", i.id, fmtMinor(i.net, gbp), fmtMinor(i.refunded, gbp), got, want)
	}
}

// verifyEnd checks what is too slow to check after every step: each invoice by id, its payment
// rows, the refunds, the statement filters, a single statement entry and an empty credit status.
func (m *model) verifyEnd(rt T, c *client) {
	for _, i := range m.invs {
		o := c.get(rt, fmt.Sprintf("/v1/invoices/%d", i.id)).want(rt, 200).obj(rt)
		m.checkInvoice(rt, i, o)

		path := fmt.Sprintf("/v1/invoice-payments?generatedInvoiceId=%d&page=1&pageSize=1000", i.id)
		idField := "generatedInvoiceId"
		if i.adhoc {
			path = fmt.Sprintf("/v1/adhoc-invoice-payments?generatedAdhocInvoiceId=%d&page=1&pageSize=1000", i.id)
			idField = "generatedAdhocInvoiceId"
		}
		var got, want []string
		for _, p := range c.get(rt, path).want(rt, 200).arr(rt) {
			got = append(got, fmt.Sprintf("%s=%s amount=%s cpType=%s cpId=%s method=%s tpps=%s currencyId=%s",
				idField, num(p, idField), num(p, "amountInMajorCurrency"), str(p, "customerPaymentType"), num(p, "customerPaymentId"),
				str(p, "paymentMethod"), str(p, "thirdPartyPaymentStatus"), num(p, "currencyId")))
		}
		for _, p := range i.rows {
			want = append(want, fmt.Sprintf("%s=%d amount=%s cpType=%s cpId=%d method=%s tpps=null currencyId=1",
				idField, i.id, fmtMinor(p.amount, gbp), p.cpType, m.entries[p.entry].id, p.method))
		}
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			rt.Fatalf("payments of %s invoice %d (spec §6.2 step 4/7, §5.1.3, OP-24):\n got %q\nwant %q", i.kind(), i.id, got, want)
		}
	}

	var got, want []string
	for _, r := range c.get(rt, fmt.Sprintf("/v1/refunds?customerId=%d&page=1&pageSize=1000", m.cust)).want(rt, 200).arr(rt) {
		got = append(got, fmt.Sprintf("invoiceId=%s customerId=%s billRunType=%s status=%s method=%s amount=%s",
			num(r, "invoiceId"), num(r, "customerId"), str(r, "billRunType"), str(r, "thirdPartyRefundStatus"), str(r, "paymentMethod"), num(r, "amountInMajorCurrency")))
	}
	for _, r := range m.refunds {
		want = append(want, fmt.Sprintf("invoiceId=%d customerId=%d billRunType=%s status=MANUALLY_REFUNDED method=%s amount=%s",
			r.invoice, m.cust, r.brt, r.method, fmtMinor(r.amount, gbp)))
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		rt.Fatalf("refunds of customer %d (§4.11):\n got %q\nwant %q", m.cust, got, want)
	}

	// excludeDebits drops negative entries; excludeCredits drops zero and positive ones (§6.1.3).
	for _, f := range []string{"excludeDebits", "excludeCredits"} {
		var got, want []int64
		for _, e := range c.get(rt, fmt.Sprintf("/v1/customer-payments?customer_id=%d&page=1&pageSize=1000&%s=true", m.cust, f)).want(rt, 200).arr(rt) {
			got = append(got, id(rt, e, "id"))
		}
		for _, e := range m.entries {
			if (f == "excludeDebits") == (e.amount >= 0) {
				want = append(want, e.id)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			rt.Fatalf("statement with %s=true: ids %v, want %v (§6.1.3)", f, got, want)
		}
	}

	if len(m.entries) > 0 {
		last := m.entries[len(m.entries)-1]
		st := c.statement(rt, m.cust)
		one := c.get(rt, fmt.Sprintf("/v1/customer-payments/%d", last.id)).want(rt, 200).obj(rt)
		if !reflect.DeepEqual(one, st[len(st)-1]) {
			rt.Fatalf("GET /v1/customer-payments/%d differs from the statement row:\n%v\n%v", last.id, one, st[len(st)-1])
		}
	}
	if m.threshold == 0 {
		cs := c.get(rt, fmt.Sprintf("/v1/customer-credit-status?customerId=%d&page=1&pageSize=10", m.cust)).want(rt, 200)
		if strings.TrimSpace(string(cs.body)) != "[]" {
			rt.Fatalf("a customer without creditThreshold is listed in the credit status (§6.13): %s", cs)
		}
	}
}
