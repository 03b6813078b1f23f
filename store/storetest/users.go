package storetest

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/store"
)

func testUsers(t *testing.T, s store.Store) {
	u := &ep.User{Username: "api.billing", PasswordHash: "h", ContractOwnerIDs: []int32{7, 9}, Scopes: []string{"payments:read", "payments:write"}}
	tx(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error { return tx.CreateUser(&ep.User{Username: "api.billing", PasswordHash: "x"}) })
	tx(t, s, func(tx store.Tx) error {
		got, err := tx.UserByName("api.billing")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || got.ID != u.ID || got.Username != u.Username || got.PasswordHash != u.PasswordHash || fmt.Sprint(got.ContractOwnerIDs) != "[7 9]" || fmt.Sprint(got.Scopes) != "[payments:read payments:write]" || got.Disabled || got.Admin {
			t.Fatalf("UserByName = %+v", got)
		}
		_, err = tx.UserByName("nobody")
		wantCode(t, err, ep.ENOTFOUND)
		if err := tx.SetUserDisabled("api.billing", true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, tx.SetUserDisabled("nobody", true), ep.ENOTFOUND)
		if err := tx.SetUserAttempts(u.ID, 3, 12345); err != nil {
			t.Fatal(err)
		}
		got, _ = tx.UserByName("api.billing")
		if !got.Disabled || got.Failures != 3 || got.LockedUntil != 12345 {
			t.Fatalf("after updates: %+v", got)
		}
		list, err := tx.ListUsers()
		if err != nil || len(list) != 1 {
			t.Fatalf("ListUsers = %v, %v", list, err)
		}
		return nil
	})
}

