// Package ttlcache is a small bounded map whose entries are reused for a fixed time: the
// mechanism under the server's caches of per-request checks (the disabled-account answer, the
// verified token). Its zero value is ready.
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps keys to values that stay fresh for the ttl they were put with, measured on the
// monotonic clock (a service's own clock may be fixed in tests). It holds at most the max
// entries of the latest Put: a Put into a full cache starts it again empty, so whatever keys
// arrive its memory stays bounded. A generation counter lets a value looked up on a miss be
// dropped when Forget ran in between.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]entry[V]
	gen     uint64 // bumped by every Forget
}

type entry[V any] struct {
	v     V
	until time.Time
}

// Get returns the fresh value for k and whether there is one; gen is the generation to hand to
// Put with a value looked up on a miss.
func (c *Cache[K, V]) Get(k K) (v V, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if ok && time.Now().Before(e.until) {
		return e.v, true, c.gen
	}
	var zero V
	return zero, false, c.gen
}

// Put stores v for k for ttl, unless a Forget came since gen was read. A cache holding max
// entries or more starts again empty first.
func (c *Cache[K, V]) Put(k K, v V, gen uint64, ttl time.Duration, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= max {
		c.entries = make(map[K]entry[V])
	}
	c.entries[k] = entry[V]{v: v, until: time.Now().Add(ttl)}
}

// Forget drops k's value and makes lookups in flight not store theirs.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, k)
}

// Len is the number of entries held, fresh or not.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
