// Package sandbox is the payment provider simulated inside elevatepay (spec §6.4.3), for demos
// and for integration tests that must not reach a real provider. This version has its webhooks:
// GoCardless's format — a body {"events": […]} signed with Webhook-Signature, the hex
// HMAC-SHA256 of the raw body under the provider's webhook secret — so the sandbox's events take
// exactly the path a real provider's do.
package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/elevatepay/elevatepay/provider"
)

// SignatureHeader carries a webhook's signature.
const SignatureHeader = "Webhook-Signature"

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

// Sign returns the signature of body under secret, as the sandbox sends it.
func Sign(secret provider.Secret, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
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

// VerifyWebhook checks Webhook-Signature in constant time, then reads the events.
func (a *Adapter) VerifyWebhook(h http.Header, body []byte, _ time.Time) ([]provider.Event, error) {
	sigs := h.Values(SignatureHeader)
	if len(sigs) != 1 {
		return nil, provider.ErrSignature
	}
	got, err := hex.DecodeString(strings.TrimSpace(sigs[0]))
	if err != nil {
		return nil, provider.ErrSignature
	}
	m := hmac.New(sha256.New, []byte(a.secret.Reveal()))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return nil, provider.ErrSignature
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, &provider.BodyError{Reason: "not a JSON object with an events array"}
	}
	if dec.More() {
		return nil, &provider.BodyError{Reason: "more than one JSON value"}
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
		for name, v := range map[string]string{"id": e.ID, "resource_type": e.ResourceType, "action": e.Action} {
			if !field(v) {
				return nil, &provider.BodyError{Reason: fmt.Sprintf("event %d: %s must be 1 to %d printable characters", i, name, provider.MaxEventField)}
			}
		}
		at, err := time.Parse(time.RFC3339Nano, e.CreatedAt)
		if err != nil {
			return nil, &provider.BodyError{Reason: fmt.Sprintf("event %d: created_at is not an RFC 3339 time", i)}
		}
		kind, resourceID := e.ResourceType, ""
		if r, ok := resources[e.ResourceType]; ok {
			kind, resourceID = r.kind, e.Links[r.link]
			if !field(resourceID) {
				return nil, &provider.BodyError{Reason: fmt.Sprintf("event %d: links.%s must be 1 to %d printable characters", i, r.link, provider.MaxEventField)}
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
