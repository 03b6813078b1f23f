package elevatepay

// LedgerEntry is one immutable money movement on a customer's account (exposed as CustomerPayment).
type LedgerEntry struct {
	ID                  int64
	CustomerID          int64
	ContractOwnerID     int32
	Seq                 int64 // 1, 2, 3 … per customer, without gaps
	Amount              int64 // signed minor units; debits negative
	ResultingBalance    int64
	CurrencyID          int64
	Exp                 int32
	Description         *string
	Reference           *string
	Type                *PaymentMethod // payment method or nil
	PaymentDate         string
	CustomerPaymentType CustomerPaymentType
	TxnType             TxnType
	InvoiceID           *int64
	InvoiceNumber       *string
	BillRunType         *BillRunType
}
