package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// testOutsideTransactions: ReadOne runs one SELECT without a transaction and refuses a second
// statement or a write (nothing written); Auto commits each statement on its own (a later
// failure keeps the earlier statement's write) and refuses Enqueue.
func testOutsideTransactions(t *testing.T, s store.Store) {
	var c *ep.Customer
	tx(t, s, func(tx store.Tx) error {
		c, _ = seed(t, tx, 7, "Outside")
		return nil
	})
	var got *ep.Customer
	if err := s.ReadOne(ctx(), func(tx store.Tx) (err error) {
		got, err = tx.Customer(store.Scope{Owners: []int32{7}}, c.ID, false)
		return err
	}); err != nil || got.CustomerName != "Outside" {
		t.Fatalf("ReadOne: %+v, %v", got, err)
	}
	err := s.ReadOne(ctx(), func(tx store.Tx) error {
		_, err := tx.Customer(store.AllOwners, c.ID+1000, false)
		return err
	})
	wantCode(t, err, ep.ENOTFOUND)

	if err := s.ReadOne(ctx(), func(tx store.Tx) error {
		if _, err := tx.Customer(store.AllOwners, c.ID, false); err != nil {
			return err
		}
		_, err := tx.Customer(store.AllOwners, c.ID, false)
		return err
	}); err == nil {
		t.Error("ReadOne ran two statements without an error")
	}

	// A write inside ReadOne fails and writes nothing: an exec (SetSettingIfAbsent) and an
	// INSERT … RETURNING (CreateCustomer).
	if err := s.ReadOne(ctx(), func(tx store.Tx) error {
		_, err := tx.SetSettingIfAbsent("readone-write", "x")
		return err
	}); err == nil {
		t.Error("a write inside ReadOne succeeded")
	}
	if err := s.ReadOne(ctx(), func(tx store.Tx) error {
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Written in ReadOne", CurrencyID: 1, Exp: 2})
	}); err == nil {
		t.Error("an insert inside ReadOne succeeded")
	}
	tx(t, s, func(tx store.Tx) error {
		if _, ok, err := tx.Setting("readone-write"); err != nil || ok {
			t.Errorf("the refused write is there: %v %v", ok, err)
		}
		_, total, err := tx.ListCustomers(store.AllOwners, page(100))
		if err != nil || total != 1 {
			t.Errorf("%d customers after the refused insert, want 1 (%v)", total, err)
		}
		return nil
	})

	// Auto: each statement commits by itself.
	errLater := s.Auto(ctx(), func(tx store.Tx) error {
		if _, err := tx.SetSettingIfAbsent("auto-first", "1"); err != nil {
			return err
		}
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Bad currency", CurrencyID: 999999, Exp: 2})
	})
	if errLater == nil {
		t.Error("a customer of a missing currency was created")
	}
	tx(t, s, func(tx store.Tx) error {
		if v, ok, err := tx.Setting("auto-first"); err != nil || !ok || v != "1" {
			t.Errorf("Auto's first statement did not stay committed: %q %v %v", v, ok, err)
		}
		return nil
	})
	if err := s.Auto(ctx(), func(tx store.Tx) error { return tx.Enqueue(witnessJob{"auto"}) }); err == nil {
		t.Error("Enqueue outside a transaction succeeded")
	}
}
