// Credit status: customers against their credit threshold, with the exact money keys it sorts
// and filters on.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

// Credit status (§6.13) is computed once, in SQL, as the exact keys (moneyKey) of its figures:
// the list sorts and filters on them and the figures shown are read back from them. Every intermediate stays within int64 for any int64 balance, open bill runs
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

// creditRow is a customers row read as credit status, with the keys of its computed figures.
type creditRow struct {
	ep.CreditStatus
	billHi, billLo, diffHi, diffLo, pctHi, pctLo int64
}

// creditStatusCols read a customers row (the scope keeps credit_threshold non-NULL) and the
// SQL's own keys of billAmount, valueDifference and percentageDifference: the figures shown
// are the ones the list sorts and filters on, computed once, in SQL. ledger.Credit computes the
// same figures independently; the conformance tests hold the two together at the extremes.
var creditStatusCols = columns[creditRow]{
	col("id", func(c *creditRow) *int64 { return &c.CustomerID }),
	col("contract_owner_id", func(c *creditRow) *int32 { return &c.ContractOwnerID }),
	col("currency_exp", func(c *creditRow) *int32 { return &c.Exp }),
	col("credit_threshold", func(c *creditRow) *int64 { return &c.CreditThreshold }),
	col("open_bill_run_value", func(c *creditRow) *int64 { return &c.OpenBillRun }),
	exprCol(billAmountKey.hi, func(c *creditRow) *int64 { return &c.billHi }),
	exprCol(billAmountKey.lo, func(c *creditRow) *int64 { return &c.billLo }),
	exprCol(valueDiffKey.hi, func(c *creditRow) *int64 { return &c.diffHi }),
	exprCol(valueDiffKey.lo, func(c *creditRow) *int64 { return &c.diffLo }),
	exprCol(percentageDiffKey.hi, func(c *creditRow) *int64 { return &c.pctHi }),
	exprCol(percentageDiffKey.lo, func(c *creditRow) *int64 { return &c.pctLo }),
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
		if c.Exp < 0 || c.Exp > 3 {
			return fmt.Errorf("list credit status: customer %d has currency exponent %d", c.CustomerID, c.Exp)
		}
		perMinor := [...]int64{1_000_000, 100_000, 10_000, 1_000}[c.Exp] // millionths of a major unit per minor unit
		c.BillAmount = fromKey(r.billHi, r.billLo, perMinor)
		c.ValueDifference = fromKey(r.diffHi, r.diffLo, perMinor)
		c.Percent100 = fromKey(r.pctHi, r.pctLo, 10_000) // millionths of a percent per hundredth
		out = append(out, c)
		return nil
	})
	return out, total, err
}
