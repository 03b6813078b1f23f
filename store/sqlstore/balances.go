// Customer balances: the figures of GET /customer-balances.

package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// CustomerBalance returns a visible customer with the figures of GET /customer-balances; today
// (YYYY-MM-DD) decides which sites are live (OP-27). It is one statement on one indexed row:
// the payment totals are kept on the customer row by PostEntry, and the live sites' distinct
// payment methods come back joined by commas (no method name holds one).
func (t *tx) CustomerBalance(s store.Scope, customerID int64, today string) (*ep.Customer, *ep.BalanceFigures, error) {
	sc, args := scopeCond(s, "c.contract_owner_id")
	var c ep.Customer
	var f ep.BalanceFigures
	var methods sql.NullString
	dests := append(customerCols.dests(&c), &f.TotalPayments, &f.TotalPaymentsSinceLastInvoice, &methods)
	err := t.queryRow(`SELECT `+customerCols.sel("c")+`, c.total_payments, c.payments_since_invoice,
		(SELECT string_agg(m.payment_method, ',' ORDER BY m.payment_method) FROM (SELECT DISTINCT s.payment_method FROM sites s
			WHERE s.customer_id = c.id AND s.payment_method IS NOT NULL AND (s.end_date IS NULL OR s.end_date >= ?)) m)
		FROM customers c WHERE c.id = ? AND `+sc, append([]any{today, customerID}, args...)...).Scan(dests...)
	if isNoRows(err) {
		return nil, nil, ep.NotFound("customer")
	} else if err != nil {
		return nil, nil, fmt.Errorf("balance of customer %d: %w", customerID, err)
	}
	f.Balance = c.Balance
	if methods.Valid {
		for _, m := range strings.Split(methods.String, ",") {
			f.LiveSiteMethods = append(f.LiveSiteMethods, ep.PaymentMethod(m))
		}
	}
	return &c, &f, nil
}
