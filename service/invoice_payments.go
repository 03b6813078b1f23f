package service

import (
	"context"
	"encoding/json"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// figures returns an invoice's money figures.
func figures(inv *ep.Invoice) ledger.Figures {
	return ledger.Figures{Total: inv.Total, Collected: inv.Collected, InFlight: inv.InFlight, RefundsPending: inv.RefundsPending, RefundsSettled: inv.RefundsSettled}
}

// setFigures recomputes the derived amount and status of inv (§6.3).
func setFigures(inv *ep.Invoice) {
	f := figures(inv)
	inv.Outstanding, inv.PaymentStatus = f.Outstanding(), f.Status()
}

// saveInvoice recomputes the derived amount and status of inv and writes them.
func saveInvoice(tx store.Tx, inv *ep.Invoice) error {
	setFigures(inv)
	return tx.UpdateInvoiceFigures(inv)
}

func (s *Service) paymentDate(field string, d *string) (string, error) {
	today := s.today()
	if d == nil {
		return today, nil
	}
	if err := checkDate(field, *d); err != nil {
		return "", err
	}
	if *d > today {
		return "", ep.Invalid(field, "must not be in the future")
	}
	return *d, nil
}

// methodAndDate checks a payment method is a way to pay and returns the payment date (default
// today, never in the future).
func (s *Service) methodAndDate(methodField string, method ep.PaymentMethod, date *string) (string, error) {
	if err := notSiteState(methodField, method); err != nil {
		return "", err
	}
	return s.paymentDate("paymentDate", date)
}

func notSiteState(field string, method ep.PaymentMethod) error {
	if method.SiteState() {
		return ep.Invalid(field, string(method)+" is a site state, not a way to pay")
	}
	return nil
}

func formatMinor(v int64, exp int32) string { return money.Format(v, exp) }

// PaymentInput is the body of POST /invoice-payments and POST /adhoc-invoice-payments.
type PaymentInput struct {
	InvoiceID               int64
	BillRunType             ep.BillRunType // NORMAL for /invoice-payments, ADHOC for /adhoc-invoice-payments
	Amount                  money.Decimal
	Description             string
	PaymentMethod           ep.PaymentMethod
	PaymentDate             *string
	ThirdPartyPaymentStatus *ep.ThirdPartyPaymentStatus
}

// CreateInvoicePayment records a manual payment or correction, or an external status report
// (spec §4.6, §4.9, §6.4). Requests that would start a provider collection answer 501.
func (s *Service) CreateInvoicePayment(ctx context.Context, who Caller, in PaymentInput) (pay *ep.InvoicePayment, err error) {
	date, err := s.methodAndDate("paymentMethod", in.PaymentMethod, in.PaymentDate)
	if err != nil {
		return nil, err
	}
	field := "generatedInvoiceId"
	if in.BillRunType == ep.BillRunAdhoc {
		field = "generatedAdhocInvoiceId"
	}
	err = s.write(ctx, who, func(tx store.Tx) error {
		scope := who.Scope()
		cust, inv, err := tx.LockInvoice(scope, in.InvoiceID)
		if err != nil {
			return err
		}
		if inv.BillRunType != in.BillRunType {
			if inv.BillRunType == ep.BillRunAdhoc {
				return ep.Rule(field, fmt.Sprintf("invoice %d is an ADHOC invoice; use /adhoc-invoice-payments", inv.ID))
			}
			return ep.Rule(field, fmt.Sprintf("invoice %d is a NORMAL invoice; use /invoice-payments", inv.ID))
		}
		amount, err := minor("amountInMajorCurrency", in.Amount, inv.Exp)
		if err != nil {
			return err
		}
		if amount == 0 {
			return ep.Invalid("amountInMajorCurrency", "must not be 0")
		}
		pay = &ep.InvoicePayment{InvoiceID: inv.ID, CustomerID: inv.CustomerID, ContractOwnerID: inv.ContractOwnerID, BillRunType: inv.BillRunType,
			BillRunID: inv.BillRunID, Amount: amount, CurrencyID: inv.CurrencyID, Exp: inv.Exp, Description: in.Description,
			PaymentMethod: in.PaymentMethod, PaymentDate: date, CustomerPaymentType: inv.BillRunType.PaymentType(), CreatedAt: s.now().Unix()}
		if in.ThirdPartyPaymentStatus != nil {
			return s.externalReport(tx, scope, cust, inv, pay, *in.ThirdPartyPaymentStatus)
		}
		if in.PaymentMethod.ExternalOnly() {
			return ep.Invalid("thirdPartyPaymentStatus", "is required for "+string(in.PaymentMethod)+" payments (no collection can be started)")
		}
		collection, err := s.startsCollection(tx, scope, cust, inv, in.PaymentMethod)
		if err != nil {
			return err
		}
		if collection {
			return ep.Errorf(ep.ENOTIMPLEMENTED, "collections through payment providers (%s) are not implemented yet", in.PaymentMethod)
		}
		return s.manualPayment(tx, cust, inv, pay)
	})
	if err != nil {
		return nil, err
	}
	return pay, nil
}

// startsCollection reports whether a payment of method (without a status) is a provider
// collection (§6.4.1): GoCardless and Stripe families, and DIRECT_DEBIT when a GoCardless-family
// provider is resolved.
func (s *Service) startsCollection(tx store.Tx, scope store.Scope, cust *ep.Customer, inv *ep.Invoice, method ep.PaymentMethod) (bool, error) {
	switch {
	case method.ViaProvider():
		return true, nil
	case method == ep.MethodDirectDebit:
		prov, err := s.resolveProvider(tx, scope, cust, inv, ep.MethodGoCardless)
		if ep.ErrorCode(err) == ep.EINVALID {
			return false, nil // no GoCardless-family provider: a manual direct debit
		} else if err != nil {
			return false, err
		}
		return prov != nil, nil
	}
	return false, nil
}

// manualPayment settles a manual payment (positive) or correction (negative) at once (§6.4.1, OP-16).
func (s *Service) manualPayment(tx store.Tx, cust *ep.Customer, inv *ep.Invoice, pay *ep.InvoicePayment) error {
	f := figures(inv)
	txn := ep.TxnPayment
	if pay.Amount > 0 {
		if pay.Amount > f.Available() {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("amount exceeds the amount owed: %s is more than the %s still available to collect on invoice %d",
				formatMinor(pay.Amount, inv.Exp), formatMinor(f.Available(), inv.Exp), inv.ID))
		}
	} else {
		txn = ep.TxnPaymentReversed
		if inv.Collected+pay.Amount < inv.RefundsPending+inv.RefundsSettled {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("a correction of %s would leave less collected on invoice %d than its refunds (%s collected, %s refunded or pending)",
				formatMinor(pay.Amount, inv.Exp), inv.ID, formatMinor(inv.Collected, inv.Exp), formatMinor(inv.RefundsPending+inv.RefundsSettled, inv.Exp)))
		}
	}
	e := invoiceEntry(inv, pay.Amount, txn)
	e.Type, e.PaymentDate = &pay.PaymentMethod, pay.PaymentDate
	if pay.Description != "" {
		e.Description = &pay.Description
	}
	pay.CountsCollected = true
	inv.Collected += pay.Amount
	setFigures(inv)
	return tx.PostPayment(cust, e, pay, inv)
}

