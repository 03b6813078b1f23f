package service_test

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
)

// TestBalanceAdjustments covers §4.20: a balance adjustment posts one BALANCE_ADJUSTMENT entry
// (positive = credit, negative = debit) and never creates allocatable credit (§6.2 step 8).
func TestBalanceAdjustments(t *testing.T) {
	t.Parallel()

	t.Run("credits and debits the balance with one entry each", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			steps := []struct{ amount, balance string }{
				{"25.50", "25.50"},
				{"-10.00", "15.50"},
				{"-20.01", "-4.51"},
			}
			for i, s := range steps {
				e := adjust(t, svc, cust, s.amount)
				if e.TxnType != "BALANCE_ADJUSTMENT" || e.CustomerPaymentType != "CUSTOMER" || amt(e.Amount) != s.amount ||
					amt(e.ResultingBalance) != s.balance || e.PaymentDate != today || e.Seq != int64(i+1) {
					t.Errorf("entry %d = %s %s %s → %s on %s (seq %d); want BALANCE_ADJUSTMENT CUSTOMER %s → %s on %s (seq %d)",
						i+1, e.TxnType, e.CustomerPaymentType, amt(e.Amount), amt(e.ResultingBalance), e.PaymentDate, e.Seq, s.amount, s.balance, today, i+1)
				}
				wantBalance(t, svc, cust, s.balance)
			}
			wantCredit(t, svc, cust, "0.00")
		})
	})

	t.Run("refuses zero and sub-cent adjustments", func(t *testing.T) {
		t.Parallel()
		forEachStore(t, func(t *testing.T, svc *service.Service) {
			cust := newCustomer(t, svc, owner)
			for _, a := range []string{"0", "0.00", "1.005"} {
				_, err := svc.AdjustBalance(ctx, root, service.BalanceAdjustmentInput{CustomerID: cust.ID, Amount: money.MustParse(a)})
				wantError(t, err, ep.EINVALID, "amountInMajorCurrency")
			}
			wantBalance(t, svc, cust, "0.00")
			if n := entryCount(t, svc, cust); n != 0 {
				t.Errorf("%d entries after refused adjustments, want 0", n)
			}
		})
	})
}
