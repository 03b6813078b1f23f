package storetest

import (
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/query"
	"github.com/elevatepay/elevatepay/store"
)

func testProviders(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		gc := &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "GoCardless UK", Status: "ACTIVE", InstantBankPayments: true, ContractOwnerIDs: []int32{7, 8}}
		if err := tx.CreateProvider(gc); err != nil {
			t.Fatal(err)
		}
		st := &ep.PaymentProvider{Type: "STRIPE", Name: "Stripe cards", Status: "ACTIVE", ContractOwnerIDs: []int32{9}}
		if err := tx.CreateProvider(st); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	// Names are unique per contract owner, compared trimmed and case-insensitively.
	fails(t, s, ep.ECONFLICT, func(tx store.Tx) error {
		return tx.CreateProvider(&ep.PaymentProvider{Type: "STRIPE", Name: "  gocardless uk ", Status: "ACTIVE", ContractOwnerIDs: []int32{8}})
	})
	tx(t, s, func(tx store.Tx) error {
		gc, st := &ep.PaymentProvider{ID: 1}, &ep.PaymentProvider{ID: 2}
		if err := tx.CreateProvider(&ep.PaymentProvider{Type: "STRIPE", Name: "GoCardless UK", Status: "ACTIVE", ContractOwnerIDs: []int32{9}}); err != nil {
			t.Fatalf("same name for another contract owner: %v", err)
		}
		got, err := tx.Provider(store.Scope{Owners: []int32{8}}, gc.ID)
		if err != nil || fmt.Sprint(got.ContractOwnerIDs) != "[7 8]" || !got.InstantBankPayments || got.DirectDebitWithName != nil {
			t.Fatalf("Provider = %+v, %v", got, err)
		}
		_, err = tx.Provider(store.Scope{Owners: []int32{7}}, st.ID)
		wantCode(t, err, ep.ENOTFOUND)

		list, total, err := tx.ListProviders(store.Scope{Owners: []int32{7}}, page(10))
		if err != nil || total != 1 || list[0].ID != gc.ID {
			t.Fatalf("scoped list: %+v %d %v", list, total, err)
		}
		list, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "contractOwnerId", Op: "eq", IDs: []int64{9}}))
		if total != 2 {
			t.Fatalf("contractOwnerId=9: %+v", list)
		}
		_, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "instantBankPayments", Op: "eq", Bool: true}))
		if total != 1 {
			t.Fatalf("instantBankPayments=true: %d", total)
		}
		_, total, _ = tx.ListProviders(store.AllOwners, page(10, query.Cond{Param: "type", Op: "in", Strings: []string{"GO_CARDLESS", "STRIPE"}}))
		if total != 3 {
			t.Fatalf("type in: %d", total)
		}

		got.ContractOwnerIDs = []int32{7}
		got.Status = "INACTIVE"
		got.Name = "GC"
		if err := tx.UpdateProvider(got); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Provider(store.Scope{Owners: []int32{8}}, gc.ID)
		wantCode(t, err, ep.ENOTFOUND)
		again, _ := tx.Provider(store.AllOwners, gc.ID)
		if again.Status != "INACTIVE" || again.Name != "GC" || fmt.Sprint(again.ContractOwnerIDs) != "[7]" {
			t.Fatalf("after update: %+v", again)
		}
		return nil
	})
}

