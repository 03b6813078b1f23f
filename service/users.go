package service

import (
	"context"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/store"
)

// TokenTTL is the lifetime of tokens from POST /authenticate (spec §2.2.1).
const TokenTTL = 15 * time.Minute

var errBadCredentials = ep.Errorf(ep.EUNAUTHORIZED, "invalid username or password, or the account is disabled or locked")

// Authenticate checks credentials and returns a 15-minute token (spec §4.27, OP-7). Wrong
// password, unknown user, disabled and locked accounts get one identical 401 that takes the same
// time (a bcrypt comparison runs in every case).
//
// The password is checked outside any transaction (bcrypt takes about 250 ms: inside a write
// transaction it held SQLite's write lock, or a PostgreSQL connection, for that long) and through
// the bounded Checker, which every attempt passes, unknown users and locked accounts too. The
// outcome is then recorded in a short transaction that decides from the database row as it is
// at that moment: a failure is counted atomically and the MaxFailures-th locks the account; a
// success is refused when the account got locked meanwhile (by failures counted while this
// attempt was being checked).
func (s *Service) Authenticate(ctx context.Context, brand, username, password string) (token string, err error) {
	if brand != s.Brand {
		return "", ep.Errorf(ep.ENOTFOUND, "unknown brand")
	}
	u, err := readOne(ctx, s, func(tx store.Tx) (*ep.User, error) { return tx.UserByName(username) })
	if ep.ErrorCode(err) == ep.ENOTFOUND {
		u, err = nil, nil
	} else if err != nil {
		return "", err
	}
	hash := auth.DummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	match, err := s.passwords().Check(ctx, hash, password)
	if err != nil {
		return "", err
	}
	now := s.now()
	if u == nil || (auth.Attempts{LockedUntil: lockEnd(u.LockedUntil)}).Locked(now) {
		return "", errBadCredentials
	}
	if !match {
		err := s.Store.Tx(ctx, func(tx store.Tx) error {
			n, counted, err := tx.CountUserFailure(u.ID, now.Unix())
			if err != nil || !counted {
				return err
			}
			// The count is the database's, after this failure: the policy decides from it, and
			// the row stays locked (PostgreSQL) or the database is (SQLite) until commit.
			if att := (auth.Attempts{Failures: n - 1}).AfterFailure(now); !att.LockedUntil.IsZero() {
				return tx.SetUserAttempts(u.ID, att.Failures, att.LockedUntil.Unix())
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		return "", errBadCredentials
	}
	var user *ep.User
	err = s.Store.Tx(ctx, func(tx store.Tx) (err error) {
		user, err = tx.ResetUserFailures(u.ID, now.Unix())
		return err
	})
	if err != nil {
		return "", err
	}
	if user == nil || user.Disabled {
		return "", errBadCredentials
	}
	if len(user.Scopes) == 0 {
		return "", ep.Errorf(ep.EFORBIDDEN, "the account holds no scope")
	}
	tok, err := s.Tokens.Issue(auth.Principal{Subject: user.Username, ContractOwnerIDs: user.ContractOwnerIDs, Admin: user.Admin, Scopes: user.Scopes}, TokenTTL)
	if err != nil {
		return "", err
	}
	return tok, nil
}

func (s *Service) passwords() *auth.Checker {
	if s.Passwords != nil {
		return s.Passwords
	}
	return auth.DefaultChecker()
}

// lockEnd is the end of an account's lock (zero time when never locked).
func lockEnd(lockedUntil int64) time.Time {
	if lockedUntil > 0 {
		return unix(lockedUntil)
	}
	return time.Time{}
}

// AddUser creates an account with a hashed password.
func (s *Service) AddUser(ctx context.Context, u *ep.User, password string) error {
	if u.Username == "" || len(u.Username) > 100 {
		return ep.Invalid("username", "must be 1 to 100 characters")
	}
	if password == "" || len(password) > 100 {
		return ep.Invalid("password", "must be 1 to 100 characters")
	}
	h, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return s.Store.Tx(ctx, func(tx store.Tx) error { return tx.CreateUser(u) })
}

// ListUsers lists every account.
func (s *Service) ListUsers(ctx context.Context) (out []ep.User, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		out, err = tx.ListUsers()
		return err
	})
	return out, err
}

// DisableUser disables (or re-enables) an account.
func (s *Service) DisableUser(ctx context.Context, username string, disabled bool) error {
	err := s.Store.Tx(ctx, func(tx store.Tx) error { return tx.SetUserDisabled(username, disabled) })
	s.subjects.Forget(username) // after the commit; also on error, in case it committed
	return err
}

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// SubjectDisabled reports whether the token subject is a known account that has been disabled.
// Subjects without an account (service tokens minted by `elevatepay token`, external identity
// providers) are not disabled. Answers are reused for DisabledTTL.
func (s *Service) SubjectDisabled(ctx context.Context, subject string) (disabled bool, err error) {
	disabled, ok, gen := s.subjects.Get(subject)
	if ok {
		return disabled, nil
	}
	err = s.Store.ReadOne(ctx, func(tx store.Tx) error {
		u, err := tx.UserByName(subject)
		if ep.ErrorCode(err) == ep.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		disabled = u.Disabled
		return nil
	})
	if err == nil {
		s.subjects.Put(subject, disabled, gen, DisabledTTL, maxCachedSubjects)
	}
	return disabled, err
}
