package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Cost is the bcrypt cost of new password hashes. Tests may lower it to
// bcrypt.MinCost; it must stay within bcrypt.MinCost..bcrypt.MaxCost.
var Cost = 12

// maxPasswordBytes is the longest password bcrypt operates on; longer input
// would be silently truncated, so it is refused instead.
const maxPasswordBytes = 72

// HashPassword returns the bcrypt hash of pw at Cost. The password must be
// 1..72 bytes long (the bcrypt limit).
func HashPassword(pw string) (string, error) {
	switch {
	case pw == "":
		return "", errors.New("hash password: empty password")
	case len(pw) > maxPasswordBytes:
		return "", fmt.Errorf("hash password: %w", bcrypt.ErrPasswordTooLong)
	case Cost < bcrypt.MinCost || Cost > bcrypt.MaxCost:
		return "", fmt.Errorf("hash password: cost %d outside %d..%d", Cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches the bcrypt hash. The comparison
// is constant-time (bcrypt). It always spends one bcrypt computation, also
// for an empty or over-long password and for a malformed hash (then against
// DummyHash), and is false in those cases.
func CheckPassword(hash, pw string) bool {
	ok := true
	b := []byte(pw)
	if len(b) == 0 || len(b) > maxPasswordBytes {
		ok = false
		b = b[:min(len(b), maxPasswordBytes)]
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		ok = false
		hash = DummyHash()
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), b) == nil && ok
}

// dummyHash computes the DummyHash value on first use.
var dummyHash = sync.OnceValue(func() string {
	cost := Cost
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		cost = 12
	}
	// rand.Text is at most 26 bytes and never fails; with a valid cost
	// GenerateFromPassword cannot fail either.
	h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	if err != nil {
		panic(fmt.Sprintf("auth: compute dummy password hash: %v", err))
	}
	return string(h)
})

// DummyHash returns a valid bcrypt hash of a random, never-revealed password,
// computed once (at the Cost in effect on the first call). Check a login
// attempt for an unknown user against it, so the answer takes as long as for
// a real account (no account enumeration); it never matches.
func DummyHash() string {
	return dummyHash()
}
