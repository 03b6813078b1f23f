package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestCheckerBoundsConcurrentChecks: with every slot held, further checks wait; a waiting check
// gives up when its context ends, without comparing; released checks all complete.
func TestCheckerBoundsConcurrentChecks(t *testing.T) {
	h, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	c := NewChecker(2)
	if c.Limit() != 2 || NewChecker(0).Limit() != 1 {
		t.Fatalf("limits %d %d", c.Limit(), NewChecker(0).Limit())
	}
	entered := make(chan struct{}, 16)
	release := make(chan struct{})
	c.Hook = func() { entered <- struct{}{}; <-release }

	const n = 6
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := c.Check(context.Background(), h, "pw")
			if err != nil {
				t.Error(err)
			}
			results <- ok
		}()
	}
	<-entered
	<-entered
	// Both slots are held: a check with a deadline waits and gives up, and no third check entered.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Check(ctx, h, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a check waiting for a slot past its deadline: %v", err)
	}
	for c.Waiting() != n-2 {
		time.Sleep(time.Millisecond)
	}
	if got := c.Running(); got != 2 {
		t.Fatalf("%d checks running, want 2 (the limit)", got)
	}
	if c.Checks() != 2 {
		t.Fatalf("%d comparisons started with both slots held, want 2", c.Checks())
	}
	close(release)
	wg.Wait()
	close(results)
	for ok := range results {
		if !ok {
			t.Error("a released check did not match the right password")
		}
	}
	if c.Peak() != 2 || c.Checks() != n || c.Running() != 0 || c.Waiting() != 0 {
		t.Fatalf("peak %d checks %d running %d waiting %d; want 2, %d, 0, 0", c.Peak(), c.Checks(), c.Running(), c.Waiting(), n)
	}
	if ok, err := c.Check(context.Background(), h, "wrong"); ok || err != nil {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
}

func TestDefaultChecker(t *testing.T) {
	if a, b := DefaultChecker(), DefaultChecker(); a != b || DefaultChecker().Limit() != DefaultLimit() || DefaultLimit() < 1 {
		t.Fatalf("default checker limit %d, DefaultLimit %d", DefaultChecker().Limit(), DefaultLimit())
	}
}
