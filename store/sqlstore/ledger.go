// The ledger: posting and reading entries, which the contract exposes as CustomerPayment (the
// statement).

package sqlstore

import (
	"fmt"
	"strings"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

var entryCols = columns[ep.LedgerEntry]{
	col("id", func(e *ep.LedgerEntry) *int64 { return &e.ID }),
	col("customer_id", func(e *ep.LedgerEntry) *int64 { return &e.CustomerID }),
	col("contract_owner_id", func(e *ep.LedgerEntry) *int32 { return &e.ContractOwnerID }),
	col("seq", func(e *ep.LedgerEntry) *int64 { return &e.Seq }),
	col("amount", func(e *ep.LedgerEntry) *int64 { return &e.Amount }),
	col("resulting_balance", func(e *ep.LedgerEntry) *int64 { return &e.ResultingBalance }),
	col("currency_id", func(e *ep.LedgerEntry) *int64 { return &e.CurrencyID }),
	col("currency_exp", func(e *ep.LedgerEntry) *int32 { return &e.Exp }),
	nullCol("description", func(e *ep.LedgerEntry) **string { return &e.Description }),
	nullCol("reference", func(e *ep.LedgerEntry) **string { return &e.Reference }),
	nullCol("type", func(e *ep.LedgerEntry) **ep.PaymentMethod { return &e.Type }),
	col("payment_date", func(e *ep.LedgerEntry) *string { return &e.PaymentDate }),
	col("customer_payment_type", func(e *ep.LedgerEntry) *ep.CustomerPaymentType { return &e.CustomerPaymentType }),
	col("txn_type", func(e *ep.LedgerEntry) *ep.TxnType { return &e.TxnType }),
	nullCol("invoice_id", func(e *ep.LedgerEntry) **int64 { return &e.InvoiceID }),
	nullCol("invoice_number", func(e *ep.LedgerEntry) **string { return &e.InvoiceNumber }),
	nullCol("bill_run_type", func(e *ep.LedgerEntry) **ep.BillRunType { return &e.BillRunType }),
}

var entryInsert = entryCols.except("id")

// PostEntry appends an entry. The customer row update is conditional on the ledger position the
// caller read, so even a caller that forgot the row lock cannot post two entries at one position.
func (t *tx) PostEntry(e *ep.LedgerEntry) error {
	cur, err := customerPosition.scan(t.queryRow("SELECT "+customerPosition.sel("")+" FROM customers WHERE id = ?", e.CustomerID))
	if err != nil {
		return fmt.Errorf("post entry: read customer %d: %w", e.CustomerID, err)
	}
	balance, lastSeq := cur.Balance, cur.LastSeq
	e.Seq = lastSeq + 1
	e.ResultingBalance = balance + e.Amount
	if (e.Amount > 0 && e.ResultingBalance < balance) || (e.Amount < 0 && e.ResultingBalance > balance) {
		return ep.Errorf(ep.EINVALID, "amount would overflow the customer's balance")
	}
	next := ep.Customer{Balance: e.ResultingBalance, LastSeq: e.Seq}
	res, err := t.exec("UPDATE customers SET "+customerPosition.set()+" WHERE id = ? AND last_seq = ?",
		append(customerPosition.values(&next), e.CustomerID, lastSeq)...)
	if err != nil {
		return fmt.Errorf("post entry: update customer %d: %w", e.CustomerID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("post entry: customer %d ledger moved concurrently", e.CustomerID)
	}
	id, err := t.insert(entryInsert.insertSQL("ledger_entries"), entryInsert.values(e)...)
	if err != nil {
		return fmt.Errorf("post entry: %w", err)
	}
	e.ID = id
	return nil
}

func (t *tx) Entries(s store.Scope, customerID int64) ([]ep.LedgerEntry, error) {
	sc, args := scopeCond(s, "e.contract_owner_id")
	rows, err := t.query("SELECT "+entryCols.sel("e")+" FROM ledger_entries e WHERE e.customer_id = ? AND "+sc+" ORDER BY e.seq", append([]any{customerID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []ep.LedgerEntry
	for rows.Next() {
		e, err := entryCols.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list entries: %w", err)
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

var ledgerEntries = &resource{
	from:  "ledger_entries e",
	owner: "e.contract_owner_id",
	id:    "e.id",
	fields: map[string]field{
		"id": {expr: "e.id", kind: kInt}, "customerId": {expr: "e.customer_id", kind: kInt},
		"amountInMajorCurrency":    {expr: "e.amount", kind: kMoney, expExpr: "e.currency_exp"},
		"resultingCustomerBalance": {expr: "e.resulting_balance", kind: kMoney, expExpr: "e.currency_exp"},
		"currencyId":               {expr: "e.currency_id", kind: kInt}, "description": {expr: "e.description", kind: kText},
		"reference": {expr: "e.reference", kind: kText}, "type": {expr: "e.type", kind: kText}, "paymentDate": {expr: "e.payment_date", kind: kDate},
		"customerPaymentType": {expr: "e.customer_payment_type", kind: kText}, "txnType": {expr: "e.txn_type", kind: kText},
		"invoiceNumber": {expr: "e.invoice_number", kind: kText}, "invoiceId": {expr: "e.invoice_id", kind: kInt},
		"billRunType": {expr: "e.bill_run_type", kind: kText},
	},
	params: map[string]custom{
		"customer_id": func(c query.Cond) (string, []any, error) { return "e.customer_id = ?", []any{c.IDs[0]}, nil },
		"excludeDebits": func(c query.Cond) (string, []any, error) {
			if c.Bool {
				return "e.amount >= 0", nil, nil
			}
			return "1 = 1", nil, nil
		},
		"excludeCredits": func(c query.Cond) (string, []any, error) {
			if c.Bool {
				return "e.amount < 0", nil, nil
			}
			return "1 = 1", nil, nil
		},
		// filter: a case-insensitive match over description or reference; plain text means
		// "contains", in: means equals one of the values (§4.16, OP-10).
		"filter": func(c query.Cond) (string, []any, error) {
			switch c.Op {
			case query.OpIn:
				var args []any
				for _, s := range c.Strings {
					args = append(args, s)
				}
				ph := placeholders(len(args))
				return "(e.description IN (" + ph + ") OR e.reference IN (" + ph + "))", append(args, args...), nil
			case query.OpLike:
				p := strings.ToLower(c.LikeSQL())
				return "(lower(e.description) LIKE ? ESCAPE '\\' OR lower(e.reference) LIKE ? ESCAPE '\\')", []any{p, p}, nil
			case query.OpEq:
				p := strings.ToLower(query.Cond{Op: query.OpLike, Like: c.Strings[0]}.LikeSQL())
				return "(lower(e.description) LIKE ? ESCAPE '\\' OR lower(e.reference) LIKE ? ESCAPE '\\')", []any{p, p}, nil
			}
			return "", nil, fmt.Errorf("filter: unsupported op %q", c.Op)
		},
	},
}

// ListEntries lists ledger entries, which the contract exposes as CustomerPayment (the caller
// filters by customer_id).
func (t *tx) ListEntries(s store.Scope, l query.List) ([]ep.LedgerEntry, int64, error) {
	return listOf(t, ledgerEntries, s, l, entryCols, "e", "list entries")
}

// Entry returns one visible ledger entry.
func (t *tx) Entry(s store.Scope, id int64) (*ep.LedgerEntry, error) {
	sc, args := scopeCond(s, "e.contract_owner_id")
	e, err := entryCols.scan(t.queryRow("SELECT "+entryCols.sel("e")+" FROM ledger_entries e WHERE e.id = ? AND "+sc, append([]any{id}, args...)...))
	if isNoRows(err) {
		return nil, ep.NotFound("customer payment")
	} else if err != nil {
		return nil, fmt.Errorf("read entry %d: %w", id, err)
	}
	return e, nil
}
