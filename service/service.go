// Package service holds elevatepay's business rules. Every operation runs inside one store
// transaction; handlers decode and validate the wire format, the service decides.
package service

import (
	"context"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/ttlcache"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/provider"
	"github.com/elevatepay/elevatepay/store"
)

// Service implements the operations of the API on a store.
type Service struct {
	Store  store.Store
	Tokens *auth.Tokens
	Brand  string           // brand name POST /authenticate expects
	Now    func() time.Time // clock; time.Now when nil
	// Passwords bounds how many password checks run at once; auth.DefaultChecker() when nil.
	Passwords *auth.Checker
	// Providers are the adapters of the configured payment providers, by provider id
	// (--providers); a provider without one has no webhook and cannot collect.
	Providers map[int64]provider.Adapter

	subjects ttlcache.Cache[string, bool] // answers of SubjectDisabled
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) today() string { return s.now().Format("2006-01-02") }

// write runs fn in the operation's one write transaction. For a caller holding an
// Idempotency-Key the transaction is parked on the key when fn succeeds and commits later with
// the stored response (spec §2.14); otherwise it commits at once.
func (s *Service) write(ctx context.Context, who Caller, fn func(store.Tx) error) error {
	if who.key != nil {
		return s.Store.KeyedTx(ctx, who.key, fn)
	}
	return s.Store.Tx(ctx, fn)
}

// read runs one read in its own read-only transaction.
func read[T any](ctx context.Context, s *Service, fn func(store.Tx) (T, error)) (T, error) {
	return readWith(ctx, s.Store.Read, fn)
}

// readOne runs a read of one statement without a transaction (Store.ReadOne): a single
// statement reads one snapshot, and BEGIN and COMMIT would double its round trips.
func readOne[T any](ctx context.Context, s *Service, fn func(store.Tx) (T, error)) (T, error) {
	return readWith(ctx, s.Store.ReadOne, fn)
}

// readWith runs fn through run (Store.Read or Store.ReadOne) and returns what it read.
func readWith[T any](ctx context.Context, run func(context.Context, func(store.Tx) error) error, fn func(store.Tx) (T, error)) (out T, err error) {
	err = run(ctx, func(tx store.Tx) error {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// readList runs one list read in its own read-only transaction.
func readList[T any](ctx context.Context, s *Service, fn func(store.Tx) ([]T, int64, error)) (out []T, total int64, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		out, total, err = fn(tx)
		return err
	})
	return out, total, err
}

// minor converts an amount to minor units of a currency with exponent exp, with the field
// name in the error (spec §2.11: too many decimal places → 400, never rounded).
func minor(field string, d money.Decimal, exp int32) (int64, error) {
	v, err := d.Minor(exp)
	if err != nil {
		return 0, ep.Invalid(field, err.Error())
	}
	return v, nil
}

// checkDate validates a YYYY-MM-DD calendar date.
func checkDate(field, v string) error {
	if _, err := time.Parse("2006-01-02", v); err != nil || len(v) != 10 {
		return ep.Invalid(field, "must be a date in the form YYYY-MM-DD")
	}
	return nil
}
