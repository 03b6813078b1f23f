package service_test

import (
	"errors"
	"testing"

	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// TestKeyedCaller: a caller holding an Idempotency-Key gets its operation's one write
// transaction parked on the key, not committed, and a second write of the same caller is
// refused; the parked work becomes visible only when it commits with the stored response.
func TestKeyedCaller(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, svc *service.Service) {
		cust := newCustomer(t, svc, owner)
		if err := svc.Store.Tx(ctx, func(tx store.Tx) error {
			_, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "service-test", Key: "k1", Fingerprint: "f", CreatedAt: 1})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mark := &store.IdempotencyMark{Subject: "service-test", Key: "k1"}
		keyed := root.WithKey(mark)
		in := service.CustomerPaymentInput{CustomerID: cust.ID, Amount: money.MustParse("12.34"), Type: "BACS"}
		if _, err := svc.CreateCustomerPayment(ctx, keyed, in); err != nil {
			t.Fatal(err)
		}
		if !mark.HasParked() {
			t.Fatal("the keyed caller's write transaction committed by itself")
		}
		wantBalance(t, svc, cust, "0.00")
		if _, err := svc.AdjustBalance(ctx, keyed, service.BalanceAdjustmentInput{CustomerID: cust.ID, Amount: money.MustParse("1")}); !errors.Is(err, store.ErrSecondWrite) {
			t.Fatalf("a second write of the keyed caller: %v, want ErrSecondWrite", err)
		}
		if err := mark.Parked().Commit(&store.IdempotencyRecord{Subject: "service-test", Key: "k1", Status: 201, Header: "{}", Body: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
		wantBalance(t, svc, cust, "12.34")
	})
}
