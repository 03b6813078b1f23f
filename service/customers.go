package service

import (
	"context"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
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
	Type        string
	BillRunType *string
	PaymentDate *string
}

// CreateCustomerPayment posts one PAYMENT entry for the whole amount and allocates it to the
// customer's open invoices, oldest first; the remainder stays as credit (spec §4.17, §6.2).
// It records money already received and never starts a collection (OP-25).
func (s *Service) CreateCustomerPayment(ctx context.Context, p auth.Principal, in CustomerPaymentInput) (e *ep.LedgerEntry, err error) {
	date, err := s.methodAndDate("type", in.Type, in.PaymentDate)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx store.Tx) error {
		cust, amount, err := lockCustomer(tx, ScopeOf(p), in.CustomerID, in.Amount)
		if err != nil {
			return err
		}
		if amount <= 0 {
			return ep.Invalid("amountInMajorCurrency", "must be positive")
		}
		e = &ep.LedgerEntry{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID, Amount: amount, CurrencyID: cust.CurrencyID, Exp: cust.Exp,
			Description: in.Description, Reference: in.Reference, Type: &in.Type, PaymentDate: date, CustomerPaymentType: "CUSTOMER",
			TxnType: "PAYMENT", BillRunType: in.BillRunType}
		if err := tx.PostEntry(e); err != nil {
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
			PaymentDate: e.PaymentDate, CustomerPaymentType: "CUSTOMER", CustomerPaymentID: &e.ID, CountsCollected: true, CreatedAt: now}
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

// applyCredit applies the customer's unallocated credit to a new invoice (§6.2 step 7):
// min(unallocated credit, max(0, balance before the invoice), invoice total), oldest customer
// payments first. No entry is posted: the money is on the ledger already.
func applyCredit(tx store.Tx, inv *ep.Invoice, balanceBefore, now int64) error {
	if inv.Total == 0 || balanceBefore <= 0 {
		return nil
	}
	credits, err := tx.Credits(inv.CustomerID)
	if err != nil || len(credits) == 0 {
		return err
	}
	budget := min(balanceBefore, inv.Total)
	for _, c := range credits {
		if budget <= 0 {
			break
		}
		take := min(budget, c.Remaining)
		e, err := tx.Entry(store.AllOwners, c.EntryID)
		if err != nil {
			return err
		}
		if err := tx.UseCredit(c.EntryID, take); err != nil {
			return err
		}
		one := []ep.Invoice{*inv}
		if _, err := allocate(tx, e, take, one, now); err != nil {
			return err
		}
		*inv = one[0] // allocate updated and saved the invoice's figures and status
		budget -= take
	}
	return nil
}

// CustomerPayment returns one visible ledger entry.
func (s *Service) CustomerPayment(ctx context.Context, p auth.Principal, id int64) (*ep.LedgerEntry, error) {
	return read(ctx, s, func(tx store.Tx) (*ep.LedgerEntry, error) { return tx.Entry(ScopeOf(p), id) })
}

// Statement lists a visible customer's entries (GET /customer-payments, §6.1.3); l carries the
// customer_id condition.
func (s *Service) Statement(ctx context.Context, p auth.Principal, customerID int64, l query.List) (out []ep.LedgerEntry, total int64, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		if _, err := tx.Customer(ScopeOf(p), customerID, false); err != nil {
			return err
		}
		out, total, err = tx.ListEntries(ScopeOf(p), l)
		return err
	})
	return out, total, err
}

// BalanceAdjustmentInput is the body of POST /customer-balance-adjustments.
type BalanceAdjustmentInput struct {
	CustomerID  int64
	Amount      money.Decimal
	Description *string
}

// AdjustBalance posts one BALANCE_ADJUSTMENT entry (spec §4.20); positive = credit.
func (s *Service) AdjustBalance(ctx context.Context, p auth.Principal, in BalanceAdjustmentInput) (e *ep.LedgerEntry, err error) {
	err = s.tx(ctx, func(tx store.Tx) error {
		cust, amount, err := lockCustomer(tx, ScopeOf(p), in.CustomerID, in.Amount)
		if err != nil {
			return err
		}
		if amount == 0 {
			return ep.Invalid("amountInMajorCurrency", "must not be 0")
		}
		e = &ep.LedgerEntry{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID, Amount: amount, CurrencyID: cust.CurrencyID, Exp: cust.Exp,
			Description: in.Description, PaymentDate: s.today(), CustomerPaymentType: "CUSTOMER", TxnType: "BALANCE_ADJUSTMENT"}
		return tx.PostEntry(e)
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
func (s *Service) CustomerBalance(ctx context.Context, p auth.Principal, customerID int64) (b *Balance, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		cust, err := tx.Customer(ScopeOf(p), customerID, false)
		if err != nil {
			return err
		}
		f, err := tx.Balance(cust.ID, s.today())
		if err != nil {
			return err
		}
		b = &Balance{Customer: cust, BalanceFigures: *f}
		return nil
	})
	return b, err
}

// CreditStatus lists credit status of the caller's customers with a threshold (§4.21).
func (s *Service) CreditStatus(ctx context.Context, p auth.Principal, l query.List) ([]ep.CreditStatus, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.CreditStatus, int64, error) { return tx.ListCreditStatus(ScopeOf(p), l) })
}

