package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/store"
)

// BalanceAdjustmentInput is the body of POST /customer-balance-adjustments.
type BalanceAdjustmentInput struct {
	CustomerID  int64
	Amount      money.Decimal
	Description *string
}

// AdjustBalance posts one BALANCE_ADJUSTMENT entry (spec §4.20); positive = credit.
func (s *Service) AdjustBalance(ctx context.Context, who Caller, in BalanceAdjustmentInput) (e *ep.LedgerEntry, err error) {
	err = s.write(ctx, who, func(tx store.Tx) error {
		cust, amount, err := lockCustomer(tx, who.Scope(), in.CustomerID, in.Amount)
		if err != nil {
			return err
		}
		if amount == 0 {
			return ep.Invalid("amountInMajorCurrency", "must not be 0")
		}
		e = &ep.LedgerEntry{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID, Amount: amount, CurrencyID: cust.CurrencyID, Exp: cust.Exp,
			Description: in.Description, PaymentDate: s.today(), CustomerPaymentType: ep.PaymentTypeCustomer, TxnType: ep.TxnBalanceAdjustment}
		return tx.PostEntry(cust, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Balance is a customer's outstanding balance (§4.19, §6.13).
type Balance struct {
	Customer *ep.Customer
	ep.BalanceFigures
}

// CustomerBalance returns the balance figures of a visible customer.
func (s *Service) CustomerBalance(ctx context.Context, who Caller, customerID int64) (b *Balance, err error) {
	err = s.Store.ReadOne(ctx, func(tx store.Tx) error {
		cust, f, err := tx.CustomerBalance(who.Scope(), customerID, s.today())
		if err != nil {
			return err
		}
		b = &Balance{Customer: cust, BalanceFigures: *f}
		return nil
	})
	return b, err
}
