// Customers; their balance and ledger position change only through PostEntry (ledger.go).

package sqlstore

import (
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

var customerCols = columns[ep.Customer]{
	col("id", func(c *ep.Customer) *int64 { return &c.ID }),
	col("contract_owner_id", func(c *ep.Customer) *int32 { return &c.ContractOwnerID }),
	col("customer_name", func(c *ep.Customer) *string { return &c.CustomerName }),
	nullCol("customer_account_number", func(c *ep.Customer) **string { return &c.CustomerAccountNumber }),
	col("currency_id", func(c *ep.Customer) *int64 { return &c.CurrencyID }),
	col("currency_exp", func(c *ep.Customer) *int32 { return &c.Exp }),
	nullCol("credit_threshold", func(c *ep.Customer) **int64 { return &c.CreditThreshold }),
	col("open_bill_run_value", func(c *ep.Customer) *int64 { return &c.OpenBillRunValue }),
	col("balance", func(c *ep.Customer) *int64 { return &c.Balance }),
	col("last_seq", func(c *ep.Customer) *int64 { return &c.LastSeq }),
}

var (
	// customerInsert: a new customer starts with an empty ledger (balance and last_seq 0).
	customerInsert = customerCols.except("id", "balance", "last_seq")
	// customerUpdate: the editable fields.
	customerUpdate = customerCols.except("id", "contract_owner_id", "balance", "last_seq")
)

func (t *tx) CreateCustomer(c *ep.Customer) error {
	id, err := t.insert(customerInsert.insertSQL("customers"), customerInsert.values(c)...)
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
	q := "SELECT " + customerCols.sel("c") + " FROM customers c WHERE c.id = ? AND " + sc
	if lock {
		q += t.d.ForUpdate
	}
	c, err := customerCols.scan(t.queryRow(q, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("customer")
	} else if err != nil {
		return nil, fmt.Errorf("read customer %d: %w", id, err)
	}
	return c, nil
}

// UpdateCustomer writes the editable fields; balance and ledger position change only through PostEntry.
func (t *tx) UpdateCustomer(c *ep.Customer) error {
	_, err := t.exec("UPDATE customers SET "+customerUpdate.set()+" WHERE id = ?", append(customerUpdate.values(c), c.ID)...)
	if t.d.IsUnique(err) {
		return ep.Errorf(ep.ECONFLICT, "a customer with this customerAccountNumber already exists")
	} else if err != nil {
		return fmt.Errorf("update customer %d: %w", c.ID, err)
	}
	return nil
}

func (t *tx) ListCustomers(s store.Scope, l query.List) ([]ep.Customer, int64, error) {
	return listOf(t, customers, s, l, customerCols, "c", "list customers")
}
