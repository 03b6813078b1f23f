// Customers; their balance and ledger position change only through PostEntry (ledger.go).

package sqlstore

import (
	"database/sql"
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var customers = &resource{
	from:  "customers c",
	owner: "c.contract_owner_id",
	id:    "c.id",
	fields: map[string]field{
		"id": {expr: "c.id", kind: kInt}, "contractOwnerId": {expr: "c.contract_owner_id", kind: kInt32},
		"customerName": {expr: "c.customer_name", kind: kText}, "customerAccountNumber": {expr: "c.customer_account_number", kind: kText},
		"currencyId":       {expr: "c.currency_id", kind: kInt},
		"creditThreshold":  {expr: "c.credit_threshold", kind: kMoney, expExpr: "c.currency_exp"},
		"openBillRunValue": {expr: "c.open_bill_run_value", kind: kMoney, expExpr: "c.currency_exp"},
	},
}

const customerColumns = "c.id, c.contract_owner_id, c.customer_name, c.customer_account_number, c.currency_id, c.currency_exp, c.credit_threshold, c.open_bill_run_value, c.balance, c.last_seq"

func scanCustomer(r rowScanner) (*ep.Customer, error) {
	var c ep.Customer
	var acct sql.NullString
	var threshold sql.NullInt64
	if err := r.Scan(&c.ID, &c.ContractOwnerID, &c.CustomerName, &acct, &c.CurrencyID, &c.Exp, &threshold, &c.OpenBillRunValue, &c.Balance, &c.LastSeq); err != nil {
		return nil, err
	}
	c.CustomerAccountNumber = nullString(acct)
	c.CreditThreshold = nullInt(threshold)
	return &c, nil
}

func (t *tx) CreateCustomer(c *ep.Customer) error {
	id, err := t.insert(`INSERT INTO customers (contract_owner_id, customer_name, customer_account_number, currency_id, currency_exp, credit_threshold, open_bill_run_value)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ContractOwnerID, c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp, c.CreditThreshold, c.OpenBillRunValue)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a customer with this customerAccountNumber already exists")
	} else if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Customer(s store.Scope, id int64, lock bool) (*ep.Customer, error) {
	sc, args := scopeCond(s, "c.contract_owner_id")
	q := "SELECT " + customerColumns + " FROM customers c WHERE c.id = ? AND " + sc
	if lock {
		q += t.d.ForUpdate
	}
	c, err := scanCustomer(t.queryRow(q, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("customer")
	} else if err != nil {
		return nil, fmt.Errorf("read customer %d: %w", id, err)
	}
	return c, nil
}

// UpdateCustomer writes the editable fields; balance and ledger position change only through PostEntry.
func (t *tx) UpdateCustomer(c *ep.Customer) error {
	_, err := t.exec(`UPDATE customers SET customer_name = ?, customer_account_number = ?, currency_id = ?, currency_exp = ?, credit_threshold = ?, open_bill_run_value = ? WHERE id = ?`,
		c.CustomerName, c.CustomerAccountNumber, c.CurrencyID, c.Exp, c.CreditThreshold, c.OpenBillRunValue, c.ID)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a customer with this customerAccountNumber already exists")
	} else if err != nil {
		return fmt.Errorf("update customer %d: %w", c.ID, err)
	}
	return nil
}

func (t *tx) ListCustomers(s store.Scope, l query.List) ([]ep.Customer, int64, error) {
	return listOf(t, customers, s, l, customerColumns, scanCustomer, "list customers")
}
