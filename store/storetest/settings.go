package storetest

import (
	"testing"

	"github.com/elevatepay/elevatepay/store"
)

func testSettings(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		if _, ok, err := tx.Setting("jwt"); ok || err != nil {
			t.Fatalf("missing setting: ok=%v err=%v", ok, err)
		}
		v, err := tx.SetSettingIfAbsent("jwt", "first")
		if err != nil || v != "first" {
			t.Fatalf("SetSettingIfAbsent = %q, %v", v, err)
		}
		v, err = tx.SetSettingIfAbsent("jwt", "second")
		if err != nil || v != "first" {
			t.Fatalf("second SetSettingIfAbsent = %q, %v; want the first value kept", v, err)
		}
		return nil
	})
}

func testRoundTripSettings(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		for k, v := range map[string]string{"rt.other": "other value", "rt.key": "value with 'quotes', \"dquotes\" and ✓"} {
			if got, err := tx.SetSettingIfAbsent(k, v); err != nil || got != v {
				t.Fatalf("SetSettingIfAbsent(%q) = %q, %v", k, got, err)
			}
		}
		return nil
	})
	tx(t, s, func(tx store.Tx) error {
		got, ok, err := tx.Setting("rt.key")
		if err != nil || !ok || got != "value with 'quotes', \"dquotes\" and ✓" {
			t.Errorf("Setting(rt.key) = %q, %v, %v", got, ok, err)
		}
		return nil
	})
}
