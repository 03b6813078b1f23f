package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/riverqueue/river"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/provider"
	"github.com/elevatepay/elevatepay/provider/sandbox"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
)

// loadProviders reads --providers (none: no provider configured), refuses adapters this
// version does not have, and builds the adapter of every configured provider.
func loadProviders(path string, getenv func(string) string) (*provider.Config, map[int64]provider.Adapter, error) {
	c := &provider.Config{Providers: map[int64]provider.Settings{}}
	if path != "" {
		var err error
		if c, err = provider.Load(path, getenv); err != nil {
			return nil, nil, fmt.Errorf("--providers: %w", err)
		}
		if err := c.Unavailable(); err != nil {
			return nil, nil, fmt.Errorf("--providers: %w", err)
		}
	}
	adapters := map[int64]provider.Adapter{}
	for _, id := range c.IDs() {
		s, _ := c.For(id)
		a, err := sandbox.New(s) // the only adapter Unavailable lets through
		if err != nil {
			return nil, nil, fmt.Errorf("--providers: payment provider %d: %w", id, err)
		}
		adapters[id] = a
	}
	return c, adapters, nil
}

// registerWorkers registers the workers of the service's jobs.
func registerWorkers(svc *service.Service) func(*river.Workers) {
	return func(w *river.Workers) {
		jobs.AddFunc(w, func(ctx context.Context, j service.ApplyProviderEvent) error {
			return svc.ApplyStoredEvent(ctx, j.EventID)
		})
	}
}

// logProviders logs which payment providers are configured, and warns about sections that
// cannot apply: a provider id with no record in the database (yet), or one whose type no
// adapter serves (a manual or external-report provider). Secrets are never logged.
func logProviders(ctx context.Context, log *slog.Logger, st store.Store, c *provider.Config) {
	for _, id := range c.IDs() {
		s, _ := c.For(id)
		log.Info("payment provider configured", "payment_provider_id", id, "adapter", string(s.Kind))
		if id > 1<<31-1 {
			log.Warn("no payment provider has this id: ids are 32-bit", "payment_provider_id", id)
			continue
		}
		var p *ep.PaymentProvider
		err := st.Read(ctx, func(tx store.Tx) (err error) { p, err = tx.Provider(store.Scope{All: true}, int32(id)); return err })
		var e *ep.Error
		switch {
		case errors.As(err, &e) && e.Code == ep.ENOTFOUND:
			log.Warn("no payment provider with this id in the database yet; its configuration applies once it is created", "payment_provider_id", id)
		case err != nil:
			log.Warn("cannot check the configured payment provider", "payment_provider_id", id, "error", err.Error())
		case p.Type.Family() == ep.FamilyNone:
			log.Warn("the configured payment provider's type has no adapter (it only takes external status reports); its configuration is not used",
				"payment_provider_id", id, "type", string(p.Type))
		}
	}
}

// checkPublicURL checks --public-url: an absolute http or https URL without query or fragment.
func checkPublicURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("--public-url (ELEVATEPAY_PUBLIC_URL) must be an absolute http:// or https:// URL without user, query or fragment, got %q", raw)
	}
	return nil
}

// demoSandboxes makes every GoCardless- or Stripe-family provider of the demo database a sandbox
// provider (serve --demo without --providers) with a webhook secret made for this run, and
// prints the secret and a signed webhook to try: the demo's webhooks work out of the box.
func demoSandboxes(ctx context.Context, svc *service.Service, base string, out io.Writer) error {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	secret := hex.EncodeToString(b)
	settings, err := provider.SandboxSettings(secret)
	if err != nil {
		return err
	}
	a, err := sandbox.New(settings)
	if err != nil {
		return err
	}
	provs, _, err := svc.ListProviders(ctx, service.System(), query.List{Page: 1, PageSize: 100})
	if err != nil {
		return err
	}
	adapters := map[int64]provider.Adapter{}
	var gc int32
	var names []string
	for _, p := range provs {
		if p.Type.Family() == ep.FamilyNone {
			continue
		}
		adapters[int64(p.ID)] = a
		names = append(names, fmt.Sprintf("%d (%s)", p.ID, p.Type))
		if gc == 0 && p.Type.Family() == ep.FamilyGoCardless {
			gc = p.ID
		}
	}
	if len(adapters) == 0 {
		return nil
	}
	svc.Providers = adapters
	fmt.Fprintf(out, "\nSandbox providers (webhooks at %s/v1/webhooks/{id}): %s\nTheir webhook secret for this run: %s\n", base, strings.Join(names, ", "), secret)
	if gc != 0 {
		fmt.Fprintf(out, `Send a signed webhook (GoCardless family; 204, and 204 again for a redelivery):
body='{"events":[{"id":"EV1","created_at":"2026-12-01T10:00:00Z","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}}]}'; curl -s -o /dev/null -w '%%{http_code}\n' -H 'Content-Type: application/json' -H "Webhook-Signature: $(printf %%s "$body" | openssl dgst -sha256 -hmac %s -r | cut -d' ' -f1)" -d "$body" '%s/v1/webhooks/%d'
`, secret, base, gc)
	}
	return nil
}
