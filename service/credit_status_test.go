package service_test

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// TestCreditStatus covers §6.13 (OP-14): billAmount = max(0, −balance) + open bill run,
// valueDifference = threshold − billAmount, percentageDifference = billAmount / threshold × 100
// rounded half away from zero to hundredths; only customers with a threshold are listed.
func TestCreditStatus(t *testing.T) {
	t.Parallel()

	// status returns the credit status row of customer id as seen by root, failing if absent.
	status := func(t *testing.T, svc *service.Service, id int64) ep.CreditStatus {
		t.Helper()
		list, _, err := svc.CreditStatus(ctx, root, allRows)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.CustomerID == id {
				return c
			}
		}
		t.Fatalf("customer %d not in credit status", id)
		return ep.CreditStatus{}
	}
	// want checks a row against literal figures and against the ledger.CreditFigures oracle.
	want := func(t *testing.T, svc *service.Service, cust *ep.Customer, bill, diff string, pct100 int64) {
		t.Helper()
		c := status(t, svc, cust.ID)
		if amt(c.BillAmount.Int64()) != bill || amt(c.ValueDifference.Int64()) != diff || c.Percent100.Int64() != pct100 {
			t.Errorf("customer %d: bill %s, difference %s, %d/100 %%; want %s, %s, %d/100 %%", cust.ID,
				amt(c.BillAmount.Int64()), amt(c.ValueDifference.Int64()), c.Percent100.Int64(), bill, diff, pct100)
		}
		b, err := svc.CustomerBalance(ctx, root, cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		ob, od, op := ledger.CreditFigures(b.Balance, c.OpenBillRun, c.CreditThreshold)
		if ob != c.BillAmount.Int64() || od != c.ValueDifference.Int64() || op != c.Percent100.Int64() {
			t.Errorf("customer %d: listed %v %v %v, oracle %d %d %d", cust.ID, c.BillAmount, c.ValueDifference, c.Percent100, ob, od, op)
		}
	}
	withThreshold := func(t *testing.T, svc *service.Service, co int32, threshold, openBillRun string) *ep.Customer {
		th, obr := money.MustParse(threshold), money.MustParse(openBillRun)
		return newCustomerWith(t, svc, service.CustomerInput{ContractOwnerID: co, CreditThreshold: &th, OpenBillRunValue: &obr})
	}

	t.Run("follows the balance through invoices, payments and credit", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := withThreshold(t, svc, owner, "500.00", "20.00")
			want(t, svc, cust, "20.00", "480.00", 400)
			inv := newInvoice(t, svc, cust, newSite(t, svc, cust), "300.00", "2024-02-01")
			want(t, svc, cust, "320.00", "180.00", 6400)
			customerPay(t, svc, cust, "100.00", "")
			want(t, svc, cust, "220.00", "280.00", 4400)
			customerPay(t, svc, cust, "400.00", "") // 200.00 pays the invoice, 200.00 is credit
			wantInvoice(t, svc, inv.ID, "0.00", "PAID")
			wantCredit(t, svc, cust, "200.00")
			want(t, svc, cust, "20.00", "480.00", 400) // a positive balance does not lower the bill
			adjust(t, svc, cust, "-700.00")
			want(t, svc, cust, "520.00", "-20.00", 10400)
		})
	})

	t.Run("rounds the percentage half away from zero", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			third := withThreshold(t, svc, owner, "3.00", "1.00")
			twoThirds := withThreshold(t, svc, owner, "3.00", "2.00")
			half := withThreshold(t, svc, owner, "200.00", "0.01") // 0.005 % → 0.01 %
			want(t, svc, third, "1.00", "2.00", 3333)
			want(t, svc, twoThirds, "2.00", "1.00", 6667)
			want(t, svc, half, "0.01", "199.99", 1)
		})
	})

	t.Run("lists only customers with a threshold that the caller sees", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			mine := withThreshold(t, svc, owner, "100.00", "0")
			newCustomer(t, svc, owner) // no threshold
			theirs := withThreshold(t, svc, owner+1, "100.00", "0")
			for _, tc := range []struct {
				name string
				p    []int32
				want []int64
			}{
				{"owner", []int32{owner}, []int64{mine.ID}},
				{"other owner", []int32{owner + 1}, []int64{theirs.ID}},
				{"both", []int32{owner, owner + 1}, []int64{mine.ID, theirs.ID}},
				{"none", nil, nil},
			} {
				list, total, err := svc.CreditStatus(ctx, ownerPrincipal(tc.p...), allRows)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, c := range list {
					got = append(got, c.CustomerID)
				}
				if total != int64(len(tc.want)) || len(got) != len(tc.want) {
					t.Errorf("%s: customers %v (total %d), want %v", tc.name, got, total, tc.want)
					continue
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Errorf("%s: customers %v, want %v", tc.name, got, tc.want)
					}
				}
			}
		})
	})
}