// resolveProvider finds the provider for a payment of method on an invoice (§6.4.2): the site's
// provider when its family matches, else the one visible ACTIVE matching provider of the
// customer's contract owner. It checks the provider is ACTIVE and serves the contract owner.
func (s *Service) resolveProvider(tx store.Tx, scope store.Scope, cust *ep.Customer, inv *ep.Invoice, method ep.PaymentMethod) (*ep.PaymentProvider, error) {
	site, err := tx.Site(store.AllOwners, inv.SiteID)
	if err != nil {
		return nil, err
	}
	var prov *ep.PaymentProvider
	if id := site.Details.PaymentProviderID; id != nil {
		if sp, err := tx.Provider(store.AllOwners, *id); err == nil && sp.Type.Serves(method) {
			prov = sp
		}
	}
	if prov == nil {
		list, _, err := tx.ListProviders(store.Scope{Owners: []int32{cust.ContractOwnerID}}, query.List{Page: 1, PageSize: 1000})
		if err != nil {
			return nil, err
		}
		var matches []ep.PaymentProvider
		inactive := false
		for _, c := range list {
			if !c.Type.Serves(method) || !scope.Sees(cust.ContractOwnerID) {
				continue
			}
			if c.Status != ep.ProviderActive {
				inactive = true
				continue
			}
			matches = append(matches, c)
		}
		switch len(matches) {
		case 0:
			if inactive {
				return nil, ep.Rule("paymentMethod", "payment provider is inactive")
			}
			return nil, ep.Rule("paymentMethod", "no payment provider for method "+string(method))
		case 1:
			prov = &matches[0]
		default:
			return nil, ep.Rule("paymentMethod", "several payment providers for method "+string(method)+"; set the site's paymentProviderId")
		}
	}
	if prov.Status != ep.ProviderActive {
		return nil, ep.Rule("paymentMethod", "payment provider is inactive")
	}
	if !servesOwner(prov, cust.ContractOwnerID) {
		return nil, ep.Rule("paymentMethod", "payment provider does not serve the customer's contract owner")
	}
	return prov, nil
}

