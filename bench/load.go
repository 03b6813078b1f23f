package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// scenario is one kind of traffic.
type scenario struct {
	name  string
	limit string // the limit it is compared with; "" = none
	next  func(w *worker) request
}

type request struct {
	method, path string
	body         []byte
	key          string // Idempotency-Key, or none
}

// scenarios by name. Every client goroutine picks its invoices and customers uniformly at
// random, so requests of different clients rarely wait for the same customer's row.
var scenarios = map[string]scenario{
	"a": {name: "a invoice payment", limit: LimitWrite, next: invoicePayment},
	"b": {name: "b customer payment", limit: LimitWrite, next: func(w *worker) request {
		return request{method: "POST", path: "/v1/customer-payments",
			body: fmt.Appendf(nil, `{"customerId":%d,"amountInMajorCurrency":0.01,"type":"BACS"}`, w.customer())}
	}},
	"c": {name: "c customer balance", limit: LimitRead, next: balance},
	"d": {name: "d list payments", next: listPayments},
	"e": {name: "e 80% c + 20% a", limit: LimitWrite, next: func(w *worker) request {
		if w.rnd.IntN(5) == 0 {
			return invoicePayment(w)
		}
		return balance(w)
	}},
	// a at half of its best back-to-back throughput, paced (see measure); run after a's cells.
	halfPeak: {name: "a at ½ peak, paced", next: invoicePayment},
	"f": {name: "f a + Idempotency-Key", limit: LimitWrite, next: func(w *worker) request {
		r := invoicePayment(w)
		w.seq++
		r.key = w.prefix + strconv.FormatInt(w.seq, 36)
		return r
	}},
}

func invoicePayment(w *worker) request {
	return request{method: "POST", path: "/v1/invoice-payments",
		body: fmt.Appendf(nil, `{"generatedInvoiceId":%d,"amountInMajorCurrency":0.01,"description":"bench","paymentMethod":"CHEQUE"}`, w.invoice())}
}

func balance(w *worker) request {
	return request{method: "GET", path: "/v1/customer-balances?customer_id=" + strconv.FormatInt(w.customer(), 10)}
}

// listPayments is a page of GET /v1/invoice-payments through the list grammar of the contract
// (its filters here: generatedInvoiceId, customerPaymentId, customerPaymentType, billRunId;
// sorts on any listed field), 50 a page.
func listPayments(w *worker) request {
	var q string
	switch w.rnd.IntN(6) {
	case 0: // the largest payments: a sort on an unindexed money key over the whole table
		q = "sort=amountInMajorCurrency:desc"
	case 1: // one invoice's payments, latest first
		q = fmt.Sprintf("generatedInvoiceId=%d&sort=paymentDate:desc", w.invoice())
	case 2: // payments of three invoices, by amount
		q = fmt.Sprintf("generatedInvoiceId=in:%d,%d,%d&sort=amountInMajorCurrency:desc", w.invoice(), w.invoice(), w.invoice())
	case 3: // allocated customer payments, latest first, a later page
		q = fmt.Sprintf("customerPaymentType=CUSTOMER&sort=paymentDate:desc,id&page=%d", 1+w.rnd.IntN(20))
	case 4: // keyset-like: entries after a random one
		q = fmt.Sprintf("customerPaymentId=gt:%d&sort=id", w.entry())
	default: // a range of entries, by method
		lo := w.entry()
		q = fmt.Sprintf("customerPaymentId=gte:%d&customerPaymentId=lt:%d&sort=paymentMethod,paymentDate:desc", lo, lo+5000)
	}
	if !bytes.Contains([]byte(q), []byte("page=")) {
		q += "&page=1"
	}
	return request{method: "GET", path: "/v1/invoice-payments?pageSize=50&" + q}
}

// worker is one client goroutine.
type worker struct {
	d      *data
	rnd    *rand.Rand
	prefix string // of its idempotency keys
	seq    int64
	lat    []time.Duration
}

func (w *worker) invoice() int64  { return w.d.invoices[w.rnd.IntN(len(w.d.invoices))] }
func (w *worker) customer() int64 { return w.d.customers[w.rnd.IntN(len(w.d.customers))] }
func (w *worker) entry() int64 {
	if w.d.entryHi <= w.d.entryLo {
		return w.d.entryLo
	}
	return w.d.entryLo + w.rnd.Int64N(w.d.entryHi-w.d.entryLo)
}

// halfPeak names the paced cell of scenario a.
const halfPeak = "a½"

