package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/provider"
)

func adapter(t *testing.T) (*Adapter, provider.Secret) {
	t.Helper()
	s, err := provider.SandboxSettings("sandbox-secret-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return a, s.WebhookSecret
}

func signedHeader(secret provider.Secret, body string) http.Header {
	h := http.Header{}
	h.Set(SignatureHeader, Sign(secret, []byte(body)))
	return h
}

// TestVerifyWebhookReadsEvents: events map to provider-neutral kinds and ids; an unknown
// resource type is kept (recorded, then ignored); an event twice in one body counts once.
func TestVerifyWebhookReadsEvents(t *testing.T) {
	a, secret := adapter(t)
	body := `{"events":[` +
		`{"id":"EV1","created_at":"2026-12-01T10:00:00.5Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}},` +
		`{"id":"EV2","created_at":"2026-12-01T11:00:00+01:00","resource_type":"mandates","action":"active","links":{"mandate":"MD1"}},` +
		`{"id":"EV3","created_at":"2026-12-01T10:00:02Z","resource_type":"payouts","action":"paid","links":{"payout":"PO1"}},` +
		`{"id":"EV1","created_at":"2026-12-01T10:00:00.5Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}}]}`
	events, err := a.VerifyWebhook(ep.FamilyGoCardless, signedHeader(secret, body), []byte(body), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, e := range events {
		got += fmt.Sprintf("%s %s %s %s %s|", e.ID, e.Resource, e.ResourceID, e.Action, e.CreatedAt.Format(time.RFC3339Nano))
	}
	want := "EV1 payment PM1 confirmed 2026-12-01T10:00:00.5Z|EV2 mandate MD1 active 2026-12-01T10:00:00Z|EV3 payouts  paid 2026-12-01T10:00:02Z|"
	if got != want {
		t.Errorf("events\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(string(events[0].Raw), `"links":{"payment":"PM1"}`) {
		t.Errorf("raw %s", events[0].Raw)
	}
}

// TestVerifyWebhookRefuses: signatures first (a second signature header, a short one), then the
// body's limits.
func TestVerifyWebhookRefuses(t *testing.T) {
	a, secret := adapter(t)
	ok := `{"events":[{"id":"EV1","created_at":"2026-12-01T10:00:00Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}}]}`
	two := signedHeader(secret, ok)
	two.Add(SignatureHeader, Sign(secret, []byte(ok)))
	short := http.Header{}
	short.Set(SignatureHeader, Sign(secret, []byte(ok))[:32])
	for name, h := range map[string]http.Header{"two signatures": two, "a prefix of the signature": short, "none": {}} {
		if _, err := a.VerifyWebhook(ep.FamilyGoCardless, h, []byte(ok), time.Now()); !errors.Is(err, provider.ErrSignature) {
			t.Errorf("%s: %v, want ErrSignature", name, err)
		}
	}
	many := `{"events":[` + strings.TrimSuffix(strings.Repeat(`{"id":"E","created_at":"2026-12-01T10:00:00Z","resource_type":"x","action":"y"},`, provider.MaxEvents+1), ",") + `]}`
	for name, body := range map[string]string{
		"too many events":    many,
		"a long id":          strings.Replace(ok, `"EV1"`, `"`+strings.Repeat("e", provider.MaxEventField+1)+`"`, 1),
		"a control in an id": strings.Replace(ok, `"EV1"`, `"EV\u00001"`, 1),
		"no resource id":     strings.Replace(ok, `"links":{"payment":"PM1"}`, `"links":{}`, 1),
		"two JSON values":    ok + ok,
		"no events":          `{"events":null}`,
	} {
		var be *provider.BodyError
		if _, err := a.VerifyWebhook(ep.FamilyGoCardless, signedHeader(secret, body), []byte(body), time.Now()); !errors.As(err, &be) {
			t.Errorf("%s: %v, want a BodyError", name, err)
		}
	}
}

// TestStripeFamilyWebhooks: a sandbox standing in for a Stripe-family provider checks
// Stripe-Signature (t and v1 over "<t>.<body>", within 300 s, any of several v1) and reads one
// Stripe event; a GoCardless-style signature does not verify for it.
func TestStripeFamilyWebhooks(t *testing.T) {
	a, secret := adapter(t)
	now := time.Unix(1_796_140_000, 0)
	body := `{"id":"evt_1","type":"payment_intent.succeeded","created":1796139990,"data":{"object":{"id":"pi_1","object":"payment_intent","amount":123}}}`
	h := func(sig string) http.Header { return http.Header{StripeSignatureHeader: {sig}} }
	events, err := a.VerifyWebhook(ep.FamilyStripe, h(SignStripe(secret, []byte(body), now)), []byte(body), now)
	if err != nil || len(events) != 1 {
		t.Fatalf("%v %v", events, err)
	}
	if e := events[0]; e.ID != "evt_1" || e.Resource != provider.ResourcePayment || e.ResourceID != "pi_1" || e.Action != "payment_intent.succeeded" || !e.CreatedAt.Equal(time.Unix(1796139990, 0)) {
		t.Errorf("event %+v", e)
	}
	good := SignStripe(secret, []byte(body), now)
	rolled := good + ",v1=" + strings.Repeat("00", 32) // two signatures, one valid
	if _, err := a.VerifyWebhook(ep.FamilyStripe, h(rolled), []byte(body), now); err != nil {
		t.Errorf("one valid v1 of two: %v", err)
	}
	for name, hdr := range map[string]http.Header{
		"stale":             h(SignStripe(secret, []byte(body), now.Add(-301*time.Second))),
		"from the future":   h(SignStripe(secret, []byte(body), now.Add(301*time.Second))),
		"no v1":             h("t=" + fmt.Sprint(now.Unix())),
		"no t":              h(strings.SplitN(good, ",", 2)[1]),
		"another body":      h(SignStripe(secret, []byte(body+" "), now)),
		"GoCardless header": signedHeader(secret, body),
	} {
		if _, err := a.VerifyWebhook(ep.FamilyStripe, hdr, []byte(body), now); !errors.Is(err, provider.ErrSignature) {
			t.Errorf("%s: %v, want ErrSignature", name, err)
		}
	}
	bad := `{"id":"evt_2","type":"x","created":0,"data":{"object":{"id":"pi_1","object":"payment_intent"}}}`
	var be *provider.BodyError
	if _, err := a.VerifyWebhook(ep.FamilyStripe, h(SignStripe(secret, []byte(bad), now)), []byte(bad), now); !errors.As(err, &be) {
		t.Errorf("created 0: %v", err)
	}
	if _, err := a.VerifyWebhook(ep.FamilyNone, signedHeader(secret, body), []byte(body), now); err == nil || errors.Is(err, provider.ErrSignature) {
		t.Errorf("a provider of no family: %v", err)
	}
}
