package httpapi

import (
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
	"github.com/elevatepay/elevatepay/money"
)

// Conversions between domain values and the generated wire models.

func date(s string) openapi_types.Date {
	t, _ := time.Parse("2006-01-02", s)
	return openapi_types.Date{Time: t}
}

func datePtr(s *string) *openapi_types.Date {
	if s == nil {
		return nil
	}
	d := date(*s)
	return &d
}

func dateString(d *openapi_types.Date) *string {
	if d == nil {
		return nil
	}
	s := d.Format("2006-01-02")
	return &s
}

func amount(minor int64, exp int32) money.Decimal { return money.FromMinor(minor, exp) }

func amountPtr(minor *int64, exp int32) *money.Decimal {
	if minor == nil {
		return nil
	}
	d := money.FromMinor(*minor, exp)
	return &d
}

func strEnum[T ~string](s *string) *T {
	if s == nil {
		return nil
	}
	v := T(*s)
	return &v
}

func enumStr[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}

func currencyOut(c *ep.Currency) api.Currency {
	return api.Currency{Id: c.ID, Name: c.Name, Code: c.Code, MajorCurrencyName: c.MajorCurrencyName, MinorCurrencyName: c.MinorCurrencyName, DecimalPlaces: c.DecimalPlaces}
}

func customerOut(c *ep.Customer) api.Customer {
	return api.Customer{Id: c.ID, ContractOwnerId: c.ContractOwnerID, CustomerName: c.CustomerName, CustomerAccountNumber: c.CustomerAccountNumber,
		CurrencyId: c.CurrencyID, CreditThreshold: amountPtr(c.CreditThreshold, c.Exp), OpenBillRunValue: amount(c.OpenBillRunValue, c.Exp)}
}

func siteOut(s *ep.Site) api.Site {
	d := s.Details
	return api.Site{Id: s.ID, CustomerId: s.CustomerID, SiteName: s.SiteName, StartDate: date(s.StartDate), EndDate: datePtr(s.EndDate),
		SiteInvoiceDetails: api.SiteInvoiceDetails{PaymentMethod: strEnum[api.PaymentMethod](d.PaymentMethod), MandateStatus: d.MandateStatus,
			MandateReference: d.MandateReference, ThirdPartyCustomerReference: d.ThirdPartyCustomerReference, PaymentProviderId: d.PaymentProviderID}}
}

func invoiceOut(i *ep.Invoice) api.Invoice {
	return api.Invoice{Id: i.ID, CustomerId: i.CustomerID, SiteId: i.SiteID, BillRunType: api.BillRunType(i.BillRunType), BillRunId: i.BillRunID,
		InvoiceNumber: i.InvoiceNumber, InvoiceDate: date(i.InvoiceDate), DueDate: date(i.DueDate), TotalInMajorCurrency: amount(i.Total, i.Exp),
		OutstandingInMajorCurrency: amount(i.Outstanding, i.Exp), CurrencyId: i.CurrencyID, PaymentMethod: strEnum[api.PaymentMethod](i.PaymentMethod),
		AutoCollect: i.AutoCollect, PaymentStatus: api.PaymentStatus(i.PaymentStatus),
		ThirdPartyPaymentStatus: strEnum[api.ThirdPartyPaymentStatus](i.ThirdPartyPaymentStatus),
		ThirdPartyRefundStatus:  strEnum[api.ThirdPartyRefundStatus](i.ThirdPartyRefundStatus)}
}

func providerOut(p *ep.PaymentProvider) api.PaymentProvider {
	ids := p.ContractOwnerIDs
	if ids == nil {
		ids = []int32{}
	}
	return api.PaymentProvider{Id: p.ID, Type: api.PaymentMethod(p.Type), Name: p.Name, DirectDebitWithName: p.DirectDebitWithName,
		Status: api.PaymentProviderStatus(p.Status), CreditorIdentifier: p.CreditorIdentifier, InstantBankPayments: p.InstantBankPayments,
		RetryIfPossible: p.RetryIfPossible, AcceptExternalPayments: p.AcceptExternalPayments, ContractOwnerIds: ids,
		SyncInstantBankPaymentsWithMandateCreation: p.SyncInstantBankPaymentsWithMandateCreation}
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func providerIn(r *api.PaymentProviderRequest) *ep.PaymentProvider {
	return &ep.PaymentProvider{Type: string(r.Type), Name: r.Name, DirectDebitWithName: r.DirectDebitWithName, Status: string(r.Status),
		CreditorIdentifier: r.CreditorIdentifier, InstantBankPayments: boolOr(r.InstantBankPayments, false),
		RetryIfPossible: boolOr(r.RetryIfPossible, false), AcceptExternalPayments: boolOr(r.AcceptExternalPayments, false),
		ContractOwnerIDs: append([]int32(nil), r.ContractOwnerIds...), SyncInstantBankPaymentsWithMandateCreation: boolOr(r.SyncInstantBankPaymentsWithMandateCreation, false)}
}

func siteDetailsIn(d *api.SiteInvoiceDetailsRequest) ep.SiteInvoiceDetails {
	if d == nil {
		return ep.SiteInvoiceDetails{}
	}
	return ep.SiteInvoiceDetails{PaymentMethod: enumStr(d.PaymentMethod), MandateStatus: d.MandateStatus, MandateReference: d.MandateReference,
		ThirdPartyCustomerReference: d.ThirdPartyCustomerReference, PaymentProviderID: d.PaymentProviderId}
}