func runScenarios(ctx context.Context, c Config, srv *server, d *data, res *Result) error {
	run := time.Now().UnixNano()
	for _, name := range c.Scenarios {
		for _, n := range c.Concurrency {
			if err := ctx.Err(); err != nil {
				return err
			}
			cell := measure(ctx, c, srv, d, name, n, run, 0)
			logf(c, "%-24s c=%-3d %8.0f req/s  p99 %6.1f ms  errors %d", scenarios[name].name, n, cell.Rate, ms(cell.P99), cell.Errors)
			res.Cells = append(res.Cells, cell)
		}
		if name == "a" {
			// The latency target is set at half of the peak: requests arrive at that rate,
			// from as many clients as the largest cell had.
			var peak float64
			for _, cell := range res.Cells {
				if cell.Scenario == "a" {
					peak = max(peak, cell.Rate)
				}
			}
			if peak > 0 {
				n := slices.Max(c.Concurrency)
				cell := measure(ctx, c, srv, d, halfPeak, n, run, peak/2)
				logf(c, "%-24s c=%-3d %8.0f req/s  p99 %6.1f ms  errors %d (paced at %.0f/s)", scenarios[halfPeak].name, n, cell.Rate, ms(cell.P99), cell.Errors, peak/2)
				res.Cells = append(res.Cells, cell)
			}
		}
	}
	return nil
}

// dueTime is when the next request is due: now when due is nil (back to back), else the next
// time pace sends; false once pace has stopped.
func dueTime(due <-chan time.Time) (time.Time, bool) {
	if due == nil {
		return time.Now(), true
	}
	at, ok := <-due
	return at, ok
}

// pace sends, until ctx ends, the times at which requests are due, rate a second on average,
// along a Poisson schedule (exponentially distributed gaps, as independent clients arrive, and
// as pgbench -R schedules the paced limit): a paced cell's clients take one each, and its
// latency counts from that time, so time spent queueing behind a slow server is counted too.
func pace(ctx context.Context, rate float64) <-chan time.Time {
	due := make(chan time.Time, 1<<16)
	rnd := rand.New(rand.NewPCG(uint64(rate*1000), 7))
	go func() {
		defer close(due)
		at := time.Now()
		for {
			at = at.Add(time.Duration(rnd.ExpFloat64() / rate * float64(time.Second)))
			if d := time.Until(at); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
			select {
			case due <- at:
			case <-ctx.Done():
				return
			}
		}
	}()
	return due
}

// measure runs one cell: n clients doing back-to-back requests (or, with rate > 0, requests due
// at that rate: see pace) for c.Duration over keep-alive connections, while the server's RSS is
// sampled and its CPU time read before and after.
func measure(ctx context.Context, c Config, srv *server, d *data, name string, n int, run int64, rate float64) Cell {
	sc := scenarios[name]
	cctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	var peak atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := rssOf(srv.pid()); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-cctx.Done():
				return
			case <-t.C:
			}
		}
	}()

	var due <-chan time.Time
	if rate > 0 {
		due = pace(cctx, rate)
	}
	var errs atomic.Int64
	var firstErr sync.Once
	var first string
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	cpu0, self0, busy0, t0 := cpuOf(srv.pid()), cpuOf(os.Getpid()), machineBusy(), time.Now()
	for i := range workers {
		w := &worker{d: d, rnd: rand.New(rand.NewPCG(uint64(run), uint64(i)<<32|uint64(n))), prefix: fmt.Sprintf("bench-%x-%s-%d-%d-", run, name, n, i)}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(srv)
			defer cl.close()
			for cctx.Err() == nil {
				r := sc.next(w)
				start, ok := dueTime(due)
				if !ok {
					return
				}
				status, body, err := cl.do(cctx, r)
				lat := time.Since(start)
				if err != nil && (cctx.Err() != nil || errors.Is(err, context.DeadlineExceeded)) {
					return // cut off by the end of the cell: not counted
				}
				if err == nil && status >= 200 && status <= 299 {
					w.lat = append(w.lat, lat)
				} else {
					errs.Add(1)
					firstErr.Do(func() {
						if err != nil {
							first = fmt.Sprintf("%s %s: %v", r.method, r.path, err)
						} else {
							first = fmt.Sprintf("%s %s: %d %s", r.method, r.path, status, clip(body, 400))
						}
					})
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cpu1, self1, busy1 := cpuOf(srv.pid()), cpuOf(os.Getpid()), machineBusy()
	<-sampled

	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.lat...)
	}
	slices.Sort(lat)
	cell := Cell{Scenario: name, Concurrency: n, Requests: int64(len(lat)), Rate: float64(len(lat)) / c.Duration.Seconds(),
		Errors: errs.Load(), FirstError: first, PeakRSS: peak.Load(), CPU: share(cpu0, cpu1, elapsed),
		ClientCPU: share(self0, self1, elapsed), MachineCPU: share(busy0, busy1, elapsed), Paced: rate}
	cell.P50, cell.P95, cell.P99 = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99)
	return cell
}

// share is CPU time used between two readings, in % of one core over elapsed; -1 when either
// reading is unknown.
func share(t0, t1, elapsed time.Duration) float64 {
	if t0 < 0 || t1 < 0 || elapsed <= 0 {
		return -1
	}
	return 100 * float64(t1-t0) / float64(elapsed)
}

// quantile is the nearest-rank quantile q of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
