package service_test

import (
	"fmt"
	"testing"
	"time"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/service"
)

// TestSubjectDisabledCache: answers are reused for at most DisabledTTL, so a disable made by
// another process (here: a second Service on the same database, as `elevatepay users disable`
// is) is honoured within it, and one made through this Service at once.
func TestSubjectDisabledCache(t *testing.T) {
	forEachStore(t, func(t *testing.T, svc *service.Service) {
		for _, name := range []string{"here", "elsewhere"} {
			if err := svc.AddUser(ctx, &ep.User{Username: name}, "a password"); err != nil {
				t.Fatal(err)
			}
		}
		disabled := func(name string) bool {
			t.Helper()
			d, err := svc.SubjectDisabled(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		for _, name := range []string{"here", "elsewhere", "no-account"} {
			if disabled(name) {
				t.Fatalf("%s disabled before anything was disabled", name)
			}
		}
		if err := svc.DisableUser(ctx, "here", true); err != nil {
			t.Fatal(err)
		}
		if !disabled("here") {
			t.Error("an account disabled through this Service is still accepted")
		}

		other := &service.Service{Store: svc.Store}
		start := time.Now()
		if err := other.DisableUser(ctx, "elsewhere", true); err != nil {
			t.Fatal(err)
		}
		for !disabled("elsewhere") {
			if time.Since(start) > service.DisabledTTL+500*time.Millisecond {
				t.Fatalf("an account disabled by another process was still accepted after %v (DisabledTTL %v)", time.Since(start), service.DisabledTTL)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := svc.DisableUser(ctx, "here", false); err != nil {
			t.Fatal(err)
		}
		if disabled("here") {
			t.Error("an account enabled again through this Service is still refused")
		}
		if disabled("no-account") {
			t.Error("a subject without an account became disabled")
		}
	})
}

// TestSubjectCacheBounded: however many subjects present tokens, the cache stays bounded.
func TestSubjectCacheBounded(t *testing.T) {
	forEachStore(t, func(t *testing.T, svc *service.Service) {
		for i := range 10_500 {
			if _, err := svc.SubjectDisabled(ctx, fmt.Sprintf("subject-%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := service.CachedSubjects(svc); n > 10_000 || n == 0 {
			t.Errorf("%d cached subjects after 10,500 distinct ones, want 1 to 10,000", n)
		}
	})
}
