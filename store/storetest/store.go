package storetest

import (
	"errors"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// Tests of the Store itself rather than of one entity: migrations, rollback and read-only
// transactions.

func testMigrations(t *testing.T, s store.Store) {
	ok, err := s.MigrationsCurrent(ctx())
	if err != nil || !ok {
		t.Fatalf("MigrationsCurrent = %v, %v; want true", ok, err)
	}
	if err := s.Ping(ctx()); err != nil {
		t.Fatal(err)
	}
}

var errRollback = errors.New("roll back")

func testRollback(t *testing.T, s store.Store) {
	var id int64
	err := s.Tx(ctx(), func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Gone")
		id = c.ID
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			return err
		}
		if err := tx.PostEntry(c, entry(c, -100, "BALANCE_ADJUSTMENT")); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Tx returned %v", err)
	}
	tx(t, s, func(tx store.Tx) error {
		_, err := tx.Customer(store.AllOwners, id, false)
		wantCode(t, err, ep.ENOTFOUND)
		list, _ := tx.Entries(store.AllOwners, id)
		if len(list) != 0 {
			t.Fatalf("rolled back entries visible: %d", len(list))
		}
		return nil
	})
}

// testReadOnly: Read sees committed data and refuses writes; concurrent reads and writes both finish.
func testReadOnly(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error { c, _ = seed(t, tx, 7, "Acme"); return nil })
	err := s.Read(ctx(), func(tx store.Tx) error {
		got, err := tx.Customer(store.AllOwners, c.ID, false)
		if err != nil || got.CustomerName != "Acme" {
			t.Fatalf("read: %+v %v", got, err)
		}
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Nope", CurrencyID: 1, Exp: 2})
	})
	if err == nil {
		t.Fatal("a write inside a read-only transaction succeeded")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.Read(ctx(), func(tx store.Tx) error { _, err := tx.Entries(store.AllOwners, c.ID); return err })
		}()
		go func(i int) {
			defer wg.Done()
			errs <- s.Tx(ctx(), func(tx store.Tx) error {
				locked, err := tx.Customer(store.AllOwners, c.ID, true)
				if err != nil {
					return err
				}
				return tx.PostEntry(locked, entry(locked, int64(i+1), "PAYMENT"))
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent read/write: %v", err)
		}
	}
}
