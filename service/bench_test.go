package service_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

var admin = service.As(auth.Principal{Subject: "bench", Admin: true, Scopes: []string{auth.ScopeAdmin}})

// seedCustomers creates n customers with one site and two invoices each.
func seedCustomers(b *testing.B, svc *service.Service, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	var ids []int64
	for i := 0; i < n; i++ {
		c, err := svc.CreateCustomer(ctx, admin, service.CustomerInput{ContractOwnerID: 7, CustomerName: fmt.Sprintf("C%d", i), CurrencyID: 1})
		if err != nil {
			b.Fatal(err)
		}
		site, err := svc.CreateSite(ctx, admin, service.SiteInput{CustomerID: c.ID, SiteName: "S"})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			if _, err := svc.CreateInvoice(ctx, admin, service.InvoiceInput{CustomerID: c.ID, SiteID: site.ID, BillRunType: "NORMAL",
				InvoiceNumber: fmt.Sprintf("I%d-%d", i, j), InvoiceDate: "2024-01-01", DueDate: "2024-01-31", Total: money.MustParse("1000000")}); err != nil {
				b.Fatal(err)
			}
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// BenchmarkCustomerPayments measures customer payments (ledger posting + allocation) with 8
// concurrent workers, first all on ONE customer (they must serialise on its row), then each on
// its own customer (they must not wait for each other). It reports payments/s of both and the
// ratio: with no global row, spreading work over customers is never slower.
//
//	go test ./service -run XXX -bench CustomerPayments -benchtime 400x
func BenchmarkCustomerPayments(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var st store.Store
			if engine == "sqlite" {
				st = testdb.SQLite(b)
			} else {
				st = testdb.Postgres(b)
			}
			svc := &service.Service{Store: st}
			const workers = 8
			customers := seedCustomers(b, svc, workers)
			run := func(pick func(w int) int64) float64 {
				var next atomic.Int64
				var wg sync.WaitGroup
				start := time.Now()
				for w := 0; w < workers; w++ {
					wg.Add(1)
					go func(w int) {
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							if _, err := svc.CreateCustomerPayment(context.Background(), admin, service.CustomerPaymentInput{CustomerID: pick(w),
								Amount: money.MustParse("1.23"), Type: "BACS"}); err != nil {
								b.Error(err)
								return
							}
						}
					}(w)
				}
				wg.Wait()
				return float64(b.N) / time.Since(start).Seconds()
			}
			b.ResetTimer()
			one := run(func(int) int64 { return customers[0] })
			many := run(func(w int) int64 { return customers[w] })
			b.StopTimer()
			b.ReportMetric(one, "payments/s-one-customer")
			b.ReportMetric(many, "payments/s-many-customers")
			b.ReportMetric(many/one, "ratio")
		})
	}
}