// A provider shared by owners 7 and 8: a caller who sees only owner 7 must not learn, through
// contractOwnerId=8, that owner 8 uses it (item 10).
func testProviderOwnerFilterScoped(t *testing.T, s store.Store) {
	tx(t, s, func(tx store.Tx) error {
		shared := &ep.PaymentProvider{Type: "GO_CARDLESS", Name: "Shared", Status: "ACTIVE", ContractOwnerIDs: []int32{7, 8}}
		only8 := &ep.PaymentProvider{Type: "STRIPE", Name: "Only 8", Status: "ACTIVE", ContractOwnerIDs: []int32{8}}
		for _, p := range []*ep.PaymentProvider{shared, only8} {
			if err := tx.CreateProvider(p); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	owner := func(id int64) query.Cond { return query.Cond{Param: "contractOwnerId", Op: "eq", IDs: []int64{id}} }
	for _, tc := range []struct {
		scope store.Scope
		owner int64
		want  int64
	}{
		{store.Scope{Owners: []int32{7}}, 8, 0},
		{store.Scope{Owners: []int32{7}}, 7, 1},
		{store.Scope{Owners: []int32{7}}, 9, 0},
		{store.Scope{Owners: []int32{8}}, 8, 2},
		{store.Scope{Owners: []int32{7, 8}}, 8, 2},
		{store.Scope{}, 8, 0},
		{store.AllOwners, 8, 2},
		{store.AllOwners, 7, 1},
	} {
		err := s.Read(ctx(), func(tx store.Tx) error {
			list, total, err := tx.ListProviders(tc.scope, page(10, owner(tc.owner)))
			if err != nil {
				return err
			}
			if total != tc.want || int64(len(list)) != tc.want {
				t.Errorf("scope %+v, contractOwnerId=%d: total %d, %d items, want %d", tc.scope, tc.owner, total, len(list), tc.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func testRoundTripProviders(t *testing.T, s store.Store) {
	var ch *chain
	tx(t, s, func(tx store.Tx) error { ch = newChain(t, tx); return nil })
	check := func(phase string) {
		tx(t, s, func(tx store.Tx) error {
			for _, want := range []*ep.PaymentProvider{ch.spareProv, ch.prov} {
				got, err := tx.Provider(store.Scope{Owners: want.ContractOwnerIDs[:1]}, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": Provider("+want.Name+")", want, got)
				list, _, err := tx.ListProviders(store.AllOwners, idIs(int64(want.ID)))
				if err != nil {
					t.Fatal(err)
				}
				same(t, phase+": ListProviders("+want.Name+")", []ep.PaymentProvider{*want}, list)
				providerColumnsLand(t, tx, phase, want)
			}
			return nil
		})
	}
	check("created")
	// Update in two more bool patterns (TTFF, then TTTT): with the creation's TFTF every pair of
	// the four bool columns holds different values in some phase. Type is not written by
	// UpdateProvider and stays as created.
	p := ch.prov
	p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier = "GoCardless renamed", str("Elevate Renamed DD"), "ACTIVE", str("GB98ZZZSDDBARC0000001111111")
	p.InstantBankPayments, p.RetryIfPossible, p.AcceptExternalPayments, p.SyncInstantBankPaymentsWithMandateCreation = true, true, false, false
	p.ContractOwnerIDs = []int32{rtOwner, 47}
	tx(t, s, func(tx store.Tx) error { return tx.UpdateProvider(p) })
	check("updated TTFF")
	p.Name, p.DirectDebitWithName, p.Status, p.CreditorIdentifier = "GoCardless final", str("Elevate Final DD"), "INACTIVE", str("GB55ZZZSDDBARC0000002222222")
	p.AcceptExternalPayments, p.SyncInstantBankPaymentsWithMandateCreation = true, true
	p.ContractOwnerIDs = []int32{rtOwner, 43, 47}
	written(t, "PaymentProvider after update", p, nil)
	tx(t, s, func(tx store.Tx) error { return tx.UpdateProvider(p) })
	check("updated TTTT")
}

// providerColumnsLand: ListProviders filters on id and on contractOwnerId (any of the provider's
// owners) and scopes by contract owner, each of which must find the written provider by its own
// values only.
func providerColumnsLand(t *testing.T, tx store.Tx, phase string, p *ep.PaymentProvider) {
	t.Helper()
	cols := []column{{"id", "ID"}}
	for i := range p.ContractOwnerIDs {
		owner := fmt.Sprintf("ContractOwnerIDs[%d]", i)
		cols = append(cols, column{"contractOwnerId", owner}, column{byScope, owner})
	}
	landWhereNamed(t, phase+": ListProviders("+p.Name+")", *p, func(p ep.PaymentProvider) int64 { return int64(p.ID) }, cols, tx.ListProviders)
}
