// Command floodcheck measures what unauthenticated floods cost a running elevatepay server:
// while a few clients make manual invoice payments, it floods the server with deeply nested
// and very wide JSON bodies, requests with invented HTTP methods, and wrong logins, and prints for every phase
// the payment throughput as a ratio of the no-flood baseline measured in the same run, payment
// errors and latency, and the server's resident memory (sampled from /proc).
//
//	go run ./internal/floodcheck -url http://127.0.0.1:8080 -pid $(pgrep -n elevatepay) -token "$TOKEN"
//
// It creates its own customer, site and invoices with the admin token, sends traffic only to
// -url (use a loopback address), and stops by itself after the phases.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floodcheck:", err)
		os.Exit(1)
	}
}

type config struct {
	url, token, brand string
	pid               int
	phase             time.Duration
	payers, flooders  int
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("floodcheck", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	fs.StringVar(&c.token, "token", "", "admin bearer token")
	fs.StringVar(&c.brand, "brand", "elevatepay", "brand the server expects on POST /v1/authenticate")
	fs.IntVar(&c.pid, "pid", 0, "server process id (for its memory); 0 = do not sample")
	fs.DurationVar(&c.phase, "phase", 10*time.Second, "length of each phase")
	fs.IntVar(&c.payers, "payers", 4, "concurrent payment clients")
	fs.IntVar(&c.flooders, "flooders", 32, "concurrent flooding clients per kind")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.token == "" {
		return fmt.Errorf("-token is required (an admin token of the server)")
	}
	if !strings.HasPrefix(c.url, "http://127.") && !strings.HasPrefix(c.url, "http://localhost") && !strings.HasPrefix(c.url, "http://[::1]") {
		return fmt.Errorf("-url must be a loopback address")
	}
	invoices, err := setUp(c)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	phases := []struct {
		name  string
		kinds []func(*http.Client, config) int
	}{
		{"baseline (payments only)", nil},
		{"nested JSON bodies (1 MiB of '[')", []func(*http.Client, config) int{nested}},
		{"invented 50 KB methods", []func(*http.Client, config) int{inventedMethod}},
		{"wrong logins", []func(*http.Client, config) int{wrongLogin}},
		{"wide JSON bodies (40,000 values)", []func(*http.Client, config) int{wide}},
		{"all four floods at once", []func(*http.Client, config) int{nested, wide, inventedMethod, wrongLogin}},
	}
	fmt.Fprintf(out, "%-36s %10s %8s %8s %8s %7s %12s %12s\n", "phase", "payments/s", "ratio", "p50 ms", "p99 ms", "errors", "flood req/s", "peak RSS MB")
	var base float64
	for _, ph := range phases {
		r := measure(c, invoices, ph.kinds)
		if base == 0 {
			base = r.rate
		}
		fmt.Fprintf(out, "%-36s %10.0f %8.2f %8.1f %8.1f %7d %12.0f %12.1f\n", ph.name, r.rate, r.rate/base, ms(r.p50), ms(r.p99), r.errors, r.floodRate, float64(r.peakRSS)/(1<<20))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type result struct {
	rate, floodRate float64
	p50, p99        time.Duration
	errors          int64
	peakRSS         int64
}

// measure runs the payment clients (and the floods) for one phase.
func measure(c config, invoices []int64, floods []func(*http.Client, config) int) result {
	ctx, cancel := context.WithTimeout(context.Background(), c.phase)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lat []time.Duration
	var errs, flooded atomic.Int64
	payClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.payers}}
	for i := 0; i < c.payers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				inv := invoices[rand.IntN(len(invoices))]
				start := time.Now()
				st := post(payClient, c, "/v1/invoice-payments", fmt.Sprintf(`{"generatedInvoiceId":%d,"amountInMajorCurrency":0.01,"description":"floodcheck","paymentMethod":"CHEQUE"}`, inv), nil)
				d := time.Since(start)
				if ctx.Err() != nil && st == 0 {
					return // cut off by the end of the phase
				}
				if st != 201 {
					errs.Add(1)
					continue
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	floodClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.flooders * 3}}
	for _, f := range floods {
		for i := 0; i < c.flooders; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					f(floodClient, c)
					flooded.Add(1)
				}
			}()
		}
	}
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if rss := rssOf(c.pid); rss > peak.Load() {
				peak.Store(rss)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-done
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{rate: float64(len(lat)) / c.phase.Seconds(), floodRate: float64(flooded.Load()) / c.phase.Seconds(), errors: errs.Load(), peakRSS: peak.Load()}
	if n := len(lat); n > 0 {
		r.p50, r.p99 = lat[n/2], lat[n*99/100]
	}
	return r
}

