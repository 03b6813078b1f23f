package postgres_test

import (
	"context"
	"testing"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel() // every subtest opens a fresh schema
	storetest.Run(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}

// TestClaimCommitsWithoutFlushOnly: an idempotency key's claim outside a transaction turns off
// synchronous_commit for its own statement only; the connection keeps the server's setting for
// everything after it (a money movement's commit still waits for the disk).
func TestClaimCommitsWithoutFlushOnly(t *testing.T) {
	t.Parallel()
	s := testdb.Postgres(t)
	db := s.SQL()
	db.SetMaxOpenConns(1) // the claim and the checks share one connection
	ctx := context.Background()
	rec := &store.IdempotencyRecord{Subject: "s", Key: "k", Fingerprint: "f", CreatedAt: 1}
	if err := s.Auto(ctx, func(tx store.Tx) error {
		existing, err := tx.IdempotencyBegin(rec)
		if err == nil && existing != nil {
			t.Errorf("a new key came back as existing: %+v", existing)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var setting string
	if err := db.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&setting); err != nil || setting != "on" {
		t.Errorf("synchronous_commit after the claim = %q, %v; want on", setting, err)
	}
	var got *store.IdempotencyRecord
	if err := s.Auto(ctx, func(tx store.Tx) (err error) { got, err = tx.IdempotencyBegin(rec); return err }); err != nil || got == nil || got.Fingerprint != "f" {
		t.Errorf("the claimed key read back as %+v, %v", got, err)
	}
}
