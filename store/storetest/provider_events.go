package storetest

import (
	"bytes"
	"strings"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

// testProviderEvents: a provider's event is stored once per event id (a redelivery is not new,
// and changes nothing), the same id from another provider is a different event, every field
// round-trips, the state records what applying it did, and values at the columns' limits are
// accepted or refused alike by both engines.
func testProviderEvents(t *testing.T, s store.Store) {
	var p1, p2 ep.PaymentProvider
	tx(t, s, func(tx store.Tx) error {
		p1 = ep.PaymentProvider{Type: "GO_CARDLESS", Name: "Events one", Status: "ACTIVE", ContractOwnerIDs: []int32{7}}
		p2 = ep.PaymentProvider{Type: "STRIPE", Name: "Events two", Status: "ACTIVE", ContractOwnerIDs: []int32{7}}
		if err := tx.CreateProvider(&p1); err != nil {
			return err
		}
		return tx.CreateProvider(&p2)
	})
	ev := func(provider int32, id string) *store.ProviderEvent {
		return &store.ProviderEvent{ProviderID: provider, EventID: id, OccurredAt: 1_764_590_000_123_456, ReceivedAt: 1_764_590_001_000_000,
			Resource: "payment", ResourceID: "PM00ABC123", Action: "confirmed", Payload: []byte(`{"id":"` + id + `","action":"confirmed"}`)}
	}
	first := ev(p1.ID, "EV0001")
	tx(t, s, func(tx store.Tx) error {
		isNew, err := tx.StoreProviderEvent(first)
		if err != nil || !isNew || first.ID == 0 || first.State != store.EventStored {
			t.Fatalf("first delivery: new %v, %+v, %v", isNew, first, err)
		}
		again := ev(p1.ID, "EV0001")
		again.Action = "failed" // a redelivery never rewrites what was stored
		if isNew, err := tx.StoreProviderEvent(again); err != nil || isNew || again.ID != 0 {
			t.Fatalf("redelivery: new %v, id %d, %v", isNew, again.ID, err)
		}
		other := ev(p2.ID, "EV0001")
		if isNew, err := tx.StoreProviderEvent(other); err != nil || !isNew || other.ID == first.ID {
			t.Fatalf("the same event id from another provider: new %v, %+v, %v", isNew, other, err)
		}
		return nil
	})
	read := func() *store.ProviderEvent {
		var got *store.ProviderEvent
		if err := s.Read(ctx(), func(tx store.Tx) (err error) { got, err = tx.ProviderEvent(first.ID); return err }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := read()
	if got.ProviderID != p1.ID || got.EventID != "EV0001" || got.OccurredAt != first.OccurredAt || got.ReceivedAt != first.ReceivedAt ||
		got.Resource != "payment" || got.ResourceID != "PM00ABC123" || got.Action != "confirmed" || !bytes.Equal(got.Payload, first.Payload) ||
		got.State != store.EventStored || got.Note != "" {
		t.Fatalf("read back %+v, stored %+v", got, first)
	}
	tx(t, s, func(tx store.Tx) error {
		return tx.SetProviderEventState(first.ID, store.EventIgnored, "no payment of this server has this id")
	})
	if got := read(); got.State != store.EventIgnored || got.Note != "no payment of this server has this id" {
		t.Fatalf("after SetProviderEventState: %+v", got)
	}
	fails(t, s, ep.ENOTFOUND, func(tx store.Tx) error { _, err := tx.ProviderEvent(first.ID + 1000); return err })
	fails(t, s, ep.ENOTFOUND, func(tx store.Tx) error { return tx.SetProviderEventState(first.ID+1000, store.EventApplied, "") })

	// The columns' limits: 255 characters fit, more do not; an unknown state is refused.
	long := ev(p1.ID, strings.Repeat("e", 255))
	long.Resource, long.ResourceID, long.Action = strings.Repeat("r", 255), strings.Repeat("i", 255), strings.Repeat("a", 255)
	tx(t, s, func(tx store.Tx) error {
		if isNew, err := tx.StoreProviderEvent(long); err != nil || !isNew {
			t.Fatalf("255-character fields: %v %v", isNew, err)
		}
		return nil
	})
	for _, bad := range []func(e *store.ProviderEvent){
		func(e *store.ProviderEvent) { e.EventID = strings.Repeat("e", 256) },
		func(e *store.ProviderEvent) { e.EventID = "" },
		func(e *store.ProviderEvent) { e.Action = strings.Repeat("a", 256) },
		func(e *store.ProviderEvent) { e.ProviderID = p2.ID + 1000 }, // no such provider
	} {
		e := ev(p1.ID, "EV-bad")
		bad(e)
		err := s.Tx(ctx(), func(tx store.Tx) error { _, err := tx.StoreProviderEvent(e); return err })
		if err == nil {
			t.Errorf("stored an event outside the columns' limits: %+v", e)
		}
	}
	if err := s.Tx(ctx(), func(tx store.Tx) error { return tx.SetProviderEventState(first.ID, "LOST", "") }); err == nil {
		t.Error("an unknown event state was stored")
	}
}
