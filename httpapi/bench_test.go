package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

// BenchmarkHTTP measures requests per second over loopback with parallel clients, for a
// baseline (GET /healthz: routing, middleware, no database) and for real operations, and reports
// each operation's throughput as a ratio of the baseline measured in the same run.
//
//	go test ./httpapi -run XXX -bench HTTP -benchtime 2000x
func BenchmarkHTTP(b *testing.B) {
	for _, engine := range apitest.Engines {
		b.Run(engine, func(b *testing.B) {
			e := apitest.New(b, engine)
			w := seedWorld(b, e)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
			var seq atomic.Int64
			do := func(method, path, body string) int {
				req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+w.admin)
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			ops := []struct {
				name   string
				status int
				req    func() (string, string, string)
			}{
				{"healthz", 200, func() (string, string, string) { return "GET", "/healthz", "" }},
				{"list-invoices", 200, func() (string, string, string) {
					return "GET", "/v1/invoices?page=1&pageSize=50&paymentStatus=in:UNPAID,PARTIALLY_PAID&sort=dueDate", ""
				}},
				{"get-customer", 200, func() (string, string, string) { return "GET", fmt.Sprintf("/v1/customers/%d", w.mine.customer), "" }},
				{"customer-payment", 200, func() (string, string, string) {
					return "POST", "/v1/customer-payments", fmt.Sprintf(`{"customerId":%d,"amountInMajorCurrency":1.01,"type":"BACS","reference":"R%d"}`, w.mine.customer, seq.Add(1))
				}},
			}
			rates := map[string]float64{}
			for _, op := range ops {
				var n atomic.Int64
				start := time.Now()
				b.Run(op.name, func(b *testing.B) {
					b.SetParallelism(4)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							m, p, body := op.req()
							if s := do(m, p, body); s != op.status {
								b.Errorf("%s %s: %d", m, p, s)
								return
							}
							n.Add(1)
						}
					})
				})
				rates[op.name] = float64(n.Load()) / time.Since(start).Seconds()
			}
			for _, op := range ops[1:] {
				fmt.Printf("%s %s: %.0f req/s = %.3f × the /healthz baseline (%.0f req/s)\n", engine, op.name, rates[op.name], rates[op.name]/rates["healthz"], rates["healthz"])
			}
		})
	}
}
