package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/postgres"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// TestConcurrentMigrations: four processes' worth of stores opened together on one empty schema
// all succeed and find the migrations current (issue 6 item 11: two replicas starting together
// raced, and one failed with "partial migration error … duplicate key").
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel() // touches only schemas of its own
	for round := 0; round < 4; round++ {
		url := testdb.PostgresSchemaURL(t)
		const n = 4
		stores := make([]*sqlstore.DB, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				stores[i], errs[i] = postgres.Open(ctx, url)
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("round %d: store %d of %d opened together failed: %v", round, i, n, errs[i])
			}
			defer stores[i].Close()
			ok, err := stores[i].MigrationsCurrent(context.Background())
			if err != nil || !ok {
				t.Fatalf("round %d: store %d: MigrationsCurrent = %v, %v", round, i, ok, err)
			}
		}
		// The seed data of the migrations went in once.
		err := stores[0].Read(context.Background(), func(tx store.Tx) error {
			_, total, err := tx.ListCurrencies(query.List{Page: 1, PageSize: 10})
			if err == nil && total != 3 {
				t.Errorf("round %d: %d currencies after concurrent migrations, want the 3 seeded once", round, total)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationLockIsPerSchema: while a schema's migration lock is held, migrating it waits
// (here until its context ends) and migrating another schema on the same server does not.
func TestMigrationLockIsPerSchema(t *testing.T) {
	t.Parallel() // only its own schemas (the migration lock key is per schema)
	urlA, urlB := testdb.PostgresSchemaURL(t), testdb.PostgresSchemaURL(t)
	ctx := context.Background()
	db, err := sql.Open("pgx", urlA)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var dbName, schema string
	if err := conn.QueryRowContext(ctx, "SELECT current_database(), current_schema()").Scan(&dbName, &schema); err != nil {
		t.Fatal(err)
	}
	key := postgres.MigrationLockKey(dbName, schema)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		t.Fatal(err)
	}

	other, err := postgres.Open(ctx, urlB)
	if err != nil {
		t.Fatalf("another schema's migrations while schema %s is locked: %v", schema, err)
	}
	other.Close()

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if s, err := postgres.Open(short, urlA); err == nil {
		s.Close()
		t.Fatal("migrations ran while another session held the schema's migration lock")
	} else if !errors.Is(err, context.DeadlineExceeded) && short.Err() == nil {
		t.Fatalf("waiting for the migration lock: %v", err)
	}

	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, urlA)
	if err != nil {
		t.Fatalf("after the lock was released: %v", err)
	}
	defer s.Close()
	if ok, err := s.MigrationsCurrent(ctx); !ok || err != nil {
		t.Fatalf("MigrationsCurrent = %v, %v", ok, err)
	}
	// The lock is released after migrating: it can be taken again at once.
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil || !got {
		t.Fatalf("migration lock still held after Open returned: %v %v", got, err)
	}
}

// TestPoolSize: the pool holds at most MaxConns connections (DefaultMaxConns unless set), one
// is enough to migrate, and sizes outside 1..1000 are refused.
func TestPoolSize(t *testing.T) {
	t.Parallel() // touches only schemas of its own
	ctx := context.Background()
	for _, c := range []struct{ set, want int }{{0, postgres.DefaultMaxConns}, {1, 1}, {3, 3}} {
		s, err := postgres.OpenWith(ctx, testdb.PostgresSchemaURL(t), postgres.Options{MaxConns: c.set})
		if err != nil {
			t.Fatalf("MaxConns %d: %v", c.set, err)
		}
		if got := s.SQL().Stats().MaxOpenConnections; got != c.want {
			t.Errorf("MaxConns %d: pool holds up to %d connections, want %d", c.set, got, c.want)
		}
		s.Close()
	}
	if postgres.DefaultMaxConns != 10 {
		t.Errorf("DefaultMaxConns = %d", postgres.DefaultMaxConns)
	}
	for _, bad := range []int{-1, 1001} {
		if s, err := postgres.OpenWith(ctx, testdb.PostgresSchemaURL(t), postgres.Options{MaxConns: bad}); err == nil {
			s.Close()
			t.Errorf("MaxConns %d accepted", bad)
		}
	}
}