// RefundInput is the body of POST /refunds.
type RefundInput struct {
	InvoiceID     int64
	BillRunType   *string
	Description   *string
	PaymentMethod *string
	Amount        *money.Decimal
}

// CreateRefund refunds collected money of an invoice (spec §4.12, §6.6, OP-23). Manual refunds
// settle at once; refunds that must go through a provider answer 501.
func (s *Service) CreateRefund(ctx context.Context, p auth.Principal, in RefundInput) (r *ep.Refund, err error) {
	brt := "NORMAL"
	if in.BillRunType != nil {
		brt = *in.BillRunType
	}
	err = s.tx(ctx, func(tx store.Tx) error {
		_, inv, err := lockInvoice(tx, ScopeOf(p), in.InvoiceID)
		if err != nil {
			return err
		}
		if inv.BillRunType != brt {
			return ep.Rule("billRunType", fmt.Sprintf("invoice %d is a %s invoice, not %s", inv.ID, inv.BillRunType, brt))
		}
		var amount int64
		if in.Amount != nil {
			if amount, err = minor("amountInMajorCurrency", *in.Amount, inv.Exp); err != nil {
				return err
			}
		}
		// Method: blank, or an auto-collected invoice → the method of the last successful payment.
		var method string
		if in.PaymentMethod == nil || inv.AutoCollect {
			last, err := tx.LastSuccessfulPayment(inv.ID)
			if err != nil {
				return err
			}
			if last == nil {
				return ep.Rule("paymentMethod", fmt.Sprintf("invoice %d has no successful payment to take the refund method from", inv.ID))
			}
			method = last.PaymentMethod
		} else {
			method = *in.PaymentMethod
		}
		if err := notSiteState("paymentMethod", method); err != nil {
			return err
		}
		switch method {
		case "FINASTRA", "EZYPAY":
			return ep.Invalid("paymentMethod", method+" refunds cannot be made through a provider; record them with a manual method")
		case "GO_CARDLESS", "GC_INSTANT_BANK_PAYMENTS", "STRIPE", "STRIPE_CARD", "STRIPE_DD":
			return ep.Errorf(ep.ENOTIMPLEMENTED, "refunds through payment providers (%s) are not implemented yet", method)
		}
		refundable := figures(inv).Refundable()
		if in.Amount == nil {
			if refundable <= 0 {
				return ep.Rule("amountInMajorCurrency", fmt.Sprintf("invoice %d has nothing left to refund", inv.ID))
			}
			amount = refundable
		}
		if amount > refundable {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("refund of %s exceeds the refundable amount (%s) of invoice %d",
				formatMinor(amount, inv.Exp), formatMinor(max(refundable, 0), inv.Exp), inv.ID))
		}
		e := invoiceEntry(inv, -amount, "REFUND")
		e.Type, e.PaymentDate, e.Description = &method, s.today(), in.Description
		if err := tx.PostEntry(e); err != nil {
			return err
		}
		r = &ep.Refund{InvoiceID: inv.ID, CustomerID: inv.CustomerID, ContractOwnerID: inv.ContractOwnerID, BillRunType: inv.BillRunType,
			ThirdPartyRefundStatus: "MANUALLY_REFUNDED", Description: in.Description, PaymentMethod: method, Amount: amount,
			CurrencyID: inv.CurrencyID, Exp: inv.Exp, EntryID: &e.ID, CreatedAt: s.now().Unix()}
		if err := tx.CreateRefund(r); err != nil {
			return err
		}
		inv.RefundsSettled += amount
		inv.ThirdPartyRefundStatus = &r.ThirdPartyRefundStatus
		return saveInvoice(tx, inv)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ListRefunds lists the caller's refunds.
func (s *Service) ListRefunds(ctx context.Context, p auth.Principal, l query.List) ([]ep.Refund, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Refund, int64, error) { return tx.ListRefunds(ScopeOf(p), l) })
}
