// Provider events: what payment providers' webhooks delivered, each event id once per provider.

package sqlstore

import (
	"fmt"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

var providerEventCols = columns[store.ProviderEvent]{
	col("id", func(e *store.ProviderEvent) *int64 { return &e.ID }),
	col("payment_provider_id", func(e *store.ProviderEvent) *int32 { return &e.ProviderID }),
	col("event_id", func(e *store.ProviderEvent) *string { return &e.EventID }),
	col("occurred_at", func(e *store.ProviderEvent) *int64 { return &e.OccurredAt }),
	col("received_at", func(e *store.ProviderEvent) *int64 { return &e.ReceivedAt }),
	col("resource", func(e *store.ProviderEvent) *string { return &e.Resource }),
	col("resource_id", func(e *store.ProviderEvent) *string { return &e.ResourceID }),
	col("action", func(e *store.ProviderEvent) *string { return &e.Action }),
	col("payload", func(e *store.ProviderEvent) *[]byte { return &e.Payload }),
	col("state", func(e *store.ProviderEvent) *store.ProviderEventState { return &e.State }),
	col("note", func(e *store.ProviderEvent) *string { return &e.Note }),
}

// providerEventInsert: what a delivery writes; id, state and note take their defaults.
var providerEventInsert = providerEventCols.only("payment_provider_id", "event_id", "occurred_at", "received_at", "resource", "resource_id", "action", "payload")

func (t *tx) StoreProviderEvent(e *store.ProviderEvent) (bool, error) {
	var id int64
	err := t.queryRow(providerEventInsert.insertSQL("provider_events")+" ON CONFLICT (payment_provider_id, event_id) DO NOTHING RETURNING id",
		providerEventInsert.values(e)...).Scan(&id)
	if isNoRows(err) {
		return false, nil // delivered before
	} else if err != nil {
		return false, fmt.Errorf("store provider event: %w", err)
	}
	e.ID, e.State, e.Note = id, store.EventStored, ""
	return true, nil
}

func (t *tx) ProviderEvent(id int64) (*store.ProviderEvent, error) {
	e, err := providerEventCols.scan(t.queryRow("SELECT "+providerEventCols.sel("")+" FROM provider_events WHERE id = ?", id))
	if isNoRows(err) {
		return nil, ep.NotFound("provider event")
	} else if err != nil {
		return nil, fmt.Errorf("provider event %d: %w", id, err)
	}
	return e, nil
}

func (t *tx) SetProviderEventState(id int64, state store.ProviderEventState, note string) error {
	res, err := t.exec("UPDATE provider_events SET state = ?, note = ? WHERE id = ?", string(state), note, id)
	if err != nil {
		return fmt.Errorf("provider event %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ep.NotFound("provider event")
	}
	return nil
}
