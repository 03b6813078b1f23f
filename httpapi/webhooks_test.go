package httpapi_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/internal/jobtest"
	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/provider"
	"github.com/elevatepay/elevatepay/provider/sandbox"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

const webhookSecret = "sandbox-webhook-secret-0123456789"

// webhookBody is a delivery of two events in the GoCardless format the sandbox uses.
const webhookBody = `{"events":[` +
	`{"id":"EV0123","created_at":"2024-02-16T08:00:00.000Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM00ABC123"},"details":{"origin":"gocardless"}},` +
	`{"id":"EV0124","created_at":"2024-02-16T08:00:01.000Z","resource_type":"refunds","action":"paid","links":{"refund":"RF00XYZ"}}]}`

// TestWebhooks: POST /v1/webhooks/{id} (§4.41, §6.14) on both engines: no bearer token; the
// signature is checked first (missing or wrong → 401, nothing stored); each event is stored
// once with the job that applies it, a redelivery is acknowledged without effect; this
// version's events are about nothing of this server's, so the job records them as ignored; a
// provider unknown or without a configured adapter is 404, a body that cannot be read 400.
func TestWebhooks(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		admin := e.AdminToken()
		id := num(t, e.Post(admin, "/v1/payment-providers", map[string]any{"type": "GO_CARDLESS", "name": "Sandbox GC", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)["id"])
		unconfigured := num(t, e.Post(admin, "/v1/payment-providers", map[string]any{"type": "STRIPE", "name": "No config", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)["id"])
		stripeID := num(t, e.Post(admin, "/v1/payment-providers", map[string]any{"type": "STRIPE_CARD", "name": "Sandbox Stripe", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)["id"])
		manual := num(t, e.Post(admin, "/v1/payment-providers", map[string]any{"type": "BACS", "name": "Bank transfers", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)["id"])
		settings := sandboxFor(t, e, id, stripeID, manual) // one sandbox standing in for each family, and one for a type no adapter serves
		st := e.Store.(*sqlstore.DB)
		jobtest.Start(t, st, jobs.Config{Work: true, PollInterval: 100 * time.Millisecond,
			Register: func(w *river.Workers) {
				jobs.AddFunc(w, func(ctx context.Context, j service.ApplyProviderEvent) error {
					return e.Svc.ApplyStoredEvent(ctx, j.EventID)
				})
			}})
		path := "/v1/webhooks/" + itoa(id)
		signed := func(body string) apitest.Request {
			return apitest.Request{Method: "POST", Path: path, Body: body,
				Header: map[string]string{sandbox.SignatureHeader: sandbox.Sign(settings.WebhookSecret, []byte(body))}}
		}
		count := func() (n int) {
			if err := st.SQL().QueryRow("SELECT count(*) FROM provider_events").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Not signed, signed wrongly, signed for another body: 401, nothing stored.
		checkError(t, "no signature", e.Do(apitest.Request{Method: "POST", Path: path, Body: webhookBody}), 401, path)
		wrong := signed(webhookBody)
		wrong.Header[sandbox.SignatureHeader] = strings.Repeat("ab", 32)
		checkError(t, "wrong signature", e.Do(wrong), 401, path)
		other := signed(`{"events":[]}`)
		other.Body = webhookBody
		checkError(t, "another body's signature", e.Do(other), 401, path)
		notHex := signed(webhookBody)
		notHex.Header[sandbox.SignatureHeader] = "not hex"
		checkError(t, "a signature that is not hex", e.Do(notHex), 401, path)
		if n := count(); n != 0 {
			t.Fatalf("%d events stored by rejected deliveries", n)
		}

		// Signed: stored and acknowledged, once.
		if resp := e.Do(signed(webhookBody)); resp.Status != 204 || len(resp.Body) != 0 {
			t.Fatalf("signed delivery: %d %s", resp.Status, resp.Body)
		}
		if resp := e.Do(signed(webhookBody)); resp.Status != 204 {
			t.Fatalf("redelivery: %d %s", resp.Status, resp.Body)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d events stored, want 2 (once each)", n)
		}
		// The jobs apply them: nothing of this server's, so ignored, with the reason.
		deadline := time.Now().Add(15 * time.Second)
		var ignored int
		for ; time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if err := st.SQL().QueryRow("SELECT count(*) FROM provider_events WHERE state = 'IGNORED' AND note <> ''").Scan(&ignored); err != nil {
				t.Fatal(err)
			}
			if ignored == 2 {
				break
			}
		}
		if ignored != 2 {
			t.Errorf("%d of 2 events recorded as ignored after 15 s", ignored)
		}
		var note string
		if err := st.SQL().QueryRow("SELECT note FROM provider_events WHERE event_id = 'EV0123'").Scan(&note); err != nil || note != `no payment of this server has the provider's id "PM00ABC123"` {
			t.Errorf("note %q, %v", note, err)
		}

		// Signed but unreadable: 400, nothing stored.
		for _, body := range []string{`{"events":[]}`, `{"events":[{"id":"EV9"}]}`, `[1,2]`, `{"events":[{"id":"EV9","created_at":"yesterday","resource_type":"payments","action":"x","links":{"payment":"P"}}]}`} {
			checkError(t, "body "+body, e.Do(signed(body)), 400, path)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d events after unreadable bodies", n)
		}
		// No such provider, or one with no adapter configured: 404; a bad id: 400.
		checkError(t, "unknown provider", e.Do(apitest.Request{Method: "POST", Path: "/v1/webhooks/999", Body: webhookBody}), 404, "/v1/webhooks/999")
		up := "/v1/webhooks/" + itoa(unconfigured)
		checkError(t, "unconfigured provider", e.Do(apitest.Request{Method: "POST", Path: up, Body: webhookBody}), 404, up)
		checkError(t, "bad id", e.Do(apitest.Request{Method: "POST", Path: "/v1/webhooks/abc", Body: webhookBody}), 400, "/v1/webhooks/abc")
		mp := "/v1/webhooks/" + itoa(manual)
		manualReq := signed(webhookBody)
		manualReq.Path = mp
		checkError(t, "a configured provider of a type no adapter serves", e.Do(manualReq), 404, mp)
		// A sandbox standing in for a Stripe-family provider signs like Stripe.
		sp := "/v1/webhooks/" + itoa(stripeID)
		stripeBody := `{"id":"evt_1","type":"payment_intent.succeeded","created":` + itoa(time.Now().Unix()) + `,"data":{"object":{"id":"pi_1","object":"payment_intent"}}}`
		stripeReq := apitest.Request{Method: "POST", Path: sp, Body: stripeBody,
			Header: map[string]string{sandbox.StripeSignatureHeader: sandbox.SignStripe(settings.WebhookSecret, []byte(stripeBody), time.Now())}}
		if resp := e.Do(stripeReq); resp.Status != 204 {
			t.Fatalf("Stripe-family delivery: %d %s", resp.Status, resp.Body)
		}
		gcStyle := apitest.Request{Method: "POST", Path: sp, Body: stripeBody,
			Header: map[string]string{sandbox.SignatureHeader: sandbox.Sign(settings.WebhookSecret, []byte(stripeBody))}}
		checkError(t, "a GoCardless signature for a Stripe-family provider", e.Do(gcStyle), 401, sp)
		stale := apitest.Request{Method: "POST", Path: sp, Body: stripeBody,
			Header: map[string]string{sandbox.StripeSignatureHeader: sandbox.SignStripe(settings.WebhookSecret, []byte(stripeBody), time.Now().Add(-10*time.Minute))}}
		checkError(t, "a stale Stripe signature (a replay)", e.Do(stale), 401, sp)
		if n := count(); n != 3 {
			t.Fatalf("%d events after the Stripe-family deliveries, want 3", n)
		}
		// Not JSON, too large: 415, 413.
		text := signed(webhookBody)
		text.ContentType = "text/plain"
		checkError(t, "text body", e.Do(text), 415, path)
		big := `{"events":[` + strings.Repeat(" ", 2<<20) + `]}`
		checkError(t, "2 MiB body", e.Do(signed(big)), 413, path)
	})
}

// TestWebhookRedeliveredConcurrently: the same delivery arriving many times at once (a provider
// retrying, or two processes behind a load balancer) is acknowledged every time and stored
// once, on both engines.
func TestWebhookRedeliveredConcurrently(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		id := num(t, e.Post(e.AdminToken(), "/v1/payment-providers", map[string]any{"type": "GO_CARDLESS", "name": "Sandbox GC", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)["id"])
		settings := sandboxFor(t, e, id)
		st := e.Store.(*sqlstore.DB)
		if _, err := jobs.Open(context.Background(), st, jobs.Config{}); err != nil { // insert-only, as an API process with --workers=false
			t.Fatal(err)
		}
		r := apitest.Request{Method: "POST", Path: "/v1/webhooks/" + itoa(id), Body: webhookBody,
			Header: map[string]string{sandbox.SignatureHeader: sandbox.Sign(settings.WebhookSecret, []byte(webhookBody))}}
		statuses := make(chan int, 16)
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- e.Do(r).Status
			}()
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s != 204 {
				t.Errorf("a concurrent delivery answered %d", s)
			}
		}
		var events, jobRows int
		if err := st.SQL().QueryRow("SELECT count(*) FROM provider_events").Scan(&events); err != nil {
			t.Fatal(err)
		}
		if err := st.SQL().QueryRow("SELECT count(*) FROM river_job WHERE kind = 'apply_provider_event'").Scan(&jobRows); err != nil {
			t.Fatal(err)
		}
		if events != 2 || jobRows != 2 {
			t.Errorf("16 concurrent deliveries of 2 events stored %d events and %d jobs, want 2 and 2", events, jobRows)
		}
	})
}

// sandboxFor configures the server's providers ids as sandbox providers, as --providers would,
// and returns their settings.
func sandboxFor(t *testing.T, e *apitest.Env, ids ...int64) provider.Settings {
	t.Helper()
	settings, err := provider.SandboxSettings(webhookSecret)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sandbox.New(settings)
	if err != nil {
		t.Fatal(err)
	}
	e.Svc.Providers = map[int64]provider.Adapter{}
	for _, id := range ids {
		e.Svc.Providers[id] = a
	}
	return settings
}
