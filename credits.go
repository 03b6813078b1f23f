package elevatepay

// CustomerCredit is the part of a customer payment not yet allocated to invoices.
type CustomerCredit struct {
	EntryID    int64
	CustomerID int64
	Remaining  int64
}
