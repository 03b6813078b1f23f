package storetest

import (
	"errors"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

func testIdempotency(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		k := &store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f1", CreatedAt: 1000}
		existing, err := tx.IdempotencyBegin(k)
		if err != nil || existing != nil {
			t.Fatalf("first begin: %+v %v", existing, err)
		}
		existing, err = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f2", CreatedAt: 1001})
		if err != nil || existing == nil || existing.Completed || existing.Fingerprint != "f1" {
			t.Fatalf("second begin while running: %+v %v", existing, err)
		}
		if other, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "bob", Key: "k1", Fingerprint: "f1", CreatedAt: 1000}); other != nil || err != nil {
			t.Fatalf("keys are per subject: %+v %v", other, err)
		}
		k.Status, k.Header, k.Body = 201, `{"Location":["/v1/x/1"]}`, []byte(`{"id":1}`)
		if err := tx.IdempotencyComplete(k); err != nil {
			t.Fatal(err)
		}
		existing, _ = tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "alice", Key: "k1", Fingerprint: "f1", CreatedAt: 1002})
		if existing == nil || !existing.Completed || existing.Status != 201 || string(existing.Body) != `{"id":1}` || existing.Header != k.Header {
			t.Fatalf("completed record: %+v", existing)
		}
		if err := tx.IdempotencyRelease("bob", "k1"); err != nil {
			t.Fatal(err)
		}
		if again, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "bob", Key: "k1", Fingerprint: "f9", CreatedAt: 5000}); again != nil {
			t.Fatalf("released key still there: %+v", again)
		}
		n, err := tx.IdempotencyPurge(2000)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		return nil
	})
	// Take-over of a key whose request never executed; a marked (executed) key cannot be taken.
	stale := &store.IdempotencyRecord{Subject: "carol", Key: "k", Fingerprint: "f", CreatedAt: 100}
	tx(t, s, func(tx store.Tx) error { _, err := tx.IdempotencyBegin(stale); return err })
	tx(t, s, func(tx store.Tx) error {
		again := &store.IdempotencyRecord{Subject: "carol", Key: "k", Fingerprint: "f", CreatedAt: 500}
		if won, err := tx.IdempotencyTakeOver(again, 99); won || err != nil {
			t.Fatalf("take-over with a stale view: %v %v", won, err)
		}
		if won, err := tx.IdempotencyTakeOver(again, 100); !won || err != nil {
			t.Fatalf("take-over: %v %v", won, err)
		}
		if won, _ := tx.IdempotencyTakeOver(again, 100); won {
			t.Fatal("a key was taken over twice")
		}
		return nil
	})
	testIdempotencyParking(t, s)
}

// testIdempotencyParking: a keyed request's write transaction is parked instead of committing,
// and commits only together with its stored response (or is rolled back whole).
func testIdempotencyParking(t *testing.T, s store.Store) {
	m := &store.IdempotencyMark{Subject: "carol", Key: "k"}
	if err := s.KeyedTx(ctx(), m, func(store.Tx) error { return errRollback }); !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if m.HasParked() {
		t.Fatal("a failed transaction was parked")
	}
	if err := s.Read(ctx(), func(store.Tx) error { return nil }); err != nil || m.HasParked() {
		t.Fatalf("a read was parked (%v)", err)
	}
	var cust *ep.Customer
	if err := s.KeyedTx(ctx(), m, func(tx store.Tx) error { cust, _ = seed(t, tx, 7, "Parked Ltd"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !m.HasParked() {
		t.Fatal("a successful keyed transaction committed by itself")
	}
	visible := func() bool {
		var found bool
		if err := s.Read(ctx(), func(tx store.Tx) error {
			_, err := tx.Customer(store.AllOwners, cust.ID, false)
			found = err == nil
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	if visible() {
		t.Fatal("the parked transaction's work is visible before its response is stored")
	}
	if err := s.KeyedTx(ctx(), m, func(store.Tx) error { return nil }); !errors.Is(err, store.ErrSecondWrite) {
		t.Fatalf("a second write transaction of a keyed request: %v", err)
	}
	rec := &store.IdempotencyRecord{Subject: "carol", Key: "k", Status: 201, Header: `{"Location":["/v1/customers/1"]}`, Body: []byte(`{"id":1}`)}
	if err := m.Parked().Commit(rec); err != nil {
		t.Fatal(err)
	}
	if m.HasParked() || !visible() {
		t.Fatal("Commit did not commit the parked work")
	}
	tx(t, s, func(tx store.Tx) error {
		r, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "carol", Key: "k", CreatedAt: 1})
		if !r.Executed || !r.Completed || r.Status != 201 || string(r.Body) != `{"id":1}` || r.Header != rec.Header || r.CreatedAt != 500 {
			t.Fatalf("after a committed keyed transaction: %+v", r)
		}
		if won, _ := tx.IdempotencyTakeOver(&store.IdempotencyRecord{Subject: "carol", Key: "k", CreatedAt: 900}, 500); won {
			t.Fatal("an executed key was taken over")
		}
		return nil
	})
	// Rolled back while parked: nothing of it stays, the key is not executed.
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "dave", Key: "k", Fingerprint: "f", CreatedAt: 700})
		return err
	})
	m2 := &store.IdempotencyMark{Subject: "dave", Key: "k"}
	var gone *ep.Customer
	if err := s.KeyedTx(ctx(), m2, func(tx store.Tx) error { gone, _ = seed(t, tx, 7, "Gone Ltd"); return nil }); err != nil {
		t.Fatal(err)
	}
	m2.Parked().Rollback()
	tx(t, s, func(tx store.Tx) error {
		if _, err := tx.Customer(store.AllOwners, gone.ID, false); ep.ErrorCode(err) != ep.ENOTFOUND {
			t.Fatalf("rolled-back parked work is visible: %v", err)
		}
		r, _ := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: "dave", Key: "k", CreatedAt: 1})
		if r.Executed || r.Completed {
			t.Fatalf("a rolled-back keyed transaction marked its key: %+v", r)
		}
		return nil
	})
}

