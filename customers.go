package elevatepay

// Customer is a customer of a contract owner.
type Customer struct {
	ID                    int64
	ContractOwnerID       int32
	CustomerName          string
	CustomerAccountNumber *string
	CurrencyID            int64
	Exp                   int32  // decimal places of the customer's currency
	CreditThreshold       *int64 // minor units; nil = no threshold
	OpenBillRunValue      int64  // minor units
	Balance               int64  // minor units, cached sum of the customer's ledger entries
	LastSeq               int64  // sequence number of the customer's latest ledger entry (0 = none)
}
