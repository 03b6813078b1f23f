// Package jobtest starts a store's job queue for a test and stops it when the test ends.
package jobtest

import (
	"context"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// Start opens st's job queue with cfg, starts its workers and stops them after the test.
func Start(t testing.TB, st *sqlstore.DB, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	q, err := jobs.Open(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop the job queue: %v", err)
		}
	})
	return q
}
