package httpapi

import (
	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/api"
)

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

func providerIn(r *api.PaymentProviderRequest) *ep.PaymentProvider {
	return &ep.PaymentProvider{Type: ep.PaymentMethod(r.Type), Name: r.Name, DirectDebitWithName: r.DirectDebitWithName, Status: ep.ProviderStatus(r.Status),
		CreditorIdentifier: r.CreditorIdentifier, InstantBankPayments: boolOr(r.InstantBankPayments, false),
		RetryIfPossible: boolOr(r.RetryIfPossible, false), AcceptExternalPayments: boolOr(r.AcceptExternalPayments, false),
		ContractOwnerIDs: append([]int32(nil), r.ContractOwnerIds...), SyncInstantBankPaymentsWithMandateCreation: boolOr(r.SyncInstantBankPaymentsWithMandateCreation, false)}
}

// getPaymentProviders serves GET /v1/payment-providers (spec §4.1: Get a list of payment providers).
func (s *Server) getPaymentProviders(c *call) error {
	list, total, err := s.svc.ListProviders(c.ctx(), c.who(), c.list)
	if err != nil {
		return err
	}
	return listed(c, mapSlice(list, providerOut), total)
}

// createPaymentProvider serves POST /v1/payment-providers (spec §4.2: Create a payment provider).
func (s *Server) createPaymentProvider(c *call) error {
	var req api.PaymentProviderRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	prov := providerIn(&req)
	if err := s.svc.CreateProvider(c.ctx(), c.who(), prov); err != nil {
		return err
	}
	return c.created(location("payment-providers", int64(prov.ID)), providerOut(prov))
}

// getPaymentProvider serves GET /v1/payment-providers/{payment_provider_id} (spec §4.3: Get a specific payment provider).
func (s *Server) getPaymentProvider(c *call) error {
	id, err := c.pathID32("payment_provider_id")
	if err != nil {
		return err
	}
	prov, err := s.svc.Provider(c.ctx(), c.who(), id)
	if err != nil {
		return err
	}
	return c.ok(providerOut(prov))
}

// updatePaymentProvider serves PATCH /v1/payment-providers/{payment_provider_id} (spec §4.4: Update the payment provider).
func (s *Server) updatePaymentProvider(c *call) error {
	id, err := c.pathID32("payment_provider_id")
	if err != nil {
		return err
	}
	prov, err := s.svc.UpdateProvider(c.ctx(), c.who(), id, func(cur *ep.PaymentProvider) (*ep.PaymentProvider, error) {
		var req api.PaymentProviderRequest
		if err := c.patch(providerOut(cur), "PaymentProviderRequest", []string{"id", "type"}, &req); err != nil {
			return nil, err
		}
		return providerIn(&req), nil
	})
	if err != nil {
		return err
	}
	return c.ok(providerOut(prov))
}
