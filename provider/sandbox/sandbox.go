// Package sandbox is the payment provider simulated inside elevatepay (spec §6.4.3), for demos
// and for integration tests that must not reach a real provider. This version has its webhooks,
// signed and shaped like those of the family the provider record stands in for, so the
// sandbox's events take exactly the path a real provider's do:
//
//   - GoCardless family: a body {"events": […]} signed with Webhook-Signature, the hex
//     HMAC-SHA256 of the raw body under the provider's webhook secret;
//   - Stripe family: one event object {"id", "type", "created", "data": {"object": {…}}} signed
//     with Stripe-Signature "t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">", the time
//     within 300 s of ours.
package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/provider"
)

// The signature headers of the two families.
const (
	SignatureHeader       = "Webhook-Signature" // GoCardless family
	StripeSignatureHeader = "Stripe-Signature"  // Stripe family
)

// StripeTolerance is how far a Stripe-family signature's time may be from ours.
const StripeTolerance = 300 * time.Second

// Adapter is the sandbox provider of one payment provider id.
type Adapter struct {
	secret provider.Secret
}

// New returns the sandbox adapter of settings (Kind sandbox).
func New(s provider.Settings) (*Adapter, error) {
	if s.Kind != provider.KindSandbox || !s.WebhookSecret.Set() {
		return nil, fmt.Errorf("sandbox: settings of kind %q without a webhook secret", s.Kind)
	}
	return &Adapter{secret: s.WebhookSecret}, nil
}

// Kind is sandbox.
func (a *Adapter) Kind() provider.Kind { return provider.KindSandbox }

// Sign returns the GoCardless-family signature of body under secret.
func Sign(secret provider.Secret, body []byte) string { return hex.EncodeToString(mac(secret, body)) }

// SignStripe returns the Stripe-family signature of body under secret at time at.
func SignStripe(secret provider.Secret, body []byte, at time.Time) string {
	t := strconv.FormatInt(at.Unix(), 10)
	return "t=" + t + ",v1=" + hex.EncodeToString(mac(secret, append([]byte(t+"."), body...)))
}

func mac(secret provider.Secret, b []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write(b)
	return m.Sum(nil)
}

// envelope is the webhook body.
type envelope struct {
	Events []json.RawMessage `json:"events"`
}

type event struct {
	ID           string            `json:"id"`
	CreatedAt    string            `json:"created_at"`
	ResourceType string            `json:"resource_type"`
	Action       string            `json:"action"`
	Links        map[string]string `json:"links"`
}

// resources maps the body's resource types to the provider-neutral kinds, and names the link
// holding the resource's id.
var resources = map[string]struct{ kind, link string }{
	"payments": {provider.ResourcePayment, "payment"},
	"refunds":  {provider.ResourceRefund, "refund"},
	"mandates": {provider.ResourceMandate, "mandate"},
}

// VerifyWebhook checks the family's signature in constant time, then reads the events.
func (a *Adapter) VerifyWebhook(family ep.Family, h http.Header, body []byte, now time.Time) ([]provider.Event, error) {
	switch family {
	case ep.FamilyGoCardless:
		return a.goCardless(h, body)
	case ep.FamilyStripe:
		return a.stripe(h, body, now)
	}
	return nil, fmt.Errorf("sandbox: no webhooks for a provider of family %q", family)
}

