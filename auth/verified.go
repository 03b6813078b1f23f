package auth

import (
	"slices"
	"time"

	"github.com/elevatepay/elevatepay/internal/ttlcache"
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
	c   ttlcache.Cache[string, verifiedEntry]
	ttl time.Duration // how long an entry is reused; VerifiedTTL when 0 (tests shorten it)
}

type verifiedEntry struct {
	p                  Principal
	notBefore, expires time.Time // the token's nbf and exp; zero: absent
}

// margin keeps the cache strictly inside the parser's window: within it of exp or nbf the token
// is parsed again, and the parser decides.
const margin = time.Second

// get returns the principal remembered for token if the token is valid at now.
func (c *verifiedCache) get(token string, now time.Time) (Principal, bool) {
	e, ok, _ := c.c.Get(token)
	if !ok ||
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
	ttl := c.ttl
	if ttl == 0 {
		ttl = VerifiedTTL
	}
	_, _, gen := c.c.Get(token)
	c.c.Put(token, verifiedEntry{p: p, notBefore: notBefore, expires: expires}, gen, ttl, maxVerified)
}

func (c *verifiedCache) size() int { return c.c.Len() }
