package httpapi_test

// Starting servers in tests that run in parallel (t.Parallel).
//
// apitest.Start writes the package variable auth.Cost (the bcrypt cost) on every call, and
// Service.AddUser reads it (auth.HashPassword): two parallel tests starting servers, or one
// starting a server while another adds a user, race on it and go test -race fails. The tests
// of this package therefore start servers only through newEnv, startEnv and forEachEngine and
// add users only through addUser, which hold startMu around that write and those reads.
// auth.DummyHash, the one other reader of auth.Cost, is computed in TestMain before any test.

import (
	"context"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/store"
)

// startMu orders apitest.Start's write of auth.Cost with every other start and every AddUser.
var startMu sync.Mutex

// newEnv is apitest.New: a server on a fresh database of the engine. The database is created
// and migrated outside startMu; only the server start holds it.
func newEnv(t testing.TB, engine string) *apitest.Env {
	t.Helper()
	return startEnv(t, apitest.OpenStore(t, engine, apitest.Location(t, engine)))
}

// startEnv is apitest.Start under startMu.
func startEnv(t testing.TB, st store.Store) *apitest.Env {
	t.Helper()
	startMu.Lock()
	defer startMu.Unlock()
	return apitest.Start(t, st)
}

// forEachEngine is apitest.ForEachEngine with newEnv: fn runs as a subtest on every engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *apitest.Env)) {
	for _, engine := range apitest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

// addUser is e.Svc.AddUser under startMu (it hashes the password at auth.Cost).
func addUser(ctx context.Context, e *apitest.Env, u *ep.User, password string) error {
	startMu.Lock()
	defer startMu.Unlock()
	return e.Svc.AddUser(ctx, u, password)
}
