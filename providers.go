package elevatepay

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
