package elevatepay

// InvoicePayment is a payment of a normal or an adhoc invoice (exposed as InvoicePayment or
// AdhocInvoicePayment according to BillRunType).
type InvoicePayment struct {
	ID                      int64
	InvoiceID               int64
	CustomerID              int64
	ContractOwnerID         int32
	BillRunType             BillRunType
	BillRunID               *int64
	Amount                  int64 // signed minor units; negative = manual correction
	CurrencyID              int64
	Exp                     int32
	Description             string
	MetaData                *string
	ErrorInfo               *string
	PaymentMethod           PaymentMethod
	PaymentDate             string
	CustomerPaymentType     CustomerPaymentType
	CustomerPaymentID       *int64
	ThirdPartyPaymentStatus *ThirdPartyPaymentStatus
	PaymentProviderID       *int32
	CountsCollected         bool // its amount is part of the invoice's net collected
	CreatedAt               int64
}
