package service

import (
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/store"
)

// Caller is who a service operation acts for, and how its write transaction commits. Every
// operation on tenant data takes one: a user (As), whose contract owners bound what it sees and
// changes, or the system (System: jobs, webhooks, the demo seed), which sees every contract
// owner. Tenancy is decided here, once, from the caller — never from a context value.
type Caller struct {
	user *auth.Principal        // nil: the system
	key  *store.IdempotencyMark // the request's Idempotency-Key; nil without one
}

// As is the caller acting for user p.
func As(p auth.Principal) Caller { return Caller{user: &p} }

// System is the caller of work that no user is behind: durable jobs, provider webhooks and
// the demo seed. It sees and may change every contract owner's data.
func System() Caller { return Caller{} }

// WithKey returns the caller of a request holding an Idempotency-Key (spec §2.14): the
// operation's write transaction does not commit by itself but is parked on m, and commits
// together with the stored response (store.Store.KeyedTx). An operation of such a caller runs
// at most one write transaction.
func (c Caller) WithKey(m *store.IdempotencyMark) Caller {
	c.key = m
	return c
}

// Scope returns the contract owners the caller may see.
func (c Caller) Scope() store.Scope {
	if c.seesAll() {
		return store.AllOwners
	}
	return store.Scope{Owners: c.user.ContractOwnerIDs}
}

// seesAll reports whether the caller sees every contract owner (the system, or a user with
// the admin claim).
func (c Caller) seesAll() bool { return c.user == nil || c.user.Admin }

// sees reports whether contract owner id is visible to the caller.
func (c Caller) sees(id int32) bool { return c.user == nil || c.user.SeesContractOwner(id) }

// coversAll reports whether every contract owner of ids is the caller's.
func (c Caller) coversAll(ids []int32) bool { return c.user == nil || c.user.CoversAll(ids) }
