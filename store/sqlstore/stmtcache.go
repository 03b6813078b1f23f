package sqlstore

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
	"time"
)

// stmtCache keeps up to max prepared statements of one pool, by SQL text, least recently used
// first out. Each is a *sql.Stmt of the pool: database/sql prepares it on a connection the first
// time a transaction there binds it (Tx.StmtContext) and reuses it on that connection from then
// on, so a statement run on every request is parsed once per connection instead of every time.
//
// A statement is prepared only once it has missed twice (a bounded set remembers the texts that
// missed once), after the transaction that ran it has ended: list queries are built from the
// request's filters and sorts, and texts seen once must neither grow memory nor push the
// everyday statements out; and preparing takes a connection of the pool, which a transaction
// holding the only write connection could never get.
//
// A nil *stmtCache caches nothing. The methods are safe for concurrent use.
type stmtCache struct {
	pool *sql.DB
	max  int
	// slot, when set, is taken around each preparation (the store's write slot, see
	// DB.LimitWriters), so preparing waits its turn like a transaction.
	slot func(context.Context) (func(), error)

	mu      sync.Mutex
	entries map[string]*list.Element // of *cachedStmt
	lru     list.List                // front: most recently used
	seen    map[string]struct{}      // texts that missed once
	closed  bool
}

type cachedStmt struct {
	q string
	s *sql.Stmt
}

// prepareWait bounds how long admitting a statement waits for a connection; on time-out the
// statement just stays unprepared until it misses again.
const prepareWait = 5 * time.Second

// newStmtCache returns a cache of up to max statements of pool, or nil when max is not positive.
func newStmtCache(pool *sql.DB, max int, slot func(context.Context) (func(), error)) *stmtCache {
	if max <= 0 || pool == nil {
		return nil
	}
	return &stmtCache{pool: pool, max: max, slot: slot, entries: map[string]*list.Element{}, seen: map[string]struct{}{}}
}

// get returns the prepared statement of q, or nil.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[q]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cachedStmt).s
}

// admit offers texts that missed: each is remembered on its first miss and prepared on its
// second. It must not be called while the caller holds a connection of the pool.
func (c *stmtCache) admit(ctx context.Context, texts []string) {
	if c == nil {
		return
	}
	for _, q := range texts {
		if !c.wanted(q) {
			continue
		}
		s, err := c.prepare(ctx, q)
		if err != nil {
			continue // it stays unprepared; a later miss tries again
		}
		c.add(q, s)
	}
}

// wanted reports whether q should be prepared now: it is not cached and missed before.
func (c *stmtCache) wanted(q string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	if _, ok := c.entries[q]; ok {
		return false
	}
	if _, ok := c.seen[q]; ok {
		delete(c.seen, q)
		return true
	}
	if len(c.seen) >= c.max {
		clear(c.seen)
	}
	c.seen[q] = struct{}{}
	return false
}

func (c *stmtCache) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	ctx, cancel := context.WithTimeout(ctx, prepareWait)
	defer cancel()
	if c.slot != nil {
		release, err := c.slot(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	return c.pool.PrepareContext(ctx, q)
}

// add caches s as the statement of q, evicting the least recently used beyond max. Closing an
// evicted statement that a transaction still uses is safe: database/sql closes it when the last
// transaction using it ends.
func (c *stmtCache) add(q string, s *sql.Stmt) {
	var evicted []*sql.Stmt
	c.mu.Lock()
	if _, dup := c.entries[q]; dup || c.closed {
		evicted = append(evicted, s)
	} else {
		c.entries[q] = c.lru.PushFront(&cachedStmt{q, s})
		for c.lru.Len() > c.max {
			old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
			delete(c.entries, old.q)
			evicted = append(evicted, old.s)
		}
	}
	c.mu.Unlock()
	for _, s := range evicted {
		s.Close()
	}
}

// len returns the number of cached statements.
func (c *stmtCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// close closes every cached statement; later admissions are dropped.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	var all []*sql.Stmt
	for e := c.lru.Front(); e != nil; e = e.Next() {
		all = append(all, e.Value.(*cachedStmt).s)
	}
	c.lru.Init()
	clear(c.entries)
	clear(c.seen)
	c.mu.Unlock()
	for _, s := range all {
		s.Close()
	}
}
