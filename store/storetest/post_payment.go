package storetest

import (
	"errors"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// testPostPayment: PostPayment writes the entry, the payment pointing at it and the invoice's
// figures, and moves the customer; when its ledger moved since the caller's read, or the
// invoice's figures break a CHECK, it fails and writes none of them.
func testPostPayment(t *testing.T, s store.Store) {
	c, inv := seedInvoiced(t, s, "Paid", "PP-1", 10000)
	pay := func(cust *ep.Customer, i *ep.Invoice, amount int64) (*ep.LedgerEntry, *ep.InvoicePayment) {
		e := entry(cust, amount, ep.TxnPayment)
		e.CustomerPaymentType, e.InvoiceID, e.InvoiceNumber, e.BillRunType = ep.PaymentTypeInvoice, &i.ID, &i.InvoiceNumber, &i.BillRunType
		p := &ep.InvoicePayment{InvoiceID: i.ID, CustomerID: cust.ID, ContractOwnerID: 7, BillRunType: i.BillRunType, Amount: amount,
			CurrencyID: 1, Exp: 2, Description: "cheque", PaymentMethod: ep.MethodCheque, PaymentDate: "2024-02-01",
			CustomerPaymentType: ep.PaymentTypeInvoice, CountsCollected: true, CreatedAt: 1}
		return e, p
	}
	var e *ep.LedgerEntry
	var p *ep.InvoicePayment
	tx(t, s, func(tx store.Tx) error {
		cust, locked, err := tx.LockInvoice(store.AllOwners, inv.ID)
		if err != nil {
			return err
		}
		e, p = pay(cust, locked, 3000)
		locked.Collected, locked.Outstanding, locked.PaymentStatus = 3000, 7000, ep.StatusPartiallyPaid
		if err := tx.PostPayment(cust, e, p, locked); err != nil {
			return err
		}
		if cust.LastSeq != 2 || cust.Balance != -7000 || e.Seq != 2 || e.ResultingBalance != -7000 || e.ID == 0 || p.ID == 0 || p.CustomerPaymentID == nil || *p.CustomerPaymentID != e.ID {
			t.Errorf("after PostPayment: customer at %d (balance %d), entry %d at %d (%d), payment %d of entry %v",
				cust.LastSeq, cust.Balance, e.ID, e.Seq, e.ResultingBalance, p.ID, p.CustomerPaymentID)
		}
		return nil
	})
	check := func(when string, entries, payments int, collected int64) {
		t.Helper()
		tx(t, s, func(tx store.Tx) error {
			cust, got, err := tx.LockInvoice(store.AllOwners, inv.ID)
			if err != nil {
				return err
			}
			es, err := tx.Entries(store.AllOwners, c.ID)
			if err != nil {
				return err
			}
			ps, total, err := tx.ListInvoicePayments(store.AllOwners, ep.BillRunNormal, page(50))
			if err != nil {
				return err
			}
			if len(es) != entries || cust.LastSeq != int64(entries) || total != int64(payments) || got.Collected != collected || got.Outstanding != 10000-collected {
				t.Errorf("%s: %d entries (customer at %d), %d payments, collected %d, outstanding %d; want %d entries, %d payments, collected %d",
					when, len(es), cust.LastSeq, total, got.Collected, got.Outstanding, entries, payments, collected)
			}
			if payments > 0 && (ps[0].ID != p.ID || ps[0].CustomerPaymentID == nil || *ps[0].CustomerPaymentID != e.ID || ps[0].Amount != 3000) {
				t.Errorf("%s: the payment reads back as %+v", when, ps[0])
			}
			return nil
		})
	}
	check("after one payment", 2, 1, 3000)

	// A caller whose read is older than the ledger: nothing written.
	stale := *c
	stale.LastSeq = 1
	staleInv := *inv
	err := s.Tx(ctx(), func(tx store.Tx) error {
		e, p := pay(&stale, &staleInv, 1000)
		staleInv.Collected, staleInv.Outstanding = 1000, 9000
		return tx.PostPayment(&stale, e, p, &staleInv)
	})
	if err == nil {
		t.Error("PostPayment at a position the caller did not read succeeded")
	}
	check("after a stale posting", 2, 1, 3000)

	// Figures that break the invoice's CHECK (outstanding above total): nothing written either.
	errCheck := errors.New("check")
	err = s.Tx(ctx(), func(tx store.Tx) error {
		cust, locked, err := tx.LockInvoice(store.AllOwners, inv.ID)
		if err != nil {
			return err
		}
		e, p := pay(cust, locked, 500)
		locked.Outstanding = locked.Total + 1
		if err := tx.PostPayment(cust, e, p, locked); err != nil {
			return err
		}
		return errCheck
	})
	if err == nil || errors.Is(err, errCheck) {
		t.Errorf("PostPayment with outstanding above the total: %v, want the database to refuse it", err)
	}
	check("after a refused posting", 2, 1, 3000)
}
