// Package store is the storage boundary of elevatepay: the Store and Tx interfaces every
// database implementation satisfies, and the conformance suite (store/storetest) they must pass.
package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
)

// Scope is the set of contract owners a caller may see. Every tenant-owned read takes one.
type Scope struct {
	All    bool    // every contract owner (admin claim)
	Owners []int32 // otherwise these contract owners; empty = none
}

// Sees reports whether the scope covers contract owner id.
func (s Scope) Sees(id int32) bool {
	if s.All {
		return true
	}
	for _, o := range s.Owners {
		if o == id {
			return true
		}
	}
	return false
}

// AllOwners is the scope of internal work that is not done for a caller.
var AllOwners = Scope{All: true}

// Store is a database holding everything elevatepay keeps.
type Store interface {
	// Tx runs fn inside one read-write transaction; an error from fn (or a panic) rolls it back.
	// fn may be run again when the database reports a serialisation failure, so it must not
	// have effects outside the transaction.
	Tx(ctx context.Context, fn func(Tx) error) error
	// KeyedTx is Tx for an operation holding an Idempotency-Key (spec §2.14): when fn succeeds
	// the transaction does not commit but is parked on key, and commits later together with the
	// operation's stored response (key.Parked().Commit). It fails with ErrSecondWrite, before it
	// begins, when a transaction is parked on key already. fn may be run again like Tx's.
	KeyedTx(ctx context.Context, key *IdempotencyMark, fn func(Tx) error) error
	// Read runs fn inside one read-only transaction (a consistent snapshot that takes no write
	// lock); a write inside it fails.
	Read(ctx context.Context, fn func(Tx) error) error
	// ReadOne runs fn, which runs exactly one statement, outside an explicit transaction: one
	// statement reads one snapshot by itself, and BEGIN and COMMIT would add two round trips.
	// fn's Tx has no write lock; a function that ran more statements fails.
	ReadOne(ctx context.Context, fn func(Tx) error) error
	// Auto runs fn outside a transaction: each of its statements commits on its own, so it is
	// only for steps that are each complete by themselves. Enqueue fails in it.
	Auto(ctx context.Context, fn func(Tx) error) error
	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// MigrationsCurrent reports whether every embedded migration has been applied.
	MigrationsCurrent(ctx context.Context) (bool, error)
	// UseQueue sets the durable job queue that Tx.Enqueue inserts into (nil: none).
	UseQueue(q Queue)
	// Engine names the database engine ("postgres" or "sqlite").
	Engine() string
	// Stats returns connection-pool figures for metrics.
	Stats() PoolStats
	Close() error
}

// PoolStats are connection-pool figures.
type PoolStats struct {
	Open, InUse, Idle int
	WaitCount         int64
}

