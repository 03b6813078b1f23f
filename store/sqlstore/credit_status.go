// Credit status: customers against their credit threshold, with the exact money keys it sorts
// and filters on.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/ledger"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Credit status (§6.13) is shown as ledger.Credit computes it from the stored balance, open bill
// run and threshold; the SQL below only sorts and filters, on the exact keys (moneyKey) of the
// same figures. Every intermediate stays within int64 for any int64 balance, open bill runs
// below 2^62 and thresholds from 1 to 2×10^14 minor units (the contract allows 9999999.99 at
// most): the owed amount max(0, −balance) is never formed (−balance overflows at −2^63), each
// part is divided on its own and the remainders are carried.
const (
	csBalance   = "c.balance"
	csOpen      = "c.open_bill_run_value"
	csThreshold = "c.credit_threshold"
	csExp       = "c.currency_exp"
)

// owedDivMod returns max(0, −balance) div d and mod d for d >= 2, without negating the balance
// itself (−(balance / d) cannot overflow when d >= 2).
func owedDivMod(d string) (q, r string) {
	return "(CASE WHEN " + csBalance + " < 0 THEN -(" + csBalance + " / " + d + ") ELSE 0 END)",
		"(CASE WHEN " + csBalance + " < 0 THEN -(" + csBalance + " % " + d + ") ELSE 0 END)"
}

// billKey is the key of billAmount = max(0, −balance) + openBillRunValue (>= 0).
func billKey() moneyKey {
	u := unitMinor(csExp)
	qo, ro := owedDivMod(u)
	rest := "(" + ro + " + " + csOpen + " % " + u + ")"
	return moneyKey{
		hi: "(" + qo + " + " + csOpen + " / " + u + " + " + rest + " / " + u + ")",
		lo: "((" + rest + " % " + u + ") * " + microPerMinor(csExp) + ")",
	}
}

// valueDifferenceKey is the key of valueDifference = threshold − billAmount
// = (threshold − openBillRunValue) + min(balance, 0), split with floor division.
func valueDifferenceKey() moneyKey {
	u := unitMinor(csExp)
	d := "(" + csThreshold + " - " + csOpen + ")"
	m := "(CASE WHEN " + csBalance + " < 0 THEN " + csBalance + " ELSE 0 END)"
	rest := "(" + floorMod(d, u) + " + " + floorMod(m, u) + ")"
	return moneyKey{
		hi: "(" + floorDiv(d, u) + " + " + floorDiv(m, u) + " + " + rest + " / " + u + ")",
		lo: "((" + rest + " % " + u + ") * " + microPerMinor(csExp) + ")",
	}
}

// percentKey is the key of percentageDifference. In hundredths of a percent it is
// P = round(10000 × bill / T) = (20000 × bill + T) div 2T. With D = 2T, bill = K × D + S is
// computed part by part, so P = 20000 × K + G with G = (20000 × S + T) div D in 0 … 20000;
// with K = 5000 × a + k0, P = 10^8 × a + (20000 × k0 + G), and 10^8 hundredths are 10^6 percent,
// the key unit.
func percentKey() moneyKey {
	d := "(2 * " + csThreshold + ")"
	qo, ro := owedDivMod(d)
	rest := "(" + ro + " + " + csOpen + " % " + d + ")"
	k := "(" + qo + " + " + csOpen + " / " + d + " + " + rest + " / " + d + ")"
	sRem := "(" + rest + " % " + d + ")"
	g := "((20000 * " + sRem + " + " + csThreshold + ") / " + d + ")"
	low := "(20000 * (" + k + " % 5000) + " + g + ")" // 0 … 10^8
	return moneyKey{
		hi: "(" + k + " / 5000 + " + low + " / 100000000)",
		lo: "((" + low + " % 100000000) * 10000)",
	}
}

var (
	billAmountKey     = billKey()
	valueDiffKey      = valueDifferenceKey()
	percentageDiffKey = percentKey()
)

var creditStatus = &resource{
	from: "customers c",
	scope: func(s store.Scope) (string, []any) {
		cond, args := scopeCond(s, "c.contract_owner_id")
		return "c.credit_threshold IS NOT NULL AND " + cond, args
	},
	id: "c.id",
	fields: map[string]field{
		"customerId":           {expr: "c.id", kind: kInt},
		"creditThreshold":      {expr: csThreshold, kind: kMoney, expExpr: csExp},
		"billAmount":           {kind: kMoney, key: &billAmountKey},
		"valueDifference":      {kind: kMoney, key: &valueDiffKey},
		"percentageDifference": {kind: kMoney, key: &percentageDiffKey},
		"openBillRunValue":     {expr: csOpen, kind: kMoney, expExpr: csExp},
	},
}

// creditRow is a customer row read as credit status; the stored balance feeds ledger.Credit.
type creditRow struct {
	ep.CreditStatus
	balance int64
}

// creditStatusCols read a customers row (the scope keeps credit_threshold non-NULL).
var creditStatusCols = columns[creditRow]{
	col("id", func(c *creditRow) *int64 { return &c.CustomerID }),
	col("contract_owner_id", func(c *creditRow) *int32 { return &c.ContractOwnerID }),
	col("currency_exp", func(c *creditRow) *int32 { return &c.Exp }),
	col("credit_threshold", func(c *creditRow) *int64 { return &c.CreditThreshold }),
	col("balance", func(c *creditRow) *int64 { return &c.balance }),
	col("open_bill_run_value", func(c *creditRow) *int64 { return &c.OpenBillRun }),
}

// ListCreditStatus lists credit status of the customers with a credit threshold.
func (t *tx) ListCreditStatus(s store.Scope, l query.List) ([]ep.CreditStatus, int64, error) {
	var out []ep.CreditStatus
	total, err := creditStatus.list(t, s, l, creditStatusCols.sel("c"), func(row rowScanner) error {
		r, err := creditStatusCols.scan(row)
		if err != nil {
			return fmt.Errorf("list credit status: %w", err)
		}
		c := r.CreditStatus
		if c.CreditThreshold <= 0 {
			return fmt.Errorf("list credit status: customer %d has credit threshold %d", c.CustomerID, c.CreditThreshold)
		}
		c.BillAmount, c.ValueDifference, c.Percent100 = ledger.Credit(r.balance, c.OpenBillRun, c.CreditThreshold)
		out = append(out, c)
		return nil
	})
	return out, total, err
}
