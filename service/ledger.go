package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/store"
)

// lockCustomer locks a visible customer's row (serialising its postings) and converts amount
// to the customer's minor units.
func lockCustomer(tx store.Tx, scope store.Scope, id int64, amount money.Decimal) (*ep.Customer, int64, error) {
	cust, err := tx.Customer(scope, id, true)
	if err != nil {
		return nil, 0, err
	}
	v, err := minor("amountInMajorCurrency", amount, cust.Exp)
	if err != nil {
		return nil, 0, err
	}
	return cust, v, nil
}

func invoiceEntry(inv *ep.Invoice, amount int64, txn ep.TxnType) *ep.LedgerEntry {
	return &ep.LedgerEntry{CustomerID: inv.CustomerID, ContractOwnerID: inv.ContractOwnerID, Amount: amount, CurrencyID: inv.CurrencyID, Exp: inv.Exp,
		CustomerPaymentType: inv.BillRunType.PaymentType(), TxnType: txn, InvoiceID: &inv.ID, InvoiceNumber: &inv.InvoiceNumber, BillRunType: &inv.BillRunType}
}

// Entries returns a customer's ledger (in posting order).
func (s *Service) Entries(ctx context.Context, who Caller, customerID int64) ([]ep.LedgerEntry, error) {
	return readOne(ctx, s, func(tx store.Tx) ([]ep.LedgerEntry, error) { return tx.Entries(who.Scope(), customerID) })
}
