package service

import (
	"context"
	"sort"
	"strconv"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func checkProvider(p *ep.PaymentProvider) error {
	if !p.Type.Valid() || p.Type.SiteState() {
		return ep.Invalid("type", "must be a PaymentMethod other than CANCELLED_DD and CANCELLED_CARD")
	}
	if !p.Status.Valid() {
		return ep.Invalid("status", "must be ACTIVE or INACTIVE")
	}
	if len(p.ContractOwnerIDs) == 0 {
		return ep.Invalid("contractOwnerIds", "must contain at least one contract owner")
	}
	seen := map[int32]bool{}
	for _, id := range p.ContractOwnerIDs {
		if id < 1 {
			return ep.Invalid("contractOwnerIds", "items must be >= 1")
		}
		if seen[id] {
			return ep.Invalid("contractOwnerIds", "must not contain duplicates")
		}
		seen[id] = true
	}
	sort.Slice(p.ContractOwnerIDs, func(a, b int) bool { return p.ContractOwnerIDs[a] < p.ContractOwnerIDs[b] })
	return nil
}

func forbiddenOwners(who Caller, ids []int32) error {
	if !who.coversAll(ids) {
		return ep.Errorf(ep.EFORBIDDEN, "contractOwnerIds includes a contract owner outside the caller's contract owners")
	}
	return nil
}

// visibleOwners narrows a provider's contract owners to those the caller sees (OP-35).
func visibleOwners(who Caller, prov *ep.PaymentProvider) {
	if who.seesAll() {
		return
	}
	ids := []int32{}
	for _, id := range prov.ContractOwnerIDs {
		if who.sees(id) {
			ids = append(ids, id)
		}
	}
	prov.ContractOwnerIDs = ids
}

// CreateProvider creates a payment provider for contract owners of the caller.
func (s *Service) CreateProvider(ctx context.Context, who Caller, prov *ep.PaymentProvider) error {
	if err := checkProvider(prov); err != nil {
		return err
	}
	if err := forbiddenOwners(who, prov.ContractOwnerIDs); err != nil {
		return err
	}
	return s.write(ctx, who, func(tx store.Tx) error { return tx.CreateProvider(prov) })
}

// Provider returns a visible payment provider showing only the caller's contract owners.
func (s *Service) Provider(ctx context.Context, who Caller, id int32) (*ep.PaymentProvider, error) {
	prov, err := read(ctx, s, func(tx store.Tx) (*ep.PaymentProvider, error) { return tx.Provider(who.Scope(), id) })
	if err != nil {
		return nil, err
	}
	visibleOwners(who, prov)
	return prov, nil
}

// ListProviders lists the providers visible to the caller.
func (s *Service) ListProviders(ctx context.Context, who Caller, l query.List) ([]ep.PaymentProvider, int64, error) {
	out, total, err := readList(ctx, s, func(tx store.Tx) ([]ep.PaymentProvider, int64, error) { return tx.ListProviders(who.Scope(), l) })
	for i := range out {
		visibleOwners(who, &out[i])
	}
	return out, total, err
}

// UpdateProvider changes a provider through edit, which receives the provider as the caller
// sees it. The caller must cover every current and new contract owner (OP-35); type is immutable.
func (s *Service) UpdateProvider(ctx context.Context, who Caller, id int32, edit func(*ep.PaymentProvider) (*ep.PaymentProvider, error)) (out *ep.PaymentProvider, err error) {
	err = s.write(ctx, who, func(tx store.Tx) error {
		cur, err := tx.Provider(who.Scope(), id)
		if err != nil {
			return err
		}
		if err := forbiddenOwners(who, cur.ContractOwnerIDs); err != nil {
			return ep.Errorf(ep.EFORBIDDEN, "the payment provider also serves contract owners outside the caller's contract owners")
		}
		view := *cur
		view.ContractOwnerIDs = append([]int32(nil), cur.ContractOwnerIDs...)
		next, err := edit(&view)
		if err != nil {
			return err
		}
		next.ID = cur.ID
		if next.Type != cur.Type {
			return ep.Invalid("type", "is immutable")
		}
		if err := checkProvider(next); err != nil {
			return err
		}
		if err := forbiddenOwners(who, next.ContractOwnerIDs); err != nil {
			return err
		}
		if err := tx.UpdateProvider(next); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	visibleOwners(who, out)
	return out, nil
}
