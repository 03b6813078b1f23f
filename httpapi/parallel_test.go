package httpapi_test

// Starting servers in tests that run in parallel (t.Parallel). The bcrypt cost (auth.Cost) is
// lowered once, before any test, by apitest's init, and nothing writes it afterwards, so parallel
// tests may start servers and add users freely; these helpers are the one place this package's
// tests do so.

import (
	"context"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/store"
)

// newEnv is apitest.New: a server on a fresh database of the engine.
func newEnv(t testing.TB, engine string) *apitest.Env {
	t.Helper()
	return startEnv(t, apitest.OpenStore(t, engine, apitest.Location(t, engine)))
}

// startEnv is apitest.Start.
func startEnv(t testing.TB, st store.Store) *apitest.Env {
	t.Helper()
	return apitest.Start(t, st)
}

// forEachEngine is apitest.ForEachEngine with newEnv: fn runs as a subtest on every engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *apitest.Env)) {
	for _, engine := range apitest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

// addUser is e.Svc.AddUser (it hashes the password at auth.Cost).
func addUser(ctx context.Context, e *apitest.Env, u *ep.User, password string) error {
	return e.Svc.AddUser(ctx, u, password)
}
