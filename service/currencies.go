package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// ListCurrencies lists currencies (global).
func (s *Service) ListCurrencies(ctx context.Context, l query.List) ([]ep.Currency, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Currency, int64, error) { return tx.ListCurrencies(l) })
}

// CreateCurrency creates a currency; the code must be unused.
func (s *Service) CreateCurrency(ctx context.Context, who Caller, c *ep.Currency) error {
	return s.write(ctx, who, func(tx store.Tx) error { return tx.CreateCurrency(c) })
}
