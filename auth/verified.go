package auth

import (
	"slices"
	"sync"
	"time"
)

// VerifiedTTL bounds how long Verify reuses its answer for one token without parsing it again:
// signature, algorithm, issuer and audience are checked afresh at least this often, so a key
// withdrawn from a JWKS stops being honoured within it. A token's exp and nbf are checked on
// every use.
const VerifiedTTL = time.Minute

// maxVerified bounds the cache: only tokens that verified are remembered, so filling it takes
// valid tokens; when full it starts again empty.
const maxVerified = 10_000

// verifiedCache remembers the principals of tokens that verified (issue 8: parsing and checking
// a token was 13 % of a balance read's CPU). Its zero value is ready.
type verifiedCache struct {
	mu      sync.Mutex
	entries map[string]verifiedEntry
}

type verifiedEntry struct {
	p                  Principal
	notBefore, expires time.Time // the token's nbf and exp; zero: absent
	until              time.Time // monotonic: the end of this entry's life
}

// margin keeps the cache strictly inside the parser's window: within it of exp or nbf the token
// is parsed again, and the parser decides.
const margin = time.Second

// get returns the principal remembered for token if the token is valid at now.
func (c *verifiedCache) get(token string, now time.Time) (Principal, bool) {
	c.mu.Lock()
	e, ok := c.entries[token]
	c.mu.Unlock()
	if !ok || !time.Now().Before(e.until) ||
		(!e.expires.IsZero() && !now.Add(margin).Before(e.expires)) ||
		(!e.notBefore.IsZero() && now.Before(e.notBefore.Add(margin))) {
		return Principal{}, false
	}
	p := e.p
	p.ContractOwnerIDs, p.Scopes = slices.Clone(p.ContractOwnerIDs), slices.Clone(p.Scopes)
	return p, true
}

// put remembers the principal of a token that verified.
func (c *verifiedCache) put(token string, p Principal, notBefore, expires time.Time) {
	p.ContractOwnerIDs, p.Scopes = slices.Clone(p.ContractOwnerIDs), slices.Clone(p.Scopes)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxVerified {
		c.entries = make(map[string]verifiedEntry)
	}
	c.entries[token] = verifiedEntry{p: p, notBefore: notBefore, expires: expires, until: time.Now().Add(VerifiedTTL)}
}

func (c *verifiedCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
