package auth

import "time"

// Lock-out policy (spec §2.2.1): MaxFailures failed logins in a row lock the
// account for LockDuration.
const (
	MaxFailures  = 5
	LockDuration = 15 * time.Minute
)

// Attempts is the lock-out state of one account.
type Attempts struct {
	// Failures counts failed logins in a row since the last success or lock.
	Failures int
	// LockedUntil is the end of the current lock; zero when never locked.
	LockedUntil time.Time
}

// Locked reports whether the account is locked at now. The lock ends exactly
// at LockedUntil.
func (a Attempts) Locked(now time.Time) bool {
	return now.Before(a.LockedUntil)
}

// AfterFailure returns the state after a failed login at now. The
// MaxFailures-th failure in a row locks the account for LockDuration and
// resets the counter. A failure while locked changes nothing (the lock is not
// extended); callers should refuse locked accounts before checking passwords.
func (a Attempts) AfterFailure(now time.Time) Attempts {
	if a.Locked(now) {
		return a
	}
	n := max(a.Failures, 0) + 1
	if n >= MaxFailures {
		return Attempts{LockedUntil: now.Add(LockDuration)}
	}
	return Attempts{Failures: n}
}

// AfterSuccess returns the state after a successful login: no failures and
// no lock.
func (a Attempts) AfterSuccess() Attempts {
	return Attempts{}
}
