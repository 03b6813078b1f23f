package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// CreditStatus lists credit status of the caller's customers with a threshold (§4.21).
func (s *Service) CreditStatus(ctx context.Context, who Caller, l query.List) ([]ep.CreditStatus, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.CreditStatus, int64, error) { return tx.ListCreditStatus(who.Scope(), l) })
}
