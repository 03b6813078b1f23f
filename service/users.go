package service

import (
	"context"
	"errors"
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
func (s *Service) Authenticate(ctx context.Context, brand, username, password string) (token string, err error) {
	if brand != s.Brand {
		return "", ep.Errorf(ep.ENOTFOUND, "unknown brand")
	}
	now := s.now()
	var user *ep.User
	var ok bool
	err = s.tx(ctx, func(tx store.Tx) error {
		u, err := tx.UserByName(username)
		if ep.ErrorCode(err) == ep.ENOTFOUND {
			auth.CheckPassword(auth.DummyHash(), password)
			return nil
		} else if err != nil {
			return err
		}
		att := auth.Attempts{Failures: u.Failures}
		if u.LockedUntil > 0 {
			att.LockedUntil = unix(u.LockedUntil)
		}
		match := auth.CheckPassword(u.PasswordHash, password)
		switch {
		case att.Locked(now):
			return nil
		case !match:
			att = att.AfterFailure(now)
		default:
			att = att.AfterSuccess()
			ok = !u.Disabled
		}
		var until int64
		if !att.LockedUntil.IsZero() {
			until = att.LockedUntil.Unix()
		}
		user = u
		return tx.SetUserAttempts(u.ID, att.Failures, until)
	})
	if err != nil {
		return "", err
	}
	if !ok {
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
	return s.tx(ctx, func(tx store.Tx) error { return tx.CreateUser(u) })
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
	return s.tx(ctx, func(tx store.Tx) error { return tx.SetUserDisabled(username, disabled) })
}

// IsBadCredentials reports whether err is the single authentication failure.
func IsBadCredentials(err error) bool { return errors.Is(err, errBadCredentials) }

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// SubjectDisabled reports whether the token subject is a known account that has been disabled.
// Subjects without an account (service tokens minted by `elevatepay token`, external identity
// providers) are not disabled.
func (s *Service) SubjectDisabled(ctx context.Context, subject string) (disabled bool, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		u, err := tx.UserByName(subject)
		if ep.ErrorCode(err) == ep.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		disabled = u.Disabled
		return nil
	})
	return disabled, err
}
