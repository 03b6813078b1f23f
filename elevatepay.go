package elevatepay

import "math/big"

// Amounts inside the service are int64 minor units of the currency concerned;
// Exp on a value is the currency's decimalPlaces. Decimal text exists only at the HTTP edge.

// Currency is a currency every amount of a customer is expressed in.
type Currency struct {
	ID                int64
	Name              string
	Code              string
	MajorCurrencyName string
	MinorCurrencyName string
	DecimalPlaces     int32
}

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

// SiteInvoiceDetails is the payment set-up of a site.
type SiteInvoiceDetails struct {
	PaymentMethod               *PaymentMethod
	MandateStatus               *string
	MandateReference            *string
	ThirdPartyCustomerReference *string
	PaymentProviderID           *int32
}

// Site is a site of a customer; invoices and mandates attach to sites.
type Site struct {
	ID              int64
	CustomerID      int64
	ContractOwnerID int32
	SiteName        string
	StartDate       string  // YYYY-MM-DD
	EndDate         *string // YYYY-MM-DD or nil
	Details         SiteInvoiceDetails
}

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

// CustomerCredit is the part of a customer payment not yet allocated to invoices.
type CustomerCredit struct {
	EntryID    int64
	CustomerID int64
	Remaining  int64
}

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

// BalanceFigures are the sums behind CustomerOutstandingBalance.
type BalanceFigures struct {
	Balance                       int64
	TotalPayments                 int64
	TotalPaymentsSinceLastInvoice int64
	LiveSiteMethods               []PaymentMethod // payment methods of live sites, distinct
}

// PaymentProvider is a system payments are collected through.
type PaymentProvider struct {
	ID                                         int32
	Type                                       PaymentMethod
	Name                                       string
	DirectDebitWithName                        *string
	Status                                     ProviderStatus
	CreditorIdentifier                         *string
	InstantBankPayments                        bool
	RetryIfPossible                            bool
	AcceptExternalPayments                     bool
	ContractOwnerIDs                           []int32
	SyncInstantBankPaymentsWithMandateCreation bool
}

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

// User is an account of POST /v1/authenticate.
type User struct {
	ID               int64
	Username         string
	PasswordHash     string
	ContractOwnerIDs []int32
	Admin            bool
	Scopes           []string
	Disabled         bool
	Failures         int
	LockedUntil      int64 // unix seconds; 0 = not locked
}
