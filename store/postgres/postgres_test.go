package postgres_test

import (
	"testing"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel() // every subtest opens a fresh schema
	storetest.Run(t, func(t *testing.T) store.Store { return testdb.Postgres(t) })
}
