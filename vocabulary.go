package elevatepay

import "slices"

// The enumerations of the contract (spec §5.2) as types, with the classes the money rules use.
// Every list of values, and every rule that depends on a class of values, is written here once.

// PaymentMethod is how money is paid or collected (spec §5.2.1).
type PaymentMethod string

// The payment methods, in documented order.
const (
	MethodCheque                PaymentMethod = "CHEQUE"
	MethodDirectDebit           PaymentMethod = "DIRECT_DEBIT"
	MethodCancelledDD           PaymentMethod = "CANCELLED_DD"
	MethodCancelledCard         PaymentMethod = "CANCELLED_CARD"
	MethodCreditCard            PaymentMethod = "CREDIT_CARD"
	MethodPayPal                PaymentMethod = "PAYPAL"
	MethodBACS                  PaymentMethod = "BACS"
	MethodPostOfficePaymentCard PaymentMethod = "POST_OFFICE_PAYMENT_CARD"
	MethodEzypay                PaymentMethod = "EZYPAY"
	MethodGoCardless            PaymentMethod = "GO_CARDLESS"
	MethodGCInstantBankPayments PaymentMethod = "GC_INSTANT_BANK_PAYMENTS"
	MethodStripe                PaymentMethod = "STRIPE"
	MethodStripeCard            PaymentMethod = "STRIPE_CARD"
	MethodStripeDD              PaymentMethod = "STRIPE_DD"
	MethodFinastra              PaymentMethod = "FINASTRA"
	MethodFastPay               PaymentMethod = "FAST_PAY"
	MethodOther                 PaymentMethod = "OTHER"
)

// PaymentMethods lists every payment method in documented order.
var PaymentMethods = []PaymentMethod{MethodCheque, MethodDirectDebit, MethodCancelledDD, MethodCancelledCard,
	MethodCreditCard, MethodPayPal, MethodBACS, MethodPostOfficePaymentCard, MethodEzypay, MethodGoCardless,
	MethodGCInstantBankPayments, MethodStripe, MethodStripeCard, MethodStripeDD, MethodFinastra, MethodFastPay,
	MethodOther}

// Valid reports whether m is one of the contract's payment methods.
func (m PaymentMethod) Valid() bool { return slices.Contains(PaymentMethods, m) }

// Family is the provider adapter family a payment method or provider type belongs to (spec §6.4.3).
type Family string

// The provider families; FamilyNone is a method no adapter collects.
const (
	FamilyGoCardless Family = "gocardless"
	FamilyStripe     Family = "stripe"
	FamilyNone       Family = ""
)

// Family returns the adapter family of a payment method, or of a provider of that type.
// DIRECT_DEBIT belongs to the GoCardless family: it is collected through a GoCardless-family
// provider when one is resolved (§5.2.1).
func (m PaymentMethod) Family() Family {
	switch m {
	case MethodGoCardless, MethodGCInstantBankPayments, MethodDirectDebit:
		return FamilyGoCardless
	case MethodStripe, MethodStripeCard, MethodStripeDD:
		return FamilyStripe
	}
	return FamilyNone
}

// SiteState reports whether m (CANCELLED_DD, CANCELLED_CARD) is a state of a site's payment
// set-up rather than a way to pay: it is never the method of a new money movement (OP-18).
func (m PaymentMethod) SiteState() bool {
	return m == MethodCancelledDD || m == MethodCancelledCard
}

// ViaProvider reports whether payments of m are always collected through a provider adapter
// (the "provider" class of §5.2.1: GO_CARDLESS, GC_INSTANT_BANK_PAYMENTS and the Stripe
// methods). DIRECT_DEBIT is not among them: it goes through a provider only when a
// GoCardless-family provider is resolved.
func (m PaymentMethod) ViaProvider() bool {
	switch m {
	case MethodGoCardless, MethodGCInstantBankPayments, MethodStripe, MethodStripeCard, MethodStripeDD:
		return true
	}
	return false
}

// ExternalOnly reports whether m is known to this server only through external reports
// (EZYPAY, FINASTRA): no adapter collects or refunds it (§5.2.1).
func (m PaymentMethod) ExternalOnly() bool {
	return m == MethodEzypay || m == MethodFinastra
}

// Serves reports whether a provider of type m can serve payments of method (spec §5.1.19:
// "family matching paymentMethod"): the same family, or the identical type for types without a
// family. The site states CANCELLED_DD / CANCELLED_CARD keep the provider the site used before
// (OP-29), which is any provider with a family.
func (m PaymentMethod) Serves(method PaymentMethod) bool {
	if method.SiteState() {
		return m.Family() != FamilyNone
	}
	if f := method.Family(); f != FamilyNone {
		return m.Family() == f
	}
	return m == method
}

