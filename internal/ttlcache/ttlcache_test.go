package ttlcache

import (
	"testing"
	"time"
)

// TestCache: a value is reused until its ttl ends, a Forget drops it and keeps a value looked up
// before the Forget from being stored, and the cache never holds more than max entries.
func TestCache(t *testing.T) {
	var c Cache[string, int]
	if _, ok, _ := c.Get("a"); ok {
		t.Fatal("a value in an empty cache")
	}
	_, _, gen := c.Get("a")
	c.Put("a", 1, gen, time.Hour, 10)
	if v, ok, _ := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get after Put = %d, %v", v, ok)
	}

	c.Put("short", 2, gen, 20*time.Millisecond, 10)
	time.Sleep(40 * time.Millisecond)
	if _, ok, _ := c.Get("short"); ok {
		t.Error("a value past its ttl was reused")
	}

	_, _, raced := c.Get("b")
	c.Forget("a")
	if _, ok, _ := c.Get("a"); ok {
		t.Error("a forgotten value was reused")
	}
	c.Put("b", 3, raced, time.Hour, 10)
	if _, ok, _ := c.Get("b"); ok {
		t.Error("a value looked up before a Forget was stored")
	}

	_, _, gen = c.Get("x")
	for i := range 25 {
		c.Put(string(rune('A'+i)), i, gen, time.Hour, 10)
		if n := c.Len(); n > 10 {
			t.Fatalf("%d entries, max 10", n)
		}
	}
}
