package auth

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Checker runs password checks (bcrypt comparisons, about 250 ms of CPU each at cost 12) with at
// most Limit of them at a time, so a flood of logins cannot take every CPU from the rest of the
// API: further checks wait for a free slot. Use NewChecker; a Checker is safe for concurrent use.
type Checker struct {
	slots   chan struct{}
	running atomic.Int64
	waiting atomic.Int64
	peak    atomic.Int64
	checks  atomic.Int64

	// Hook, when not nil, runs inside every check while it holds its slot, just before the
	// comparison. Tests use it to observe and hold checks; set it before the Checker is used.
	Hook func()
}

// NewChecker returns a Checker running at most limit checks at once (at least 1).
func NewChecker(limit int) *Checker {
	return &Checker{slots: make(chan struct{}, max(1, limit))}
}

// DefaultLimit is the number of concurrent password checks of DefaultChecker: half the CPUs Go
// uses (GOMAXPROCS), at least 1.
func DefaultLimit() int { return max(1, runtime.GOMAXPROCS(0)/2) }

var defaultChecker = sync.OnceValue(func() *Checker { return NewChecker(DefaultLimit()) })

// DefaultChecker returns the process-wide Checker with DefaultLimit slots.
func DefaultChecker() *Checker { return defaultChecker() }

// Check waits, while ctx lives, for a free slot, then reports whether pw matches hash
// (CheckPassword: one bcrypt comparison in every case). The error is ctx's when it ended before a
// slot came free; no comparison ran then.
func (c *Checker) Check(ctx context.Context, hash, pw string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	c.waiting.Add(1)
	select {
	case c.slots <- struct{}{}:
		c.waiting.Add(-1)
	case <-ctx.Done():
		c.waiting.Add(-1)
		return false, ctx.Err()
	}
	defer func() { <-c.slots }()
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
	}
	c.checks.Add(1)
	if c.Hook != nil {
		c.Hook()
	}
	return CheckPassword(hash, pw), nil
}

// Limit is the most checks that run at once.
func (c *Checker) Limit() int { return cap(c.slots) }

// Running is the number of checks running now.
func (c *Checker) Running() int { return int(c.running.Load()) }

// Waiting is the number of checks waiting for a slot now.
func (c *Checker) Waiting() int { return int(c.waiting.Load()) }

// Peak is the most checks that ever ran at once.
func (c *Checker) Peak() int { return int(c.peak.Load()) }

// Checks is the number of comparisons started.
func (c *Checker) Checks() int64 { return c.checks.Load() }
