package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestVerifiedCache: a token that verified is answered from the cache until it expires (its exp
// is checked on every use), the principal handed out is a copy, tokens that do not verify are
// never remembered, and the cache stays bounded.
func TestVerifiedCache(t *testing.T) {
	clk := &clock{t: testNow}
	tk := newTokens(t, Config{Secret: testSecret, Now: clk.Now})
	token, err := tk.Issue(Principal{Subject: "a", ContractOwnerIDs: []int32{7, 8}, Scopes: []string{ScopeRead}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tk.Verify(token)
	if err != nil || tk.verified.size() != 1 {
		t.Fatalf("first Verify: %v, %d cached", err, tk.verified.size())
	}
	p.ContractOwnerIDs[0], p.Scopes[0] = 99, ScopeAdmin
	again, err := tk.Verify(token)
	if err != nil || again.Subject != "a" || fmt.Sprint(again.ContractOwnerIDs, again.Scopes) != "[7 8] [payments:read]" {
		t.Fatalf("cached Verify = %+v, %v (a caller's change to an earlier answer leaked)", again, err)
	}

	// Expiry is checked on every use, cached or not.
	clk.Set(testNow.Add(15 * time.Minute))
	if _, err := tk.Verify(token); !errors.Is(err, ErrExpiredToken) {
		t.Fatalf("a cached token past its exp: %v, want expired", err)
	}

	// A token that does not verify is not remembered, however often it is presented.
	clk.Set(testNow)
	n := tk.verified.size()
	forged := token[:len(token)-4] + "AAAA"
	for range 3 {
		if _, err := tk.Verify(forged); err == nil {
			t.Fatal("a forged token verified")
		}
	}
	if tk.verified.size() != n {
		t.Errorf("a token that failed verification was cached (%d → %d entries)", n, tk.verified.size())
	}

	// Bounded: more distinct valid tokens than the bound never grow it past the bound.
	for i := range maxVerified + 10 {
		tok, err := tk.Issue(Principal{Subject: fmt.Sprintf("s%d", i), Scopes: []string{ScopeRead}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tk.Verify(tok); err != nil {
			t.Fatal(err)
		}
	}
	if got := tk.verified.size(); got > maxVerified || got == 0 {
		t.Errorf("%d cached tokens, want 1 to %d", got, maxVerified)
	}
}

// TestVerifiedCacheLife: an entry is reused for at most its TTL (VerifiedTTL unless a test
// shortens it); after it, the token is parsed and checked again.
func TestVerifiedCacheLife(t *testing.T) {
	c := verifiedCache{ttl: 50 * time.Millisecond} // VerifiedTTL, shortened
	c.put("tok", Principal{Subject: "a"}, time.Time{}, time.Time{})
	if _, ok := c.get("tok", testNow); !ok {
		t.Fatal("a fresh entry was not reused")
	}
	time.Sleep(100 * time.Millisecond)
	if _, ok := c.get("tok", testNow); ok {
		t.Error("an entry older than its TTL was reused")
	}
	var dflt verifiedCache
	dflt.put("tok", Principal{Subject: "a"}, time.Time{}, time.Time{})
	if _, ok := dflt.get("tok", testNow); !ok {
		t.Error("an entry of the default TTL was not reused at once")
	}
	c.put("nbf", Principal{Subject: "b"}, testNow.Add(time.Hour), time.Time{})
	if _, ok := c.get("nbf", testNow); ok {
		t.Error("a token before its nbf was answered from the cache")
	}
}
