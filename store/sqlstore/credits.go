// Customer credit: the unallocated part of each customer payment.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
)

var creditCols = columns[ep.CustomerCredit]{
	col("entry_id", func(c *ep.CustomerCredit) *int64 { return &c.EntryID }),
	col("customer_id", func(c *ep.CustomerCredit) *int64 { return &c.CustomerID }),
	col("remaining", func(c *ep.CustomerCredit) *int64 { return &c.Remaining }),
}

func (t *tx) AddCredit(c *ep.CustomerCredit) error {
	if _, err := t.exec(creditCols.insertSQL("customer_credits"), creditCols.values(c)...); err != nil {
		return fmt.Errorf("add credit: %w", err)
	}
	return nil
}

// Credits returns the customer's unallocated credit, oldest customer payment first.
func (t *tx) Credits(customerID int64) ([]ep.CustomerCredit, error) {
	rows, err := t.query("SELECT "+creditCols.sel("")+" FROM customer_credits WHERE customer_id = ? AND remaining > 0 ORDER BY entry_id", customerID)
	if err != nil {
		return nil, fmt.Errorf("read credits: %w", err)
	}
	defer rows.Close()
	var out []ep.CustomerCredit
	for rows.Next() {
		c, err := creditCols.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read credits: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// UseCredit takes amount from a customer payment's unallocated credit; the CHECK on remaining
// makes taking more than is left impossible.
func (t *tx) UseCredit(entryID, amount int64) error {
	res, err := t.exec("UPDATE customer_credits SET remaining = remaining - ? WHERE entry_id = ? AND remaining >= ?", amount, entryID, amount)
	if err != nil {
		return fmt.Errorf("use credit: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("use credit: customer payment %d has less than %d left", entryID, amount)
	}
	return nil
}