// externalReport records a status reported from outside (§6.4.4, OP-19).
func (s *Service) externalReport(tx store.Tx, scope store.Scope, cust *ep.Customer, inv *ep.Invoice, pay *ep.InvoicePayment, status ep.ThirdPartyPaymentStatus) error {
	class := status.Class()
	if class == ep.ClassUnknown {
		return ep.Invalid("thirdPartyPaymentStatus", "is not a ThirdPartyPaymentStatus")
	}
	if pay.Amount < 0 {
		return ep.Invalid("amountInMajorCurrency", "must be positive for an external status report")
	}
	prov, err := s.resolveProvider(tx, scope, cust, inv, pay.PaymentMethod)
	if err != nil {
		return err
	}
	if !prov.AcceptExternalPayments {
		return ep.Rule("thirdPartyPaymentStatus", fmt.Sprintf("payment provider %d does not accept external payments", prov.ID))
	}
	meta, _ := json.Marshal(map[string]any{"provider": prov.Type, "paymentProviderId": prov.ID, "externalReport": true})
	m := string(meta)
	pay.MetaData, pay.PaymentProviderID, pay.ThirdPartyPaymentStatus = &m, &prov.ID, &status
	f := figures(inv)
	var entry *ep.LedgerEntry
	switch {
	case class == ep.ClassCollected:
		if pay.Amount > f.Available() {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("amount exceeds the amount owed: %s is more than the %s still available to collect on invoice %d",
				formatMinor(pay.Amount, inv.Exp), formatMinor(f.Available(), inv.Exp), inv.ID))
		}
		entry = invoiceEntry(inv, pay.Amount, ep.TxnPayment)
		pay.CountsCollected = true
		inv.Collected += pay.Amount
	case status.Reversal():
		if pay.Amount > f.Refundable() {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("a reversal of %s exceeds what is collected and not refunded on invoice %d (%s)",
				formatMinor(pay.Amount, inv.Exp), inv.ID, formatMinor(f.Refundable(), inv.Exp)))
		}
		entry = invoiceEntry(inv, -pay.Amount, ep.TxnPaymentReversed)
		inv.Collected -= pay.Amount
	case class == ep.ClassInFlight:
		if pay.Amount > f.Available() {
			return ep.Rule("amountInMajorCurrency", fmt.Sprintf("amount exceeds the amount owed: %s is more than the %s still available to collect on invoice %d",
				formatMinor(pay.Amount, inv.Exp), formatMinor(f.Available(), inv.Exp), inv.ID))
		}
		inv.InFlight += pay.Amount
	}
	if entry != nil {
		entry.Type, entry.PaymentDate = &pay.PaymentMethod, pay.PaymentDate
		if pay.Description != "" {
			entry.Description = &pay.Description
		}
		if err := tx.PostEntry(cust, entry); err != nil {
			return err
		}
		pay.CustomerPaymentID = &entry.ID
	}
	if err := tx.CreateInvoicePayment(pay); err != nil {
		return err
	}
	inv.ThirdPartyPaymentStatus = &status
	return saveInvoice(tx, inv)
}

// InvoicePayment returns a visible payment of a normal (NORMAL) or adhoc (ADHOC) invoice.
func (s *Service) InvoicePayment(ctx context.Context, who Caller, id int64, billRunType ep.BillRunType) (*ep.InvoicePayment, error) {
	return readOne(ctx, s, func(tx store.Tx) (*ep.InvoicePayment, error) { return tx.InvoicePayment(who.Scope(), id, billRunType) })
}

// ListInvoicePayments lists visible payments of normal or adhoc invoices.
func (s *Service) ListInvoicePayments(ctx context.Context, who Caller, billRunType ep.BillRunType, l query.List) ([]ep.InvoicePayment, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.InvoicePayment, int64, error) {
		return tx.ListInvoicePayments(who.Scope(), billRunType, l)
	})
}
