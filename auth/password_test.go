package auth

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

var defaultCost = Cost

func TestMain(m *testing.M) {
	Cost = bcrypt.MinCost
	os.Exit(m.Run())
}

func TestDefaultCost(t *testing.T) {
	if defaultCost != 12 {
		t.Fatalf("default Cost = %d, want 12", defaultCost)
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	if c, err := bcrypt.Cost([]byte(h)); err != nil || c != Cost {
		t.Fatalf("hash cost = %d, %v; want %d", c, err, Cost)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal (no salt?)")
	}
	if !CheckPassword(h, "correct horse battery staple") {
		t.Error("correct password rejected")
	}
	for _, pw := range []string{"", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "} {
		if CheckPassword(h, pw) {
			t.Errorf("CheckPassword accepted %q", pw)
		}
	}
	if CheckPassword("not a hash", "x") || CheckPassword("", "x") {
		t.Error("malformed hash accepted")
	}

	if _, err := HashPassword(""); err == nil {
		t.Error("empty password hashed")
	}
	if _, err := HashPassword(strings.Repeat("a", 73)); !errors.Is(err, bcrypt.ErrPasswordTooLong) {
		t.Errorf("73-byte password: err = %v, want ErrPasswordTooLong", err)
	}

	// bcrypt ignores bytes after 72: CheckPassword must not.
	pw72 := strings.Repeat("p", 72)
	h72, err := HashPassword(pw72)
	if err != nil {
		t.Fatalf("HashPassword(72 bytes): %v", err)
	}
	if !CheckPassword(h72, pw72) {
		t.Error("72-byte password rejected")
	}
	if CheckPassword(h72, pw72+"extra") {
		t.Error("over-long password with a matching 72-byte prefix accepted")
	}

	old := Cost
	Cost = bcrypt.MaxCost + 1
	_, err = HashPassword("x")
	Cost = old
	if err == nil {
		t.Error("invalid Cost accepted")
	}
}

func TestDummyHash(t *testing.T) {
	d := DummyHash()
	if d != DummyHash() {
		t.Fatal("DummyHash changes between calls")
	}
	if _, err := bcrypt.Cost([]byte(d)); err != nil {
		t.Fatalf("DummyHash is not a bcrypt hash: %v", err)
	}
	for _, pw := range []string{"", "password", "admin"} {
		if CheckPassword(d, pw) {
			t.Errorf("DummyHash matched %q", pw)
		}
	}
}

func TestLockout(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var a Attempts
	for i := 1; i <= 4; i++ {
		a = a.AfterFailure(t0.Add(time.Duration(i) * time.Second))
		if a.Locked(t0.Add(time.Duration(i) * time.Second)) {
			t.Fatalf("locked after %d failures", i)
		}
		if a.Failures != i {
			t.Fatalf("Failures = %d after %d failures", a.Failures, i)
		}
	}
	lockedAt := t0.Add(5 * time.Second)
	a = a.AfterFailure(lockedAt)
	if !a.Locked(lockedAt) || a.Failures != 0 || !a.LockedUntil.Equal(lockedAt.Add(LockDuration)) {
		t.Fatalf("after 5th failure: %+v", a)
	}
	if !a.Locked(lockedAt.Add(LockDuration - time.Nanosecond)) {
		t.Error("unlocked before 15 minutes")
	}
	if a.Locked(lockedAt.Add(LockDuration)) {
		t.Error("still locked after 15 minutes")
	}

	// A failure while locked neither extends the lock nor counts.
	if b := a.AfterFailure(lockedAt.Add(time.Minute)); b != a {
		t.Errorf("failure while locked changed state: %+v", b)
	}

	// After the lock, the count starts again from zero.
	after := lockedAt.Add(LockDuration)
	b := a
	for i := 1; i <= 4; i++ {
		b = b.AfterFailure(after)
	}
	if b.Locked(after) || b.Failures != 4 {
		t.Fatalf("after lock expiry and 4 failures: %+v", b)
	}
	if b = b.AfterFailure(after); !b.Locked(after) {
		t.Fatal("5th failure after lock expiry did not lock")
	}

	// Success resets the run of failures.
	var c Attempts
	for range 4 {
		c = c.AfterFailure(t0)
	}
	c = c.AfterSuccess()
	if c != (Attempts{}) {
		t.Fatalf("AfterSuccess = %+v", c)
	}
	if c = c.AfterFailure(t0); c.Locked(t0) || c.Failures != 1 {
		t.Fatalf("failure after success: %+v", c)
	}
}
