package elevatepay

// Invoice is a normal or adhoc invoice.
type Invoice struct {
	ID                      int64
	CustomerID              int64
	ContractOwnerID         int32
	SiteID                  int64
	BillRunType             BillRunType
	BillRunID               *int64
	InvoiceNumber           string
	InvoiceDate             string
	DueDate                 string
	Total                   int64 // minor units
	Outstanding             int64 // minor units
	CurrencyID              int64
	Exp                     int32
	PaymentMethod           *PaymentMethod
	AutoCollect             bool
	PaymentStatus           PaymentStatus
	ThirdPartyPaymentStatus *ThirdPartyPaymentStatus
	ThirdPartyRefundStatus  *RefundStatus
	// Money figures maintained with every payment and refund (spec §6.3.1), minor units.
	Collected      int64 // net collected
	InFlight       int64 // provider collections in flight
	RefundsPending int64
	RefundsSettled int64
}