// Tx is one database transaction. Methods that read tenant-owned rows take a Scope: a row of
// another contract owner is reported exactly like a missing one (ENOTFOUND).
type Tx interface {
	// Enqueue inserts job into the durable job queue inside this transaction, so the job
	// exists exactly when the transaction commits: work on a provider is never lost nor done
	// for a row that was rolled back. It fails with ErrNoQueue when the store has no queue, and
	// inside a read-only transaction.
	Enqueue(job Job) error
	// AfterCommit runs fn once the transaction has committed (for a parked transaction: when
	// it commits with its response); never when it rolls back, nor for an attempt that is
	// retried. Use it to wake workers, not for work that must not be lost (that is a Job).
	AfterCommit(fn func())

	// Settings (server-wide key/value).
	Setting(key string) (value string, ok bool, err error)
	SetSettingIfAbsent(key, value string) (stored string, err error)

	// Users.
	CreateUser(u *ep.User) error
	UserByName(username string) (*ep.User, error)
	ListUsers() ([]ep.User, error)
	SetUserDisabled(username string, disabled bool) error
	SetUserAttempts(id int64, failures int, lockedUntil int64) error
	// CountUserFailure adds one failed login to account id in one statement (failures =
	// failures + 1), unless the account is locked at now (unix seconds; locked while now <
	// locked_until). It returns the new count, or counted=false when the account is locked or
	// gone and nothing changed. On PostgreSQL the row stays locked until the transaction ends.
	CountUserFailure(id, now int64) (failures int, counted bool, err error)
	// ResetUserFailures records a successful login of account id: its failure count is cleared,
	// unless the account is locked at now. It returns the account as it stands after the change,
	// or nil when the account is locked or gone (nothing changed).
	ResetUserFailures(id, now int64) (*ep.User, error)

	// Currencies (global).
	CreateCurrency(c *ep.Currency) error
	Currency(id int64) (*ep.Currency, error)
	ListCurrencies(l query.List) ([]ep.Currency, int64, error)

	// Customers. lock takes a row lock held until the transaction ends (serialises postings).
	CreateCustomer(c *ep.Customer) error
	Customer(s Scope, id int64, lock bool) (*ep.Customer, error)
	UpdateCustomer(c *ep.Customer) error
	ListCustomers(s Scope, l query.List) ([]ep.Customer, int64, error)

	// Sites.
	CreateSite(site *ep.Site) error
	Site(s Scope, id int64) (*ep.Site, error)
	UpdateSite(site *ep.Site) error
	ListSites(s Scope, l query.List) ([]ep.Site, int64, error)

	// Invoices.
	CreateInvoice(inv *ep.Invoice) error
	Invoice(s Scope, id int64, lock bool) (*ep.Invoice, error)
	// LockInvoice reads a visible invoice and its customer, both rows locked (customer first,
	// the order of every posting), in one round trip.
	LockInvoice(s Scope, id int64) (*ep.Customer, *ep.Invoice, error)
	ListInvoices(s Scope, l query.List) ([]ep.Invoice, int64, error)

	// Payment providers. A provider is visible when any of its contract owners is in the scope.
	CreateProvider(p *ep.PaymentProvider) error
	Provider(s Scope, id int32) (*ep.PaymentProvider, error)
	UpdateProvider(p *ep.PaymentProvider) error
	ListProviders(s Scope, l query.List) ([]ep.PaymentProvider, int64, error)

	// PostEntry appends e to the ledger of cust: it assigns ID, Seq and ResultingBalance and
	// updates the customer's cached balance and payment totals, conditional on the ledger
	// position in cust, which then holds the new one. cust is the customer as read with its row
	// lock (Customer(..., lock=true)) in this transaction.
	PostEntry(cust *ep.Customer, e *ep.LedgerEntry) error
	// Entries lists a customer's ledger entries in posting order.
	Entries(s Scope, customerID int64) ([]ep.LedgerEntry, error)

	// Money movements (spec §6.1–§6.6). Callers lock the customer row, then the invoice rows.
	UpdateInvoiceFigures(inv *ep.Invoice) error
	OpenInvoices(customerID int64, billRunType *ep.BillRunType) ([]ep.Invoice, error)
	CreateInvoicePayment(p *ep.InvoicePayment) error
	// PostPayment makes the writes of a settled invoice payment together: PostEntry(cust, e),
	// then pay recorded as the payment of e, then UpdateInvoiceFigures(inv) (one round trip
	// where the engine can).
	PostPayment(cust *ep.Customer, e *ep.LedgerEntry, pay *ep.InvoicePayment, inv *ep.Invoice) error
	InvoicePayment(s Scope, id int64, billRunType ep.BillRunType) (*ep.InvoicePayment, error)
	LastSuccessfulPayment(invoiceID int64) (*ep.InvoicePayment, error)
	ListInvoicePayments(s Scope, billRunType ep.BillRunType, l query.List) ([]ep.InvoicePayment, int64, error)
	AddCredit(c *ep.CustomerCredit) error
	Credits(customerID int64) ([]ep.CustomerCredit, error)
	UseCredit(entryID, amount int64) error
	CreateRefund(r *ep.Refund) error
	ListRefunds(s Scope, l query.List) ([]ep.Refund, int64, error)
	ListEntries(s Scope, l query.List) ([]ep.LedgerEntry, int64, error)
	Entry(s Scope, id int64) (*ep.LedgerEntry, error)
	// CustomerBalance returns a visible customer and its balance figures (OP-27); today decides
	// which sites are live.
	CustomerBalance(s Scope, customerID int64, today string) (*ep.Customer, *ep.BalanceFigures, error)
	ListCreditStatus(s Scope, l query.List) ([]ep.CreditStatus, int64, error)

	// Provider events (spec §6.14): each event a provider's webhook delivered, once.
	// StoreProviderEvent inserts e unless its provider already delivered an event of that id,
	// and reports whether e was new (then e.ID is set and e.State is STORED).
	StoreProviderEvent(e *ProviderEvent) (bool, error)
	ProviderEvent(id int64) (*ProviderEvent, error)
	// SetProviderEventState records what applying the event did.
	SetProviderEventState(id int64, state ProviderEventState, note string) error

	// Idempotency keys (spec §2.14).
	IdempotencyBegin(k *IdempotencyRecord) (existing *IdempotencyRecord, err error)
	IdempotencyComplete(k *IdempotencyRecord) error
	IdempotencyRelease(subject, key string) error
	// IdempotencyTakeOver restarts a key left in progress and never executed (its request died
	// before its transaction committed) if it is still as the caller saw it: created at
	// createdAt. It reports whether this caller won the key.
	IdempotencyTakeOver(k *IdempotencyRecord, createdAt int64) (bool, error)
	IdempotencyPurge(before int64) (int64, error)
}

