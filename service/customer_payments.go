package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// CustomerPaymentInput is the body of POST /customer-payments.
type CustomerPaymentInput struct {
	CustomerID  int64
	Amount      money.Decimal
	Description *string
	Reference   *string
	Type        ep.PaymentMethod
	BillRunType *ep.BillRunType
	PaymentDate *string
}

// CreateCustomerPayment posts one PAYMENT entry for the whole amount and allocates it to the
// customer's open invoices, oldest first; the remainder stays as credit (spec §4.17, §6.2).
// It records money already received and never starts a collection (OP-25).
func (s *Service) CreateCustomerPayment(ctx context.Context, who Caller, in CustomerPaymentInput) (e *ep.LedgerEntry, err error) {
	date, err := s.methodAndDate("type", in.Type, in.PaymentDate)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, who, func(tx store.Tx) error {
		cust, amount, err := lockCustomer(tx, who.Scope(), in.CustomerID, in.Amount)
		if err != nil {
			return err
		}
		if amount <= 0 {
			return ep.Invalid("amountInMajorCurrency", "must be positive")
		}
		e = &ep.LedgerEntry{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID, Amount: amount, CurrencyID: cust.CurrencyID, Exp: cust.Exp,
			Description: in.Description, Reference: in.Reference, Type: &in.Type, PaymentDate: date, CustomerPaymentType: ep.PaymentTypeCustomer,
			TxnType: ep.TxnPayment, BillRunType: in.BillRunType}
		if err := tx.PostEntry(cust, e); err != nil {
			return err
		}
		open, err := tx.OpenInvoices(cust.ID, in.BillRunType)
		if err != nil {
			return err
		}
		remainder, err := allocate(tx, e, amount, open, s.now().Unix())
		if err != nil {
			return err
		}
		if remainder > 0 {
			return tx.AddCredit(&ep.CustomerCredit{EntryID: e.ID, CustomerID: cust.ID, Remaining: remainder})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// allocate spreads amount of customer payment e over the (locked) open invoices oldest first,
// creating one invoice payment per invoice touched; it returns what is left.
func allocate(tx store.Tx, e *ep.LedgerEntry, amount int64, open []ep.Invoice, now int64) (int64, error) {
	byID := map[int64]*ep.Invoice{}
	cands := make([]ledger.Candidate, 0, len(open))
	for i := range open {
		inv := &open[i]
		byID[inv.ID] = inv
		cands = append(cands, ledger.Candidate{ID: inv.ID, DueDate: inv.DueDate, InvoiceDate: inv.InvoiceDate, Open: figures(inv).Available()})
	}
	pieces, remainder := ledger.Allocate(amount, cands)
	for _, piece := range pieces {
		inv := byID[piece.InvoiceID]
		desc := ""
		if e.Description != nil {
			desc = *e.Description
		}
		pay := &ep.InvoicePayment{InvoiceID: inv.ID, CustomerID: inv.CustomerID, ContractOwnerID: inv.ContractOwnerID, BillRunType: inv.BillRunType,
			BillRunID: inv.BillRunID, Amount: piece.Amount, CurrencyID: inv.CurrencyID, Exp: inv.Exp, Description: desc, PaymentMethod: *e.Type,
			PaymentDate: e.PaymentDate, CustomerPaymentType: ep.PaymentTypeCustomer, CustomerPaymentID: &e.ID, CountsCollected: true, CreatedAt: now}
		if err := tx.CreateInvoicePayment(pay); err != nil {
			return 0, err
		}
		inv.Collected += piece.Amount
		if err := saveInvoice(tx, inv); err != nil {
			return 0, err
		}
	}
	return remainder, nil
}

// CustomerPayment returns one visible ledger entry.
func (s *Service) CustomerPayment(ctx context.Context, who Caller, id int64) (*ep.LedgerEntry, error) {
	return readOne(ctx, s, func(tx store.Tx) (*ep.LedgerEntry, error) { return tx.Entry(who.Scope(), id) })
}

// ListCustomerPayments lists a visible customer's entries (GET /customer-payments, §6.1.3); l carries the
// customer_id condition.
func (s *Service) ListCustomerPayments(ctx context.Context, who Caller, customerID int64, l query.List) (out []ep.LedgerEntry, total int64, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		if _, err := tx.Customer(who.Scope(), customerID, false); err != nil {
			return err
		}
		out, total, err = tx.ListEntries(who.Scope(), l)
		return err
	})
	return out, total, err
}
