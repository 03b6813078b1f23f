package storetest

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testCustomers(t *testing.T, s store.Store) {
	mine := store.Scope{Owners: []int32{7}}
	tx(t, s, func(tx store.Tx) error {
		a := &ep.Customer{ContractOwnerID: 7, CustomerName: "Acme Ltd", CustomerAccountNumber: str("ACME0001"), CurrencyID: 1, Exp: 2, OpenBillRunValue: 6000}
		if err := tx.CreateCustomer(a); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: "Other", CustomerAccountNumber: str("ACME0001"), CurrencyID: 1, Exp: 2})
	})
	tx(t, s, func(tx store.Tx) error {
		a := &ep.Customer{ID: 1}
		b := &ep.Customer{ContractOwnerID: 8, CustomerName: "Beta GmbH", CustomerAccountNumber: str("ACME0001"), CurrencyID: 2, Exp: 2}
		if err := tx.CreateCustomer(b); err != nil {
			t.Fatalf("the same account number under another contract owner must be allowed: %v", err)
		}
		for _, n := range []string{"No number 1", "No number 2"} {
			if err := tx.CreateCustomer(&ep.Customer{ContractOwnerID: 7, CustomerName: n, CurrencyID: 1, Exp: 2}); err != nil {
				t.Fatalf("customers without account numbers: %v", err)
			}
		}
		got, err := tx.Customer(mine, a.ID, true)
		if err != nil || got.CustomerName != "Acme Ltd" || *got.CustomerAccountNumber != "ACME0001" || got.OpenBillRunValue != 6000 || got.CreditThreshold != nil {
			t.Fatalf("Customer = %+v, %v", got, err)
		}
		_, err = tx.Customer(mine, b.ID, false)
		wantCode(t, err, ep.ENOTFOUND)
		_, err = tx.Customer(store.Scope{}, a.ID, false)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListCustomers(mine, page(10))
		if err != nil || total != 3 {
			t.Fatalf("scoped list: %d %v", total, err)
		}
		for _, c := range list {
			if c.ContractOwnerID != 7 {
				t.Fatalf("another contract owner's customer listed: %+v", c)
			}
		}
		_, total, _ = tx.ListCustomers(store.Scope{}, page(10))
		if total != 0 {
			t.Fatalf("empty scope lists %d customers", total)
		}
		_, total, _ = tx.ListCustomers(store.AllOwners, page(10))
		if total != 4 {
			t.Fatalf("all owners lists %d customers", total)
		}
		list, total, _ = tx.ListCustomers(mine, page(10, query.Cond{Param: "customerName", Op: "like", Like: "acme"}))
		if total != 1 || list[0].ID != a.ID {
			t.Fatalf("customerName like:acme = %+v", list)
		}
		th := int64(50000)
		got.CreditThreshold = &th
		got.CustomerName = "Acme Limited"
		if err := tx.UpdateCustomer(got); err != nil {
			t.Fatal(err)
		}
		got, _ = tx.Customer(mine, a.ID, false)
		if got.CustomerName != "Acme Limited" || got.CreditThreshold == nil || *got.CreditThreshold != 50000 {
			t.Fatalf("after update: %+v", got)
		}
		return nil
	})
}

func testRoundTripCustomers(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, lock := range []bool{false, true} {
				got, err := tx.Customer(rtScope, ch.cust.ID, lock)
				if err != nil {
					t.Fatal(err)
				}
				same(t, fmt.Sprintf("%s: Customer(lock=%v)", phase, lock), ch.cust, got)
			}
			list, _, err := tx.ListCustomers(rtScope, idIs(ch.cust.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListCustomers", []ep.Customer{*ch.cust}, list)
			customerColumnsLand(t, tx, phase, ch.cust)
			creditStatusColumnsLand(t, tx, phase, ch.cust)
			return nil
		})
	}
	check("created")
	c := ch.cust
	c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp = "Round Trip Limited", str("RT-ACCT-0006-B"), ch.cur2.ID, ch.cur2.DecimalPlaces
	c.CreditThreshold, c.OpenBillRunValue = i64(700_019), 80_039
	written(t, "Customer update", c, map[string]string{
		"Balance": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
		"LastSeq": "moved only by PostEntry: RoundTripLedgerEntries reads it back",
	})
	tx(t, s, func(tx store.Tx) error { return tx.UpdateCustomer(c) })
	check("updated")
}

// customerColumnsLand: ListCustomers filters on id, contractOwnerId and currencyId and scopes by
// contract owner, each of which must find the written customer by its own value only.
func customerColumnsLand(t *testing.T, tx store.Tx, phase string, c *ep.Customer) {
	t.Helper()
	landWhereNamed(t, phase+": ListCustomers", *c, func(c ep.Customer) int64 { return c.ID },
		[]column{{"id", "ID"}, {"contractOwnerId", "ContractOwnerID"}, {"currencyId", "CurrencyID"}, {byScope, "ContractOwnerID"}},
		tx.ListCustomers)
}