func testRoundTripIdempotency(t *testing.T, s store.Store) {
	rec := store.IdempotencyRecord{Subject: "svc-rt", Key: "key-rt-1", Fingerprint: "fp-rt", CreatedAt: 1_700_000_111}
	// read returns the stored record through IdempotencyBegin on the same key (a later request).
	read := func(tx store.Tx, k store.IdempotencyRecord) *store.IdempotencyRecord {
		got, err := tx.IdempotencyBegin(&store.IdempotencyRecord{Subject: k.Subject, Key: k.Key, Fingerprint: "another request", CreatedAt: 1})
		if err != nil || got == nil {
			t.Fatalf("IdempotencyBegin on a stored key: %+v, %v", got, err)
		}
		return got
	}
	tx(t, s, func(tx store.Tx) error {
		if got, err := tx.IdempotencyBegin(&rec); got != nil || err != nil {
			t.Fatalf("first IdempotencyBegin: %+v, %v", got, err)
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error { same(t, "begun", &rec, read(tx, rec)); return nil })
	// Completed, not executed: with the final completed and executed, the two bools differ once.
	rec.Status, rec.Header, rec.Body = 409, `{"X-Phase":["one"]}`, []byte(`{"phase":1}`)
	tx(t, s, func(tx store.Tx) error { return tx.IdempotencyComplete(&rec) })
	rec.Completed = true
	tx(t, s, func(tx store.Tx) error { same(t, "completed", &rec, read(tx, rec)); return nil })
	rec.Executed, rec.Status, rec.Header, rec.Body = true, 201, `{"Location":["/v1/rt/1"]}`, []byte(`{"id":1}`)
	written(t, "IdempotencyRecord", &rec, nil)
	tx(t, s, func(tx store.Tx) error { return tx.IdempotencyComplete(&rec) })
	tx(t, s, func(tx store.Tx) error { same(t, "completed and executed", &rec, read(tx, rec)); return nil })

	// IdempotencyTakeOver rewrites created_at and fingerprint.
	other := store.IdempotencyRecord{Subject: "svc-rt-2", Key: "key-rt-2", Fingerprint: "fp-old", CreatedAt: 1_700_000_222}
	tx(t, s, func(tx store.Tx) error { _, err := tx.IdempotencyBegin(&other); return err })
	taken := other
	taken.Fingerprint, taken.CreatedAt = "fp-new", 1_700_000_333
	tx(t, s, func(tx store.Tx) error {
		if won, err := tx.IdempotencyTakeOver(&taken, other.CreatedAt); !won || err != nil {
			t.Fatalf("IdempotencyTakeOver: %v, %v", won, err)
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error { same(t, "taken over", &taken, read(tx, taken)); return nil })
}
