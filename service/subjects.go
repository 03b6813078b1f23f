package service

import (
	"sync"
	"time"
)

// DisabledTTL bounds how long an answer of SubjectDisabled is reused: a `users disable` run by
// another process (the CLI) is honoured by a running server within this time; DisableUser in the
// same process takes effect at once.
const DisabledTTL = time.Second

// maxCachedSubjects bounds the cache. Subjects come only from tokens whose signature verified,
// but the bound holds whatever mints them: when full, the cache starts again empty.
const maxCachedSubjects = 10_000

// subjectCache remembers whether token subjects are disabled accounts, so a request does not
// run a transaction of its own to find out (issue 8: that was 16 % of a payment's CPU). Its zero
// value is ready.
type subjectCache struct {
	mu      sync.Mutex
	entries map[string]subjectEntry
	gen     uint64 // bumped by every invalidation: a lookup that raced one is not stored
}

type subjectEntry struct {
	disabled bool
	expires  time.Time // monotonic clock: the service's Now may be fixed in tests
}

// get returns the cached answer for subject and whether there is a fresh one; gen is the
// generation to hand to put with the answer looked up on a miss.
func (c *subjectCache) get(subject string) (disabled, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[subject]
	if ok && time.Now().Before(e.expires) {
		return e.disabled, true, c.gen
	}
	return false, false, c.gen
}

// put stores an answer looked up at generation gen, unless an invalidation came since.
func (c *subjectCache) put(subject string, disabled bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= maxCachedSubjects {
		c.entries = make(map[string]subjectEntry)
	}
	c.entries[subject] = subjectEntry{disabled: disabled, expires: time.Now().Add(DisabledTTL)}
}

// forget drops subject's answer and makes lookups in flight not store theirs.
func (c *subjectCache) forget(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, subject)
}

// size is the number of cached subjects.
func (c *subjectCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
