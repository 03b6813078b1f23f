package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// CustomerInput is the writable state of a customer.
type CustomerInput struct {
	ContractOwnerID       int32
	CustomerName          string
	CustomerAccountNumber *string
	CurrencyID            int64
	CreditThreshold       *money.Decimal
	OpenBillRunValue      *money.Decimal
}

func applyCustomer(tx store.Tx, c *ep.Customer, in CustomerInput) error {
	cur, err := tx.Currency(in.CurrencyID)
	if err != nil {
		return err
	}
	c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp = in.CustomerName, in.CustomerAccountNumber, cur.ID, cur.DecimalPlaces
	c.CreditThreshold = nil
	if in.CreditThreshold != nil {
		v, err := minor("creditThreshold", *in.CreditThreshold, cur.DecimalPlaces)
		if err != nil {
			return err
		}
		c.CreditThreshold = &v
	}
	c.OpenBillRunValue = 0
	if in.OpenBillRunValue != nil {
		v, err := minor("openBillRunValue", *in.OpenBillRunValue, cur.DecimalPlaces)
		if err != nil {
			return err
		}
		c.OpenBillRunValue = v
	}
	return nil
}

// CreateCustomer creates a customer of one of the caller's contract owners.
func (s *Service) CreateCustomer(ctx context.Context, who Caller, in CustomerInput) (*ep.Customer, error) {
	if !who.sees(in.ContractOwnerID) {
		return nil, ep.Errorf(ep.EFORBIDDEN, "contract owner %d is not among the caller's contract owners", in.ContractOwnerID)
	}
	c := &ep.Customer{ContractOwnerID: in.ContractOwnerID}
	err := s.write(ctx, who, func(tx store.Tx) error {
		if err := applyCustomer(tx, c, in); err != nil {
			return err
		}
		return tx.CreateCustomer(c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Customer returns a visible customer.
func (s *Service) Customer(ctx context.Context, who Caller, id int64) (*ep.Customer, error) {
	return readOne(ctx, s, func(tx store.Tx) (*ep.Customer, error) { return tx.Customer(who.Scope(), id, false) })
}

// ListCustomers lists the caller's customers.
func (s *Service) ListCustomers(ctx context.Context, who Caller, l query.List) ([]ep.Customer, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Customer, int64, error) { return tx.ListCustomers(who.Scope(), l) })
}

// UpdateCustomer changes a customer: edit receives the current state and returns the new
// writable state (the HTTP layer applies a JSON Patch there). contractOwnerId is immutable and
// currencyId can change only while the customer has no account entries.
func (s *Service) UpdateCustomer(ctx context.Context, who Caller, id int64, edit func(*ep.Customer) (CustomerInput, error)) (c *ep.Customer, err error) {
	err = s.write(ctx, who, func(tx store.Tx) error {
		c, err = tx.Customer(who.Scope(), id, true)
		if err != nil {
			return err
		}
		in, err := edit(c)
		if err != nil {
			return err
		}
		if in.ContractOwnerID != c.ContractOwnerID {
			return ep.Invalid("contractOwnerId", "is immutable")
		}
		if in.CurrencyID != c.CurrencyID && c.LastSeq > 0 {
			return ep.Invalid("currencyId", "cannot change once the customer has account entries")
		}
		if err := applyCustomer(tx, c, in); err != nil {
			return err
		}
		return tx.UpdateCustomer(c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
