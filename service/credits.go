package service

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

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
