package storetest

import (
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testCurrencies(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		all, total, err := tx.ListCurrencies(page(10))
		if err != nil || total != 3 || len(all) != 3 || all[0].Code != "GBP" || all[0].ID != 1 || all[1].Code != "EUR" || all[2].Code != "USD" {
			t.Fatalf("seeded currencies = %+v total %d err %v", all, total, err)
		}
		jpy := &ep.Currency{Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		if err := tx.CreateCurrency(jpy); err != nil || jpy.ID != 4 {
			t.Fatalf("create JPY: id %d err %v", jpy.ID, err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateCurrency(&ep.Currency{Name: "x", Code: "JPY", MajorCurrencyName: "a", MinorCurrencyName: "b"})
	})
	tx(t, s, func(tx store.Tx) error {
		jpy := &ep.Currency{ID: 4, Name: "Japanese yen", Code: "JPY", MajorCurrencyName: "yen", MinorCurrencyName: "sen", DecimalPlaces: 0}
		got, err := tx.Currency(4)
		if err != nil || *got != *jpy {
			t.Fatalf("Currency(4) = %+v, %v", got, err)
		}
		_, err = tx.Currency(99)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListCurrencies(page(10, query.Cond{Param: "code", Op: "in", Strings: []string{"GBP", "JPY"}}))
		if err != nil || total != 2 || list[0].Code != "GBP" || list[1].Code != "JPY" {
			t.Fatalf("code in: %+v %d %v", list, total, err)
		}
		list, total, err = tx.ListCurrencies(page(10, query.Cond{Param: "name", Op: "like", Like: "*DOLLAR"}))
		if err != nil || total != 1 || list[0].Code != "USD" {
			t.Fatalf("name like: %+v %d %v", list, total, err)
		}
		list, total, err = tx.ListCurrencies(page(10, query.Cond{Param: "name", Op: "like", Like: "EURO"}))
		if err != nil || total != 1 || list[0].Code != "EUR" {
			t.Fatalf("name like without wildcard means contains: %+v %d %v", list, total, err)
		}
		l := page(2)
		l.Page = 2
		l.Sorts = []query.Sort{{Field: "code", Desc: true}}
		list, total, err = tx.ListCurrencies(l)
		if err != nil || total != 4 || len(list) != 2 || list[0].Code != "GBP" || list[1].Code != "EUR" {
			t.Fatalf("page 2 by code desc: %+v %d %v", list, total, err)
		}
		l.Page = 3
		list, total, err = tx.ListCurrencies(l)
		if err != nil || total != 4 || len(list) != 0 {
			t.Fatalf("page beyond the end: %+v %d %v", list, total, err)
		}
		return nil
	})
}

func testRoundTripCurrencies(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	tx(t, s, func(tx store.Tx) error {
		for _, want := range []*ep.Currency{ch.cur, ch.cur2} {
			written(t, "Currency as created", want, nil)
			got, err := tx.Currency(want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "Currency", want, got)
			list, _, err := tx.ListCurrencies(idIs(want.ID))
			if err != nil {
				t.Fatal(err)
			}
			same(t, "ListCurrencies", []ep.Currency{*want}, list)
		}
		return nil
	})
}