// BillRunType says which bill run raised an invoice (spec §5.2.4).
type BillRunType string

// The bill-run types.
const (
	BillRunNormal BillRunType = "NORMAL"
	BillRunAdhoc  BillRunType = "ADHOC"
)

// BillRunTypes lists the bill-run types in documented order.
var BillRunTypes = []BillRunType{BillRunNormal, BillRunAdhoc}

// Valid reports whether t is one of the contract's bill-run types.
func (t BillRunType) Valid() bool { return slices.Contains(BillRunTypes, t) }

// CustomerPaymentType is what a ledger entry or a payment concerns (spec §5.2.7).
type CustomerPaymentType string

// The customer payment types.
const (
	PaymentTypeCustomer     CustomerPaymentType = "CUSTOMER"
	PaymentTypeInvoice      CustomerPaymentType = "INVOICE"
	PaymentTypeAdhocInvoice CustomerPaymentType = "ADHOC_INVOICE"
)

// CustomerPaymentTypes lists the customer payment types in documented order.
var CustomerPaymentTypes = []CustomerPaymentType{PaymentTypeCustomer, PaymentTypeInvoice, PaymentTypeAdhocInvoice}

// PaymentType is the customerPaymentType of entries and payments concerning an invoice of
// this bill-run type.
func (t BillRunType) PaymentType() CustomerPaymentType {
	if t == BillRunAdhoc {
		return PaymentTypeAdhocInvoice
	}
	return PaymentTypeInvoice
}

// InvoiceCreated is the txnType of the entry that raises an invoice of this bill-run type.
func (t BillRunType) InvoiceCreated() TxnType {
	if t == BillRunAdhoc {
		return TxnAdhocInvoiceCreated
	}
	return TxnInvoiceCreated
}

// TxnType is the kind of a ledger entry (spec §5.2.8).
type TxnType string

// The ledger entry kinds.
const (
	TxnInvoiceCreated      TxnType = "INVOICE_CREATED"
	TxnAdhocInvoiceCreated TxnType = "ADHOC_INVOICE_CREATED"
	TxnPayment             TxnType = "PAYMENT"
	TxnPaymentReversed     TxnType = "PAYMENT_REVERSED"
	TxnRefund              TxnType = "REFUND"
	TxnBalanceAdjustment   TxnType = "BALANCE_ADJUSTMENT"
)

// TxnTypes lists the ledger entry kinds in documented order.
var TxnTypes = []TxnType{TxnInvoiceCreated, TxnAdhocInvoiceCreated, TxnPayment, TxnPaymentReversed, TxnRefund,
	TxnBalanceAdjustment}

// Payment reports whether entries of this kind count in a customer's payment totals
// (totalPayments of GET /customer-balances, OP-27): PAYMENT and PAYMENT_REVERSED.
func (t TxnType) Payment() bool { return t == TxnPayment || t == TxnPaymentReversed }

// InvoiceCreated reports whether an entry of this kind posts an invoice, which starts the
// period of totalPaymentsSinceLastInvoice again.
func (t TxnType) InvoiceCreated() bool { return t == TxnInvoiceCreated || t == TxnAdhocInvoiceCreated }

// PaymentStatus is an invoice's paymentStatus (spec §5.2.6), derived by ledger.Figures.Status.
type PaymentStatus string

// The invoice payment statuses.
const (
	StatusNA            PaymentStatus = "NA"
	StatusPaid          PaymentStatus = "PAID"
	StatusUnpaid        PaymentStatus = "UNPAID"
	StatusPending       PaymentStatus = "PENDING"
	StatusRefunded      PaymentStatus = "REFUNDED"
	StatusPartRefunded  PaymentStatus = "PART_REFUNDED"
	StatusRefundPending PaymentStatus = "REFUND_PENDING"
	StatusWrittenOff    PaymentStatus = "WRITTEN_OFF"
	StatusDisputed      PaymentStatus = "DISPUTED"
	StatusPartiallyPaid PaymentStatus = "PARTIALLY_PAID"
)

// PaymentStatuses lists the invoice payment statuses in documented order.
var PaymentStatuses = []PaymentStatus{StatusNA, StatusPaid, StatusUnpaid, StatusPending, StatusRefunded,
	StatusPartRefunded, StatusRefundPending, StatusWrittenOff, StatusDisputed, StatusPartiallyPaid}

