// The ledger: posting and reading entries, which the contract exposes as CustomerPayment (the
// statement).

package sqlstore

import (
	"fmt"
	"math"
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

// PostEntry appends e to the ledger of cust, the customer as the caller read it under its row
// lock. One statement moves the ledger position and totals (balance, last_seq, total_payments,
// payments_since_invoice), conditional on the position the caller read, and returns the new
// position; then cust holds it. If another posting got in between (a caller that forgot the
// lock, or validated against an older read), no row is updated and the posting fails: nothing is
// written at a position the caller did not see, and UNIQUE (customer_id, seq) backs that. The
// update is refused, not wrapped, when the balance or a total would leave int64.
func (t *tx) PostEntry(cust *ep.Customer, e *ep.LedgerEntry) error {
	move, args, err := moveLedger(cust, e)
	if err != nil {
		return err
	}
	if t.d.WritableCTE {
		// One round trip: the entry is inserted at the position the update returns (no row when
		// the update matched none).
		err = t.queryRow("WITH c AS ("+move+") "+entryInsertAt+" RETURNING id, seq, resulting_balance",
			append(args, entryAt.values(e)...)...).Scan(&e.ID, &e.Seq, &e.ResultingBalance)
		if err != nil {
			return t.postFailed(cust, err)
		}
	} else {
		if err := t.queryRow(move, args...).Scan(&e.ResultingBalance, &e.Seq); err != nil {
			return t.postFailed(cust, err)
		}
		if e.ID, err = t.insert(entryInsert.insertSQL("ledger_entries"), entryInsert.values(e)...); err != nil {
			return fmt.Errorf("post entry: %w", err)
		}
	}
	cust.Balance, cust.LastSeq = e.ResultingBalance, e.Seq
	return nil
}

// moveLedger returns the UPDATE of cust's row that posting e makes, RETURNING balance and
// last_seq; it matches no row if the position moved since cust was read or a figure would leave
// int64.
func moveLedger(cust *ep.Customer, e *ep.LedgerEntry) (string, []any, error) {
	if cust.ID != e.CustomerID {
		return "", nil, fmt.Errorf("post entry: an entry of customer %d posted on customer %d", e.CustomerID, cust.ID)
	}
	var paid, restart int64 // what the entry adds to the payment totals; 1: it restarts the period
	if e.TxnType.Payment() {
		paid = e.Amount
	}
	if e.TxnType.InvoiceCreated() {
		restart = 1
	}
	balanceOK, balanceMax := fits("balance", e.Amount)
	totalOK, totalMax := fits("total_payments", paid)
	sinceOK, sinceMax := fits("payments_since_invoice", paid)
	move := `UPDATE customers SET balance = balance + ?, last_seq = last_seq + 1, total_payments = total_payments + ?,
		payments_since_invoice = CASE WHEN ? = 1 THEN 0 ELSE payments_since_invoice + ? END
		WHERE id = ? AND last_seq = ? AND ` + balanceOK + ` AND ` + totalOK + ` AND ` + sinceOK + ` RETURNING balance, last_seq`
	return move, []any{e.Amount, paid, restart, paid, cust.ID, cust.LastSeq, balanceMax, totalMax, sinceMax}, nil
}

// postFailed explains err from a posting statement: no row means the ledger moved since the
// caller's read, or a figure would overflow.
func (t *tx) postFailed(cust *ep.Customer, err error) error {
	if !isNoRows(err) {
		return fmt.Errorf("post entry: customer %d: %w", cust.ID, err)
	}
	var now int64
	if err := t.queryRow("SELECT last_seq FROM customers WHERE id = ?", cust.ID).Scan(&now); err != nil {
		return fmt.Errorf("post entry: customer %d: %w", cust.ID, err)
	}
	if now != cust.LastSeq {
		return fmt.Errorf("post entry: customer %d's ledger is at %d, not at %d where the caller read it", cust.ID, now, cust.LastSeq)
	}
	return ep.Errorf(ep.EINVALID, "amount would overflow the customer's balance")
}

// entryAt: the columns of an entry the caller gives; entryInsertAt inserts them with the
// position and resulting balance that the customer update c returns.
var (
	entryAt       = entryInsert.except("seq", "resulting_balance")
	entryInsertAt = entryAt.insertSelectSQL("ledger_entries", "seq, resulting_balance", "c.last_seq, c.balance", "c")
)

// fits returns the condition that col + add stays within int64, with its bound: the addition
// itself would overflow PostgreSQL's bigint (an error) and turn into a float on SQLite.
func fits(col string, add int64) (string, int64) {
	if add >= 0 {
		return col + " <= ?", math.MaxInt64 - add
	}
	return col + " >= ?", math.MinInt64 - add
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
