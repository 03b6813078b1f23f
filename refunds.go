package elevatepay

// Refund returns collected money of an invoice to the customer.
type Refund struct {
	ID                     int64
	InvoiceID              int64
	CustomerID             int64
	ContractOwnerID        int32
	BillRunType            BillRunType
	ThirdPartyRefundStatus RefundStatus
	Description            *string
	ErrorInfo              *string
	PaymentMethod          PaymentMethod
	Amount                 int64
	CurrencyID             int64
	Exp                    int32
	PaymentProviderID      *int32
	InvoicePaymentID       *int64
	EntryID                *int64
	CreatedAt              int64
}