func (a *Adapter) goCardless(h http.Header, body []byte) ([]provider.Event, error) {
	sigs := h.Values(SignatureHeader)
	if len(sigs) != 1 {
		return nil, provider.ErrSignature
	}
	got, err := hex.DecodeString(strings.TrimSpace(sigs[0]))
	if err != nil || !hmac.Equal(got, mac(a.secret, body)) {
		return nil, provider.ErrSignature
	}
	var env envelope
	if err := decodeOne(body, &env, "object with an events array"); err != nil {
		return nil, err
	}
	if len(env.Events) == 0 {
		return nil, &provider.BodyError{Reason: "no events"}
	}
	if len(env.Events) > provider.MaxEvents {
		return nil, &provider.BodyError{Reason: fmt.Sprintf("%d events, at most %d in one body", len(env.Events), provider.MaxEvents)}
	}
	out := make([]provider.Event, 0, len(env.Events))
	seen := map[string]bool{}
	for i, raw := range env.Events {
		var e event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, &provider.BodyError{Reason: fmt.Sprintf("event %d is not an event object", i)}
		}
		prefix := fmt.Sprintf("event %d: ", i)
		if err := checkFields(prefix, "id", e.ID, "resource_type", e.ResourceType, "action", e.Action); err != nil {
			return nil, err
		}
		at, err := time.Parse(time.RFC3339Nano, e.CreatedAt)
		if err != nil {
			return nil, &provider.BodyError{Reason: fmt.Sprintf("event %d: created_at is not an RFC 3339 time", i)}
		}
		kind, resourceID := e.ResourceType, ""
		if r, ok := resources[e.ResourceType]; ok {
			kind, resourceID = r.kind, e.Links[r.link]
			if err := checkFields(prefix, "links."+r.link, resourceID); err != nil {
				return nil, err
			}
		}
		if seen[e.ID] {
			continue // the same event twice in one body: once
		}
		seen[e.ID] = true
		out = append(out, provider.Event{ID: e.ID, CreatedAt: at.UTC(), Resource: kind, ResourceID: resourceID, Action: e.Action, Raw: raw})
	}
	return out, nil
}

// decodeOne decodes body, one JSON value, into v; what names the value for the error.
func decodeOne(body []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &provider.BodyError{Reason: "not a JSON " + what}
	}
	if dec.More() {
		return &provider.BodyError{Reason: "more than one JSON value"}
	}
	return nil
}

// checkFields checks name, value pairs in order: the first value that is not a field is the
// error, its name after prefix.
func checkFields(prefix string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if !field(pairs[i+1]) {
			return &provider.BodyError{Reason: fmt.Sprintf("%s%s must be 1 to %d printable characters", prefix, pairs[i], provider.MaxEventField)}
		}
	}
	return nil
}

// field reports whether v is 1 to MaxEventField printable characters.
func field(v string) bool {
	if v == "" || len(v) > provider.MaxEventField {
		return false
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// stripeEvent is a Stripe-family event.
type stripeEvent struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"object"`
	} `json:"data"`
}

// stripeResources maps Stripe object kinds to the provider-neutral ones.
var stripeResources = map[string]string{
	"payment_intent": provider.ResourcePayment, "charge": provider.ResourcePayment,
	"refund": provider.ResourceRefund, "setup_intent": provider.ResourceMandate, "mandate": provider.ResourceMandate,
}

func (a *Adapter) stripe(h http.Header, body []byte, now time.Time) ([]provider.Event, error) {
	sigs := h.Values(StripeSignatureHeader)
	if len(sigs) != 1 {
		return nil, provider.ErrSignature
	}
	var t string
	var v1 [][]byte
	for _, part := range strings.Split(sigs[0], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				v1 = append(v1, b)
			}
		}
	}
	ts, err := strconv.ParseInt(t, 10, 64)
	if err != nil || len(v1) == 0 || len(v1) > 8 {
		return nil, provider.ErrSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > StripeTolerance || d < -StripeTolerance {
		return nil, provider.ErrSignature // stale or from the future: a replay
	}
	want := mac(a.secret, append([]byte(t+"."), body...))
	ok := false
	for _, sig := range v1 { // any of the signatures (a rolled secret sends two)
		ok = hmac.Equal(sig, want) || ok
	}
	if !ok {
		return nil, provider.ErrSignature
	}
	var e stripeEvent
	if err := decodeOne(body, &e, "event object"); err != nil {
		return nil, err
	}
	if err := checkFields("", "id", e.ID, "type", e.Type, "data.object.object", e.Data.Object.Object); err != nil {
		return nil, err
	}
	if e.Created <= 0 {
		return nil, &provider.BodyError{Reason: "created must be a Unix time"}
	}
	kind, resourceID := e.Data.Object.Object, ""
	if k, ok := stripeResources[kind]; ok {
		kind, resourceID = k, e.Data.Object.ID
		if err := checkFields("", "data.object.id", resourceID); err != nil {
			return nil, err
		}
	}
	return []provider.Event{{ID: e.ID, CreatedAt: time.Unix(e.Created, 0).UTC(), Resource: kind, ResourceID: resourceID, Action: e.Type, Raw: body}}, nil
}