// testLoginFailures: CountUserFailure adds one in the database (failures = failures + 1), so
// parallel failed logins each count; nothing is counted or reset while the account is locked,
// and a success clears the count (issue 6 item 5: the count used to be read and written back as
// an absolute value, and parallel failures on PostgreSQL overwrote each other).
func testLoginFailures(t *testing.T, s store.Store) {
	u := &ep.User{Username: "guessed", PasswordHash: "h", ContractOwnerIDs: []int32{7}, Scopes: []string{"payments:read"}}
	other := &ep.User{Username: "bystander", PasswordHash: "h"}
	tx(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		return tx.CreateUser(other)
	})
	const now = int64(1_700_000_000)
	const n = 30
	var wg sync.WaitGroup
	counts := make(chan int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Tx(ctx(), func(tx store.Tx) error {
				c, counted, err := tx.CountUserFailure(u.ID, now)
				if err == nil && !counted {
					t.Error("an unlocked account's failure was not counted")
				}
				if err == nil {
					counts <- c
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(counts)
	var got []int
	for c := range counts {
		got = append(got, c)
	}
	sort.Ints(got)
	for i, c := range got {
		if c != i+1 {
			t.Fatalf("counts returned by %d parallel failures = %v, want each of 1..%d once", n, got, n)
		}
	}
	user := func(name string) *ep.User {
		var r *ep.User
		if err := s.Read(ctx(), func(tx store.Tx) (err error) { r, err = tx.UserByName(name); return err }); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if g := user("guessed"); g.Failures != n || g.LockedUntil != 0 {
		t.Fatalf("after %d failures: failures=%d lockedUntil=%d", n, g.Failures, g.LockedUntil)
	}
	if g := user("bystander"); g.Failures != 0 {
		t.Fatalf("another account counted failures: %+v", g)
	}

	// Locked until now+900: neither a failure nor a success changes anything before then; the
	// lock ends exactly at its end.
	tx(t, s, func(tx store.Tx) error { return tx.SetUserAttempts(u.ID, 0, now+900) })
	tx(t, s, func(tx store.Tx) error {
		if c, counted, err := tx.CountUserFailure(u.ID, now+899); err != nil || counted || c != 0 {
			t.Fatalf("failure while locked: %d %v %v, want not counted", c, counted, err)
		}
		if r, err := tx.ResetUserFailures(u.ID, now+899); err != nil || r != nil {
			t.Fatalf("success while locked: %+v %v, want nil", r, err)
		}
		return nil
	})
	if g := user("guessed"); g.Failures != 0 || g.LockedUntil != now+900 {
		t.Fatalf("a locked account changed: %+v", g)
	}
	tx(t, s, func(tx store.Tx) error {
		if c, counted, err := tx.CountUserFailure(u.ID, now+900); err != nil || !counted || c != 1 {
			t.Fatalf("failure when the lock ended: %d %v %v, want 1 counted", c, counted, err)
		}
		if c, _, _ := tx.CountUserFailure(u.ID, now+901); c != 2 {
			t.Fatalf("second failure counted %d, want 2", c)
		}
		return nil
	})
	var back *ep.User
	tx(t, s, func(tx store.Tx) (err error) { back, err = tx.ResetUserFailures(u.ID, now+902); return err })
	if back == nil || back.ID != u.ID || back.Username != "guessed" || back.Failures != 0 || back.LockedUntil != 0 ||
		len(back.Scopes) != 1 || back.Scopes[0] != "payments:read" || len(back.ContractOwnerIDs) != 1 || back.ContractOwnerIDs[0] != 7 {
		t.Fatalf("ResetUserFailures returned %+v", back)
	}
	if g := user("guessed"); g.Failures != 0 || g.LockedUntil != 0 {
		t.Fatalf("after a success: %+v", g)
	}
	tx(t, s, func(tx store.Tx) error {
		if _, counted, err := tx.CountUserFailure(999999, now); counted || err != nil {
			t.Fatalf("failure of a missing account: %v %v", counted, err)
		}
		if r, err := tx.ResetUserFailures(999999, now); r != nil || err != nil {
			t.Fatalf("success of a missing account: %+v %v", r, err)
		}
		return nil
	})
}

func testRoundTripUsers(t *testing.T, s store.Store) {
	spare := &ep.User{Username: "spare.user", PasswordHash: "spare-hash", ContractOwnerIDs: []int32{spareOwner}, Scopes: []string{"payments:read"}, Disabled: true}
	written(t, "User (spare)", spare, map[string]string{"ID": "assigned by CreateUser",
		"Admin":    "bool pattern FT of the spare user (the round-trip user is created TF)",
		"Failures": "written by SetUserAttempts, not CreateUser", "LockedUntil": "written by SetUserAttempts, not CreateUser"})
	u := &ep.User{Username: "rt.user", PasswordHash: "$argon2id$rt-hash", ContractOwnerIDs: []int32{rtOwner, 43}, Admin: true,
		Scopes: []string{"payments:read", "payments:write", "customers:read"}}
	written(t, "User", u, map[string]string{"ID": "assigned by CreateUser",
		"Disabled": "bool pattern TF (the spare is FT); SetUserDisabled sets it below",
		"Failures": "written by SetUserAttempts, not CreateUser", "LockedUntil": "written by SetUserAttempts, not CreateUser"})
	tx(t, s, func(tx store.Tx) error {
		for _, x := range []*ep.User{spare, u} {
			if err := tx.CreateUser(x); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, want := range []*ep.User{spare, u} {
				got, err := tx.UserByName(want.Username)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": UserByName("+want.Username+")", want, got)
			}
			list, err := tx.ListUsers()
			if err != nil {
				t.Fatal(err)
			}
			same(t, phase+": ListUsers", []ep.User{*u, *spare}, list) // ordered by username
			return nil
		})
	}
	check("created")
	tx(t, s, func(tx store.Tx) error {
		if err := tx.SetUserAttempts(u.ID, 5, 1_800_000_123); err != nil {
			t.Fatal(err)
		}
		return tx.SetUserDisabled(u.Username, true)
	})
	u.Failures, u.LockedUntil, u.Disabled = 5, 1_800_000_123, true
	written(t, "User after SetUserAttempts and SetUserDisabled", u, nil)
	check("updated")
}
