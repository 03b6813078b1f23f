package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/provider"
	"github.com/elevatepay/elevatepay/store"
)

// ApplyProviderEvent is the job that applies one stored provider event (spec §6.14): enqueued
// in the transaction that stores the event, so an acknowledged event is always applied.
type ApplyProviderEvent struct {
	EventID int64 `json:"event_id"` // provider_events.id
}

// Kind names the job.
func (ApplyProviderEvent) Kind() string { return "apply_provider_event" }

// WebhookResult is what a webhook delivery stored.
type WebhookResult struct {
	Stored, Repeated int // events new to this server, and events it had already
}

// ReceiveWebhook takes a webhook of payment provider id (§4.41): the provider must have an
// adapter (its configuration) and exist with a type of the adapter families, and the adapter
// verifies the signature over the raw body before anything is read or written; then every event new to this server is stored, with the job
// applying it, in one transaction, and events delivered before are acknowledged without effect.
// A webhook is the provider's call, not a user's: it runs as the system.
func (s *Service) ReceiveWebhook(ctx context.Context, id int32, h http.Header, body []byte) (WebhookResult, error) {
	var res WebhookResult
	// The configuration first: a request for an id without an adapter (anyone may send one, with
	// any id) costs no database read.
	a, ok := s.Providers[int64(id)]
	if !ok {
		return res, ep.Errorf(ep.ENOTFOUND, "payment provider %d has no webhook: no provider of this id is configured with an adapter that receives events", id)
	}
	p, err := read(ctx, s, func(tx store.Tx) (*ep.PaymentProvider, error) { return tx.Provider(store.Scope{All: true}, id) })
	if err != nil {
		return res, err
	}
	if p.Type.Family() == ep.FamilyNone {
		return res, ep.Errorf(ep.ENOTFOUND, "payment provider %d has no webhook: its type %s has no adapter that receives events", id, p.Type)
	}
	events, err := a.VerifyWebhook(p.Type.Family(), h, body, s.now())
	var bodyErr *provider.BodyError
	switch {
	case errors.Is(err, provider.ErrSignature):
		return res, ep.Errorf(ep.EUNAUTHORIZED, "%v", err)
	case errors.As(err, &bodyErr):
		return res, ep.Errorf(ep.EINVALID, "%v", err)
	case err != nil:
		return res, fmt.Errorf("verify webhook of payment provider %d: %w", id, err)
	}
	received := s.now().UnixMicro()
	err = s.Store.Tx(ctx, func(tx store.Tx) error {
		res = WebhookResult{}
		for _, e := range events {
			pe := &store.ProviderEvent{ProviderID: id, EventID: e.ID, OccurredAt: e.CreatedAt.UnixMicro(), ReceivedAt: received,
				Resource: e.Resource, ResourceID: e.ResourceID, Action: e.Action, Payload: e.Raw}
			isNew, err := tx.StoreProviderEvent(pe)
			if err != nil {
				return err
			}
			if !isNew {
				res.Repeated++
				continue
			}
			res.Stored++
			if err := tx.Enqueue(ApplyProviderEvent{EventID: pe.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// ApplyStoredEvent applies a stored provider event (the ApplyProviderEvent job). This version
// starts no provider collections, refunds or mandates, so no event can be about one of this
// server's: each is recorded as ignored (§6.14, "unknown resources"), once.
func (s *Service) ApplyStoredEvent(ctx context.Context, id int64) error {
	return s.Store.Tx(ctx, func(tx store.Tx) error {
		e, err := tx.ProviderEvent(id)
		if err != nil {
			return err
		}
		if e.State != store.EventStored {
			return nil // applied before (a job run twice)
		}
		return tx.SetProviderEventState(id, store.EventIgnored, fmt.Sprintf("no %s of this server has the provider's id %q", e.Resource, e.ResourceID))
	})
}