var nestedBody = bytes.Repeat([]byte("["), 1<<20-1)

// wideBody is an object whose username is a flat array of 40,000 numbers: just under the
// server's bound of values a body may hold, so it is decoded and validated (a wider body is
// refused before decoding and costs next to nothing).
var wideBody = []byte(`{"brand":"x","username":[` + strings.Repeat("0,", 40000) + `0],"password":"p"}`)

func wide(cl *http.Client, c config) int {
	return send(cl, "POST", c.url+"/v1/authenticate", wideBody, nil)
}

func nested(cl *http.Client, c config) int {
	return send(cl, "POST", c.url+"/v1/authenticate", nestedBody, nil)
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func inventedMethod(cl *http.Client, c config) int {
	b := make([]byte, 50<<10)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return send(cl, string(b), c.url+"/v1/invoice-payments", nil, nil)
}

func wrongLogin(cl *http.Client, c config) int {
	user := "demo"
	if rand.IntN(2) == 0 {
		user = "nobody-" + strconv.Itoa(rand.IntN(1000))
	}
	body, _ := json.Marshal(map[string]string{"brand": c.brand, "username": user, "password": "wrong-" + strconv.Itoa(rand.Int())})
	return send(cl, "POST", c.url+"/v1/authenticate", body, nil)
}

func post(cl *http.Client, c config, path, body string, out any) int {
	return send(cl, "POST", c.url+path, []byte(body), out, "Authorization", "Bearer "+c.token)
}

// send makes one request and returns its status (0 when it failed).
func send(cl *http.Client, method, url string, body []byte, out any, hdr ...string) int {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	return resp.StatusCode
}

// setUp creates a customer, a site and 50 large invoices to pay.
func setUp(c config) ([]int64, error) {
	cl := &http.Client{Timeout: 30 * time.Second}
	var obj struct {
		ID int64 `json:"id"`
	}
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	if st := post(cl, c, "/v1/customers", `{"contractOwnerId":7,"customerName":"Floodcheck `+suffix+`","currencyId":1}`, &obj); st != 201 {
		return nil, fmt.Errorf("create customer: status %d (is the token an admin token of this server?)", st)
	}
	cust := obj.ID
	if st := post(cl, c, "/v1/sites", fmt.Sprintf(`{"customerId":%d,"siteName":"Floodcheck","siteInvoiceDetails":{"paymentMethod":"CHEQUE"}}`, cust), &obj); st != 201 {
		return nil, fmt.Errorf("create site: status %d", st)
	}
	site := obj.ID
	var invoices []int64
	for i := 0; i < 50; i++ {
		body := fmt.Sprintf(`{"customerId":%d,"siteId":%d,"billRunType":"NORMAL","invoiceNumber":"FLOOD-%s-%d","invoiceDate":"2024-05-01","dueDate":"2024-05-31","totalInMajorCurrency":99999}`, cust, site, suffix, i)
		if st := post(cl, c, "/v1/invoices", body, &obj); st != 201 {
			return nil, fmt.Errorf("create invoice: status %d", st)
		}
		invoices = append(invoices, obj.ID)
	}
	return invoices, nil
}

// rssOf returns the resident set size of process pid in bytes (0 when unknown).
func rssOf(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
