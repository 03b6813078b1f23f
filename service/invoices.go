package service

import (
	"context"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// InvoiceInput is the body of POST /invoices.
type InvoiceInput struct {
	CustomerID    int64
	SiteID        int64
	BillRunType   ep.BillRunType
	BillRunID     *int64
	InvoiceNumber string
	InvoiceDate   string
	DueDate       string
	Total         money.Decimal
	CurrencyID    *int64
	PaymentMethod *ep.PaymentMethod
	AutoCollect   *bool
}

// CreateInvoice creates an invoice and, in the same transaction, posts its INVOICE_CREATED or
// ADHOC_INVOICE_CREATED debit to the customer's ledger (spec §4.39, §6.1.1). It never starts a collection.
func (s *Service) CreateInvoice(ctx context.Context, who Caller, in InvoiceInput) (inv *ep.Invoice, err error) {
	if err := checkDate("invoiceDate", in.InvoiceDate); err != nil {
		return nil, err
	}
	if err := checkDate("dueDate", in.DueDate); err != nil {
		return nil, err
	}
	if in.DueDate < in.InvoiceDate {
		return nil, ep.Invalid("dueDate", "must not be before invoiceDate")
	}
	if !in.BillRunType.Valid() {
		return nil, ep.Invalid("billRunType", "must be NORMAL or ADHOC")
	}
	err = s.write(ctx, who, func(tx store.Tx) error {
		scope := who.Scope()
		// The customer row lock serialises this posting with every other posting of the customer.
		cust, err := tx.Customer(scope, in.CustomerID, true)
		if err != nil {
			return err
		}
		site, err := tx.Site(scope, in.SiteID)
		if err != nil {
			return err
		}
		if site.CustomerID != cust.ID {
			return ep.Invalid("siteId", "is not a site of customer "+itoa(cust.ID))
		}
		if in.CurrencyID != nil && *in.CurrencyID != cust.CurrencyID {
			return ep.Invalid("currencyId", "must equal the customer's currency ("+itoa(cust.CurrencyID)+")")
		}
		total, err := minor("totalInMajorCurrency", in.Total, cust.Exp)
		if err != nil {
			return err
		}
		method := in.PaymentMethod
		if method == nil {
			method = site.Details.PaymentMethod
		}
		inv = &ep.Invoice{CustomerID: cust.ID, ContractOwnerID: cust.ContractOwnerID, SiteID: site.ID, BillRunType: in.BillRunType,
			BillRunID: in.BillRunID, InvoiceNumber: in.InvoiceNumber, InvoiceDate: in.InvoiceDate, DueDate: in.DueDate,
			Total: total, Outstanding: total, CurrencyID: cust.CurrencyID, Exp: cust.Exp, PaymentMethod: method,
			AutoCollect: in.AutoCollect != nil && *in.AutoCollect}
		inv.PaymentStatus = figures(inv).Status() // NA for a zero total, else UNPAID
		if err := tx.CreateInvoice(inv); err != nil {
			return err
		}
		desc := "Invoice " + inv.InvoiceNumber
		if inv.BillRunType == ep.BillRunAdhoc {
			desc = "Adhoc invoice " + inv.InvoiceNumber
		}
		e := invoiceEntry(inv, -total, inv.BillRunType.InvoiceCreated())
		e.PaymentDate, e.Description = inv.InvoiceDate, &desc
		balanceBefore := cust.Balance
		if err := tx.PostEntry(cust, e); err != nil {
			return err
		}
		// Unallocated credit from earlier customer payments pays the new invoice (§6.2 step 7).
		return applyCredit(tx, inv, balanceBefore, s.now().Unix())
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Invoice returns a visible invoice.
func (s *Service) Invoice(ctx context.Context, who Caller, id int64) (*ep.Invoice, error) {
	return readOne(ctx, s, func(tx store.Tx) (*ep.Invoice, error) { return tx.Invoice(who.Scope(), id, false) })
}

// ListInvoices lists the caller's invoices.
func (s *Service) ListInvoices(ctx context.Context, who Caller, l query.List) ([]ep.Invoice, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Invoice, int64, error) { return tx.ListInvoices(who.Scope(), l) })
}
