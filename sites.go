package elevatepay

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
