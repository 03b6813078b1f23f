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

var currencyCols = columns[ep.Currency]{
	col("id", func(c *ep.Currency) *int64 { return &c.ID }),
	col("name", func(c *ep.Currency) *string { return &c.Name }),
	col("code", func(c *ep.Currency) *string { return &c.Code }),
	col("major_currency_name", func(c *ep.Currency) *string { return &c.MajorCurrencyName }),
	col("minor_currency_name", func(c *ep.Currency) *string { return &c.MinorCurrencyName }),
	col("decimal_places", func(c *ep.Currency) *int32 { return &c.DecimalPlaces }),
}

var currencyInsert = currencyCols.except("id")

func (t *tx) CreateCurrency(c *ep.Currency) error {
	id, err := t.insert(currencyInsert.insertSQL("currencies"), currencyInsert.values(c)...)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a currency with code %s already exists", c.Code)
	} else if err != nil {
		return fmt.Errorf("create currency: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Currency(id int64) (*ep.Currency, error) {
	c, err := currencyCols.scan(t.queryRow("SELECT "+currencyCols.sel("c")+" FROM currencies c WHERE c.id = ?", id))
	if isNoRows(err) {
		return nil, ep.NotFound("currency")
	} else if err != nil {
		return nil, fmt.Errorf("read currency %d: %w", id, err)
	}
	return c, nil
}

func (t *tx) ListCurrencies(l query.List) ([]ep.Currency, int64, error) {
	return listOf(t, currencies, store.AllOwners, l, currencyCols, "c", "list currencies")
}