// ThirdPartyPaymentStatus is the state of a provider collection or an external report (spec §5.2.2).
type ThirdPartyPaymentStatus string

// The third-party payment statuses, in documented order.
const (
	PayNew                     ThirdPartyPaymentStatus = "NEW"
	PayCreated                 ThirdPartyPaymentStatus = "CREATED"
	PayPendingCustomerApproval ThirdPartyPaymentStatus = "PENDING_CUSTOMER_APPROVAL"
	PayPendingSubmission       ThirdPartyPaymentStatus = "PENDING_SUBMISSION"
	PaySubmitted               ThirdPartyPaymentStatus = "SUBMITTED"
	PayConfirmed               ThirdPartyPaymentStatus = "CONFIRMED"
	PayPaidOut                 ThirdPartyPaymentStatus = "PAID_OUT"
	PayCancelled               ThirdPartyPaymentStatus = "CANCELLED"
	PayFailed                  ThirdPartyPaymentStatus = "FAILED"
	PayFailedRetrying          ThirdPartyPaymentStatus = "FAILED_RETRYING"
	PayChargedBack             ThirdPartyPaymentStatus = "CHARGED_BACK"
	PayCustomerApprovalGranted ThirdPartyPaymentStatus = "CUSTOMER_APPROVAL_GRANTED"
	PayCustomerApprovalDenied  ThirdPartyPaymentStatus = "CUSTOMER_APPROVAL_DENIED"
	PayChargebackCancelled     ThirdPartyPaymentStatus = "CHARGEBACK_CANCELLED"
	PayLateFailureSettled      ThirdPartyPaymentStatus = "LATE_FAILURE_SETTLED"
	PayChargebackSettled       ThirdPartyPaymentStatus = "CHARGEBACK_SETTLED"
	PaySurchargeFeeDebited     ThirdPartyPaymentStatus = "SURCHARGE_FEE_DEBITED"
	PayResubmissionRequested   ThirdPartyPaymentStatus = "RESUBMISSION_REQUESTED"
	PayUnsupportedPaymentType  ThirdPartyPaymentStatus = "UNSUPPORTED_PAYMENT_TYPE"
	PayUnauthorisedPaymentType ThirdPartyPaymentStatus = "UNAUTHORISED_PAYMENT_TYPE"
	PayCustomerApprovalMissing ThirdPartyPaymentStatus = "CUSTOMER_APPROVAL_MISSING"
	PaySurchargeFeeCredited    ThirdPartyPaymentStatus = "SURCHARGE_FEE_CREDITED"
	PayManuallyPaid            ThirdPartyPaymentStatus = "MANUALLY_PAID"
	PayUnsent                  ThirdPartyPaymentStatus = "UNSENT"
	PayRefunded                ThirdPartyPaymentStatus = "REFUNDED"
	PayPartiallyRefunded       ThirdPartyPaymentStatus = "PARTIALLY_REFUNDED"
	PayRefundPending           ThirdPartyPaymentStatus = "REFUND_PENDING"
)

// PaymentClass is what a third-party payment status means for the money (spec §5.2.2).
type PaymentClass int

// The payment status classes. ClassUnknown is the class of a value outside the contract.
const (
	ClassUnknown   PaymentClass = iota
	ClassInFlight               // a collection may still succeed
	ClassCollected              // money counted on the ledger
	ClassEnded                  // no money, or money reversed
	ClassInfo                   // does not change the collection state
)

// ThirdPartyPaymentStatuses lists every third-party payment status in documented order.
var ThirdPartyPaymentStatuses = []ThirdPartyPaymentStatus{PayNew, PayCreated, PayPendingCustomerApproval,
	PayPendingSubmission, PaySubmitted, PayConfirmed, PayPaidOut, PayCancelled, PayFailed, PayFailedRetrying,
	PayChargedBack, PayCustomerApprovalGranted, PayCustomerApprovalDenied, PayChargebackCancelled,
	PayLateFailureSettled, PayChargebackSettled, PaySurchargeFeeDebited, PayResubmissionRequested,
	PayUnsupportedPaymentType, PayUnauthorisedPaymentType, PayCustomerApprovalMissing, PaySurchargeFeeCredited,
	PayManuallyPaid, PayUnsent, PayRefunded, PayPartiallyRefunded, PayRefundPending}

