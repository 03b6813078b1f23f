package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

func testCredits(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		c, _ := seed(t, tx, 7, "Acme")
		if _, err := tx.Customer(store.AllOwners, c.ID, true); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, a := range []int64{1000, 500} {
			e := entry(c, a, "PAYMENT")
			if err := tx.PostEntry(c, e); err != nil {
				t.Fatal(err)
			}
			if err := tx.AddCredit(&ep.CustomerCredit{EntryID: e.ID, CustomerID: c.ID, Remaining: a}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		if err := tx.UseCredit(ids[0], 1000); err != nil {
			t.Fatal(err)
		}
		if err := tx.UseCredit(ids[1], 200); err != nil {
			t.Fatal(err)
		}
		cr, err := tx.Credits(c.ID)
		if err != nil || len(cr) != 1 || cr[0].EntryID != ids[1] || cr[0].Remaining != 300 {
			t.Fatalf("credits: %+v %v", cr, err)
		}
		if err := tx.UseCredit(ids[1], 301); err == nil {
			t.Fatal("used more credit than was left")
		}
		return nil
	})
}

func testRoundTripCredits(t *testing.T, s store.Store) {
	var ch *chain
	var c *ep.CustomerCredit
	tx(t, s, func(tx store.Tx) error {
		ch = newChain(t, tx)
		ch.postEntries(t, tx)
		c = &ep.CustomerCredit{EntryID: ch.entries[1].ID, CustomerID: ch.cust.ID, Remaining: 20_003}
		written(t, "CustomerCredit", c, nil)
		return tx.AddCredit(c)
	})
	tx(t, s, func(tx store.Tx) error {
		list, err := tx.Credits(ch.cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Credits", []ep.CustomerCredit{*c}, list)
		return nil
	})
}
