package elevatepay

import "math/big"

// CreditStatus is a customer's balance against their credit threshold (spec §6.13). The
// computed figures are big integers (minor units; hundredths of a percent): a debt near the
// int64 limit, or a large bill over a threshold of one minor unit, does not fit int64.
type CreditStatus struct {
	CustomerID      int64
	ContractOwnerID int32
	Exp             int32
	CreditThreshold int64
	BillAmount      *big.Int
	ValueDifference *big.Int
	Percent100      *big.Int // percentageDifference in hundredths of a percent
	OpenBillRun     int64
}
