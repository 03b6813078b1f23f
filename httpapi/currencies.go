package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
)

func currencyOut(c *ep.Currency) api.Currency {
	return api.Currency{Id: c.ID, Name: c.Name, Code: c.Code, MajorCurrencyName: c.MajorCurrencyName, MinorCurrencyName: c.MinorCurrencyName, DecimalPlaces: c.DecimalPlaces}
}

// getCurrencies serves GET /v1/currencies (spec §4.28: Get a list of currencies).
func (s *Server) getCurrencies(c *call) error {
	list, total, err := s.svc.ListCurrencies(c.ctx(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, currencyOut), total)
}

// createCurrency serves POST /v1/currencies (spec §4.29: Create a currency).
func (s *Server) createCurrency(c *call) error {
	var req api.CurrencyRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	cur := &ep.Currency{Name: req.Name, Code: req.Code, MajorCurrencyName: req.MajorCurrencyName, MinorCurrencyName: req.MinorCurrencyName, DecimalPlaces: 2}
	if req.DecimalPlaces != nil {
		cur.DecimalPlaces = *req.DecimalPlaces
	}
	if err := s.svc.CreateCurrency(c.ctx(), c.who(), cur); err != nil {
		return err
	}
	return c.created("", currencyOut(cur))
}