// Class returns the class of s (§5.2.2), ClassUnknown for a value outside the contract.
func (s ThirdPartyPaymentStatus) Class() PaymentClass {
	switch s {
	case PayNew, PayCreated, PayPendingCustomerApproval, PayPendingSubmission, PaySubmitted, PayFailedRetrying,
		PayCustomerApprovalGranted:
		return ClassInFlight
	case PayConfirmed, PayPaidOut, PayChargebackCancelled, PayManuallyPaid, PayRefunded, PayPartiallyRefunded,
		PayRefundPending:
		return ClassCollected
	case PayCancelled, PayFailed, PayChargedBack, PayCustomerApprovalDenied, PayLateFailureSettled,
		PayChargebackSettled, PayResubmissionRequested, PayUnsupportedPaymentType, PayUnauthorisedPaymentType,
		PayCustomerApprovalMissing, PayUnsent:
		return ClassEnded
	case PaySurchargeFeeDebited, PaySurchargeFeeCredited:
		return ClassInfo
	}
	return ClassUnknown
}

// InFlight reports whether a collection in status s may still succeed.
func (s ThirdPartyPaymentStatus) InFlight() bool { return s.Class() == ClassInFlight }

// Collected reports whether status s means the money is counted on the ledger.
func (s ThirdPartyPaymentStatus) Collected() bool { return s.Class() == ClassCollected }

// Ended reports whether status s means no money, or money reversed.
func (s ThirdPartyPaymentStatus) Ended() bool { return s.Class() == ClassEnded }

// Reversal reports whether status s reverses money that was collected: a chargeback, or a
// failure settled against a payout (§6.4.4).
func (s ThirdPartyPaymentStatus) Reversal() bool {
	return s == PayChargedBack || s == PayLateFailureSettled || s == PayChargebackSettled
}

// RefundStatus is a refund's thirdPartyRefundStatus (spec §5.2.3).
type RefundStatus string

// The refund statuses, in documented order.
const (
	RefundCreated           RefundStatus = "CREATED"
	RefundPendingSubmission RefundStatus = "PENDING_SUBMISSION"
	RefundSubmitted         RefundStatus = "SUBMITTED"
	RefundPaid              RefundStatus = "PAID"
	RefundCancelled         RefundStatus = "CANCELLED"
	RefundBounced           RefundStatus = "BOUNCED"
	RefundFundsReturned     RefundStatus = "FUNDS_RETURNED"
	RefundManuallyRefunded  RefundStatus = "MANUALLY_REFUNDED"
	RefundSettled           RefundStatus = "REFUND_SETTLED"
)

// RefundStatuses lists every refund status in documented order.
var RefundStatuses = []RefundStatus{RefundCreated, RefundPendingSubmission, RefundSubmitted, RefundPaid,
	RefundCancelled, RefundBounced, RefundFundsReturned, RefundManuallyRefunded, RefundSettled}

// Pending reports whether a refund in status s is still in flight (OP-23).
func (s RefundStatus) Pending() bool {
	return s == RefundCreated || s == RefundPendingSubmission || s == RefundSubmitted
}

// Settled reports whether a refund in status s returned the money (OP-23).
func (s RefundStatus) Settled() bool {
	return s == RefundPaid || s == RefundManuallyRefunded || s == RefundSettled
}

// Failed reports whether a refund in status s did not return the money (OP-23).
func (s RefundStatus) Failed() bool {
	return s == RefundCancelled || s == RefundBounced || s == RefundFundsReturned
}

// ProviderStatus says whether a payment provider takes new work (spec §5.2.5).
type ProviderStatus string

// The provider statuses.
const (
	ProviderActive   ProviderStatus = "ACTIVE"
	ProviderInactive ProviderStatus = "INACTIVE"
)

// ProviderStatuses lists the provider statuses in documented order.
var ProviderStatuses = []ProviderStatus{ProviderActive, ProviderInactive}

// Valid reports whether s is one of the contract's provider statuses.
func (s ProviderStatus) Valid() bool { return slices.Contains(ProviderStatuses, s) }

// MandateStatus is the state of a direct-debit mandate (spec §5.2.10).
type MandateStatus string

// MandateStatuses lists every mandate status in the server's order (OP-30).
var MandateStatuses = []MandateStatus{"NEW", "INACTIVE", "CREATED", "CUSTOMER_APPROVAL_GRANTED",
	"CUSTOMER_APPROVAL_SKIPPED", "PENDING_SUBMISSION", "SUBMITTED", "ACTIVE", "REINSTATED",
	"PENDING_CUSTOMER_APPROVAL", "SUSPENDED_BY_PAYER", "FAILED", "CANCELLED", "EXPIRED", "CONSUMED", "BLOCKED",
	"TRANSFERRED", "REPLACED"}
