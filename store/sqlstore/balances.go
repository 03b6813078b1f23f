// Customer balances: the figures of GET /customer-balances.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
)

// Balance returns the figures of GET /customer-balances for a customer; today (YYYY-MM-DD)
// decides which sites are live (OP-27).
func (t *tx) Balance(customerID int64, today string) (*ep.BalanceFigures, error) {
	var f ep.BalanceFigures
	err := t.queryRow(`SELECT c.balance,
		COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.customer_id = c.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')), 0),
		COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.customer_id = c.id AND e.txn_type IN ('PAYMENT', 'PAYMENT_REVERSED')
			AND e.id > COALESCE((SELECT MAX(x.id) FROM ledger_entries x WHERE x.customer_id = c.id AND x.txn_type IN ('INVOICE_CREATED', 'ADHOC_INVOICE_CREATED')), 0)), 0)
		FROM customers c WHERE c.id = ?`, customerID).Scan(&f.Balance, &f.TotalPayments, &f.TotalPaymentsSinceLastInvoice)
	if err != nil {
		return nil, fmt.Errorf("balance of customer %d: %w", customerID, err)
	}
	rows, err := t.query(`SELECT DISTINCT payment_method FROM sites WHERE customer_id = ? AND payment_method IS NOT NULL
		AND (end_date IS NULL OR end_date >= ?) ORDER BY payment_method`, customerID, today)
	if err != nil {
		return nil, fmt.Errorf("live sites of customer %d: %w", customerID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m ep.PaymentMethod
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("live sites: %w", err)
		}
		f.LiveSiteMethods = append(f.LiveSiteMethods, m)
	}
	return &f, rows.Err()
}
