// Currencies every customer amount is expressed in.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var currencies = &resource{
	from: "currencies c",
	id:   "c.id",
	fields: map[string]field{
		"id": {expr: "c.id", kind: kInt}, "name": {expr: "c.name", kind: kText}, "code": {expr: "c.code", kind: kText},
		"majorCurrencyName": {expr: "c.major_currency_name", kind: kText}, "minorCurrencyName": {expr: "c.minor_currency_name", kind: kText},
		"decimalPlaces": {expr: "c.decimal_places", kind: kInt},
	},
}

const currencyColumns = "c.id, c.name, c.code, c.major_currency_name, c.minor_currency_name, c.decimal_places"

func scanCurrency(r rowScanner) (*ep.Currency, error) {
	var c ep.Currency
	err := r.Scan(&c.ID, &c.Name, &c.Code, &c.MajorCurrencyName, &c.MinorCurrencyName, &c.DecimalPlaces)
	return &c, err
}

func (t *tx) CreateCurrency(c *ep.Currency) error {
	id, err := t.insert("INSERT INTO currencies (name, code, major_currency_name, minor_currency_name, decimal_places) VALUES (?, ?, ?, ?, ?)",
		c.Name, c.Code, c.MajorCurrencyName, c.MinorCurrencyName, c.DecimalPlaces)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a currency with code %s already exists", c.Code)
	} else if err != nil {
		return fmt.Errorf("create currency: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Currency(id int64) (*ep.Currency, error) {
	c, err := scanCurrency(t.queryRow("SELECT "+currencyColumns+" FROM currencies c WHERE c.id = ?", id))
	if isNoRows(err) {
		return nil, ep.NotFound("currency")
	} else if err != nil {
		return nil, fmt.Errorf("read currency %d: %w", id, err)
	}
	return c, nil
}

func (t *tx) ListCurrencies(l query.List) ([]ep.Currency, int64, error) {
	return listOf(t, currencies, store.AllOwners, l, currencyColumns, scanCurrency, "list currencies")
}
