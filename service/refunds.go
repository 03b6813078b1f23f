package service

import (
	"context"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/money"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// RefundInput is the body of POST /refunds.
type RefundInput struct {
	InvoiceID     int64
	BillRunType   *ep.BillRunType
	Description   *string
	PaymentMethod *ep.PaymentMethod
	Amount        *money.Decimal
}

// CreateRefund refunds collected money of an invoice (spec §4.12, §6.6, OP-23). Manual refunds
// settle at once; refunds that must go through a provider answer 501.
func (s *Service) CreateRefund(ctx context.Context, who Caller, in RefundInput) (r *ep.Refund, err error) {
	brt := ep.BillRunNormal
	if in.BillRunType != nil {
		brt = *in.BillRunType
	}
	err = s.write(ctx, who, func(tx store.Tx) error {
		cust, inv, err := tx.LockInvoice(who.Scope(), in.InvoiceID)
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
		var method ep.PaymentMethod
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
		switch {
		case method.ExternalOnly():
			return ep.Invalid("paymentMethod", string(method)+" refunds cannot be made through a provider; record them with a manual method")
		case method.ViaProvider():
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
		e := invoiceEntry(inv, -amount, ep.TxnRefund)
		e.Type, e.PaymentDate, e.Description = &method, s.today(), in.Description
		if err := tx.PostEntry(cust, e); err != nil {
			return err
		}
		r = &ep.Refund{InvoiceID: inv.ID, CustomerID: inv.CustomerID, ContractOwnerID: inv.ContractOwnerID, BillRunType: inv.BillRunType,
			ThirdPartyRefundStatus: ep.RefundManuallyRefunded, Description: in.Description, PaymentMethod: method, Amount: amount,
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
func (s *Service) ListRefunds(ctx context.Context, who Caller, l query.List) ([]ep.Refund, int64, error) {
	return readList(ctx, s, func(tx store.Tx) ([]ep.Refund, int64, error) { return tx.ListRefunds(who.Scope(), l) })
}