// ProviderEvent is one event a payment provider's webhook delivered (spec §6.14).
type ProviderEvent struct {
	ID         int64
	ProviderID int32
	EventID    string // the provider's id, unique per provider
	OccurredAt int64  // when the provider says it happened, Unix microseconds
	ReceivedAt int64  // when the webhook brought it, Unix microseconds
	Resource   string // payment, refund, mandate, or the provider's own word for another kind
	ResourceID string // the provider's id of the resource ("" when the kind has none)
	Action     string
	Payload    []byte // the event's JSON as received
	State      ProviderEventState
	Note       string // why an event was ignored
}

// ProviderEventState is what became of a provider event.
type ProviderEventState string

// The provider event states.
const (
	EventStored  ProviderEventState = "STORED"  // acknowledged, not applied yet
	EventApplied ProviderEventState = "APPLIED" // applied to its payment, refund or mandate
	EventIgnored ProviderEventState = "IGNORED" // about nothing of this server's, or no transition: Note says which
)

// IdempotencyRecord is a stored Idempotency-Key with its response.
type IdempotencyRecord struct {
	Subject     string
	Key         string
	Fingerprint string // hash of method, path and canonical body
	CreatedAt   int64  // unix seconds
	Completed   bool
	Executed    bool // the request's write transaction committed
	Status      int
	Header      string // JSON object of replayed response headers
	Body        []byte
}

// IdempotencyMark is the Idempotency-Key of a request, handed explicitly to the service (as
// part of its service.Caller) and by the service to KeyedTx. The request's write transaction
// does not commit by itself: when its work succeeds the store parks the open transaction on the
// mark, and the HTTP layer, once it has the response, stores that response in the same
// transaction and commits (Parked().Commit). A committed movement therefore
// always has its response recorded; a movement whose response cannot be recorded is rolled back.
// A keyed request runs at most one write transaction.
type IdempotencyMark struct {
	Subject, Key string

	mu     sync.Mutex
	parked ParkedTx
}

// ParkedTx is a successful write transaction waiting for its request's response.
type ParkedTx interface {
	// Commit records rec (marked completed and executed) in the transaction and commits it.
	Commit(rec *IdempotencyRecord) error
	// Rollback undoes the transaction.
	Rollback()
}

// ErrSecondWrite is returned when a keyed request starts a second write transaction while its
// first one is parked: the two could not commit atomically with the one stored response.
var ErrSecondWrite = errors.New("a request holding an Idempotency-Key may run only one write transaction")

// Park hands a successful write transaction to the mark; it fails when one is parked already.
func (m *IdempotencyMark) Park(p ParkedTx) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.parked != nil {
		return ErrSecondWrite
	}
	m.parked = p
	return nil
}

// Parked returns the parked transaction (nil when the request wrote nothing) and detaches it.
func (m *IdempotencyMark) Parked() ParkedTx {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parked
	m.parked = nil
	return p
}

// HasParked reports whether a write transaction is parked on the mark.
func (m *IdempotencyMark) HasParked() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.parked != nil
}

// Job is a unit of durable work (submit a collection, refund at a provider, process a webhook
// event), inserted in the same transaction as the rows it acts on. Kind names the worker that
// runs it; River's JobArgs satisfy it.
type Job interface {
	Kind() string
}

// Queue inserts jobs with the store's own database transaction. The job package implements it
// on River (whose database/sql driver takes the *sql.Tx); tests implement it to watch inserts.
type Queue interface {
	InsertTx(ctx context.Context, tx *sql.Tx, job Job) error
}

// ErrNoQueue is returned by Tx.Enqueue when the store has no job queue.
var ErrNoQueue = errors.New("no durable job queue is configured")
