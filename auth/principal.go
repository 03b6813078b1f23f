// Package auth issues and verifies bearer tokens, hashes passwords and
// tracks login lock-out (spec §2.2, §4.27, §5.2.12, OP-6, OP-7).
//
// Storage of accounts and of lock-out state lives elsewhere; this package is
// pure logic plus cryptography.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Scopes a token can carry (spec §5.2.12). ScopeAdmin satisfies every other scope.
const (
	ScopeRead      = "payments:read"
	ScopeWrite     = "payments:write"
	ScopeProviders = "providers:write"
	ScopeAdmin     = "admin"
)

// knownScope reports whether s is one of the four scopes of §5.2.12.
func knownScope(s string) bool {
	switch s {
	case ScopeRead, ScopeWrite, ScopeProviders, ScopeAdmin:
		return true
	}
	return false
}

// Principal is the caller identified by a bearer token.
type Principal struct {
	// Subject is the username (the sub claim).
	Subject string
	// ContractOwnerIDs are the contract owners the caller may see and act
	// for; nil or empty means none (unless Admin).
	ContractOwnerIDs []int32
	// Admin is the admin claim: every contract owner is visible. It is a
	// tenancy flag and grants no scope; see HasScope.
	Admin bool
	// Scopes are the known scopes of the token, without duplicates.
	Scopes []string
}

// HasScope reports whether p holds scope s. The admin scope satisfies every
// known scope; an unknown scope name is never satisfied.
func (p Principal) HasScope(s string) bool {
	if !knownScope(s) {
		return false
	}
	for _, have := range p.Scopes {
		if have == s || have == ScopeAdmin {
			return true
		}
	}
	return false
}

// SeesContractOwner reports whether contract owner id is visible to p: always
// with the admin claim, otherwise when id is in p.ContractOwnerIDs.
func (p Principal) SeesContractOwner(id int32) bool {
	return p.Admin || slices.Contains(p.ContractOwnerIDs, id)
}

// CoversAll reports whether every id in ids is visible to p. It is true for an
// empty ids; callers that must refuse writes by a principal without contract
// owners (spec §6.15) check that separately.
func (p Principal) CoversAll(ids []int32) bool {
	for _, id := range ids {
		if !p.SeesContractOwner(id) {
			return false
		}
	}
	return true
}

// ParseScopes splits a space-separated scope list. Every name must be one of
// the four known scopes; duplicates are dropped and the first-seen order is
// kept. An empty or blank string yields nil.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Fields(s) {
		if !knownScope(name) {
			return nil, fmt.Errorf("parse scopes: unknown scope %q", name)
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// knownScopes is ParseScopes for incoming tokens: unknown names are dropped
// instead of rejected.
func knownScopes(s string) []string {
	var out []string
	for _, name := range strings.Fields(s) {
		if knownScope(name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
