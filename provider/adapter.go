package provider

import (
	"errors"
	"net/http"
	"time"

	ep "github.com/elevatepay/elevatepay"
)

// Adapter is what the collection engine asks of one configured payment provider. Adapters take
// and return provider-neutral values, never our tables or HTTP types of the API, and the service
// never sees a provider's JSON. This version has the webhook part; the calls that collect,
// cancel, retry, refund and look up a status come with the engine.
type Adapter interface {
	// Kind names the adapter.
	Kind() Kind
	// VerifyWebhook checks the signature of a webhook request (its headers and raw body) at time
	// now and returns the events it carries. family is the family of the provider record's type:
	// a real adapter has one, the sandbox signs and sends like the family it stands in for. A
	// missing, wrong or stale signature is ErrSignature; a signed body that cannot be read is a
	// *BodyError.
	VerifyWebhook(family ep.Family, h http.Header, body []byte, now time.Time) ([]Event, error)
}

// ErrSignature is a webhook whose signature is missing, wrong or outside the time tolerance.
var ErrSignature = errors.New("the webhook signature is missing or does not verify")

// BodyError is a correctly signed webhook body that is not a valid event payload.
type BodyError struct{ Reason string }

func (e *BodyError) Error() string { return "webhook body: " + e.Reason }

// Resource kinds an event may be about.
const (
	ResourcePayment = "payment"
	ResourceRefund  = "refund"
	ResourceMandate = "mandate"
)

// Event is one provider event, provider-neutral.
type Event struct {
	ID         string    // the provider's event id, unique per provider
	CreatedAt  time.Time // when the provider says it happened
	Resource   string    // ResourcePayment, ResourceRefund, ResourceMandate, or the provider's own word for another kind
	ResourceID string    // the provider's id of the resource
	Action     string    // the provider's action (created, confirmed, failed …), mapped to lifecycle events by the engine
	Raw        []byte    // the event's own JSON, as received
}

// Limits of a webhook body's events, whatever the adapter.
const (
	MaxEvents     = 1000 // events in one body
	MaxEventField = 255  // bytes of an id, a resource kind, a resource id or an action
)
