package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestPaymentProviders(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		both := e.OwnerToken([]int32{7, 8})
		only7 := e.OwnerToken([]int32{7})
		gc := map[string]any{"type": "GO_CARDLESS", "name": "GoCardless UK", "directDebitWithName": "ACME UTILITIES", "status": "ACTIVE",
			"creditorIdentifier": "GB12ZZZSDDBARC0000007495895", "instantBankPayments": true, "retryIfPossible": true,
			"acceptExternalPayments": false, "contractOwnerIds": []int{7, 8}, "syncInstantBankPaymentsWithMandateCreation": true}
		resp := e.Post(both, "/v1/payment-providers", gc).Want(t, 201)
		p := resp.Object(t)
		id := num(t, p["id"])
		if resp.Header.Get("Location") != fmt.Sprintf("/v1/payment-providers/%d", id) {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
		want := fmt.Sprintf(`{"id":%d,"type":"GO_CARDLESS","name":"GoCardless UK","directDebitWithName":"ACME UTILITIES","status":"ACTIVE","creditorIdentifier":"GB12ZZZSDDBARC0000007495895","instantBankPayments":true,"retryIfPossible":true,"acceptExternalPayments":false,"contractOwnerIds":[7,8],"syncInstantBankPaymentsWithMandateCreation":true}`, id)
		if string(resp.Body) != want {
			t.Errorf("created provider:\n got %s\nwant %s", resp.Body, want)
		}
		// Defaults, 409 on a duplicate name per contract owner (case-insensitive, trimmed).
		st := e.Post(only7, "/v1/payment-providers", map[string]any{"type": "STRIPE", "name": "Stripe cards", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 201).Object(t)
		if st["instantBankPayments"] != false || st["directDebitWithName"] != nil {
			t.Errorf("defaults: %v", st)
		}
		e.Post(only7, "/v1/payment-providers", map[string]any{"type": "BACS", "name": " gocardless uk ", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 409)
		e.Post(only7, "/v1/payment-providers", map[string]any{"type": "CANCELLED_DD", "name": "X", "status": "ACTIVE", "contractOwnerIds": []int{7}}).Want(t, 400)
		e.Post(only7, "/v1/payment-providers", map[string]any{"type": "BACS", "name": "X", "status": "ACTIVE", "contractOwnerIds": []int{}}).Want(t, 400)
		e.Post(only7, "/v1/payment-providers", map[string]any{"type": "BACS", "name": "X", "status": "ACTIVE", "contractOwnerIds": []int{7, 7}}).Want(t, 400)
		e.Post(only7, "/v1/payment-providers", map[string]any{"type": "BACS", "name": "X", "status": "ACTIVE", "contractOwnerIds": []int{9}}).Want(t, 403)

		// A caller seeing only owner 7 sees only its id; it may not update a provider shared with 8.
		got := e.Get(only7, fmt.Sprintf("/v1/payment-providers/%d", id)).Want(t, 200).Object(t)
		if fmt.Sprint(got["contractOwnerIds"]) != "[7]" {
			t.Errorf("visible contract owners: %v", got["contractOwnerIds"])
		}
		e.Patch(only7, fmt.Sprintf("/v1/payment-providers/%d", id), []any{}).Want(t, 403)

		// Filters.
		list := e.Get(only7, "/v1/payment-providers?page=1&pageSize=10&type=in:GO_CARDLESS,STRIPE&contractOwnerId=7&instantBankPayments=true").Want(t, 200).Array(t)
		if len(list) != 1 || num(t, list[0]["id"]) != id {
			t.Errorf("filtered list: %v", list)
		}
		e.Get(only7, "/v1/payment-providers?page=1&pageSize=10&type=NOPE").Want(t, 400)
		e.Get(only7, "/v1/payment-providers?page=1&pageSize=10&contractOwnerId=in:7").Want(t, 400)

		// PATCH: RFC 6902, atomic.
		path := fmt.Sprintf("/v1/payment-providers/%d", id)
		upd := e.Patch(both, path, []any{
			map[string]any{"op": "test", "path": "/status", "value": "ACTIVE"},
			map[string]any{"op": "replace", "path": "/retryIfPossible", "value": false},
			map[string]any{"op": "replace", "path": "/status", "value": "INACTIVE"},
			map[string]any{"op": "remove", "path": "/contractOwnerIds/1"},
			map[string]any{"op": "copy", "from": "/name", "path": "/directDebitWithName"},
		}).Want(t, 200).Object(t)
		if upd["status"] != "INACTIVE" || upd["retryIfPossible"] != false || fmt.Sprint(upd["contractOwnerIds"]) != "[7]" || upd["directDebitWithName"] != "GoCardless UK" {
			t.Errorf("patched: %v", upd)
		}
		for name, patch := range map[string][]any{
			"failing test":          {map[string]any{"op": "replace", "path": "/name", "value": "Renamed"}, map[string]any{"op": "test", "path": "/status", "value": "ACTIVE"}},
			"immutable type":        {map[string]any{"op": "replace", "path": "/type", "value": "STRIPE"}},
			"read-only id":          {map[string]any{"op": "replace", "path": "/id", "value": 99}},
			"empty contract owners": {map[string]any{"op": "replace", "path": "/name", "value": "Renamed"}, map[string]any{"op": "replace", "path": "/contractOwnerIds", "value": []int{}}},
			"invalid result":        {map[string]any{"op": "replace", "path": "/status", "value": "SLEEPING"}},
			"bad pointer":           {map[string]any{"op": "remove", "path": "/nothing"}},
			"unknown op":            {map[string]any{"op": "frobnicate", "path": "/name"}},
			"not an array":          nil,
		} {
			t.Run(name, func(t *testing.T) {
				var body any = patch
				if patch == nil {
					body = map[string]any{"op": "replace"}
				}
				resp := e.Patch(both, path, body)
				if resp.Status != 400 {
					t.Errorf("patch %s: status %d: %s", name, resp.Status, resp.Body)
				}
			})
		}
		again := e.Get(both, path).Want(t, 200).Object(t)
		if again["name"] != "GoCardless UK" || again["status"] != "INACTIVE" {
			t.Errorf("a failed patch changed the provider: %v", again)
		}
		e.Patch(only7, fmt.Sprintf("/v1/payment-providers/%d", num(t, st["id"])), []any{map[string]any{"op": "replace", "path": "/name", "value": "GOCARDLESS UK"}}).Want(t, 409)
		e.Patch(only7, fmt.Sprintf("/v1/payment-providers/%d", num(t, st["id"])), []any{map[string]any{"op": "add", "path": "/contractOwnerIds/-", "value": 8}}).Want(t, 403)
		e.Patch(both, "/v1/payment-providers/99999", []any{}).Want(t, 404)
		e.Patch(both, path, []any{}).Want(t, 200)
	})
}

// TestProviderOwnerFilterScoped: a provider shared by owners 7 and 8 must not reveal owner 8 to
// a caller who sees only owner 7 (issue 6, item 10).
func TestProviderOwnerFilterScoped(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		admin := e.AdminToken()
		e.Post(admin, "/v1/payment-providers", map[string]any{"type": "GO_CARDLESS", "name": "Shared", "status": "ACTIVE", "contractOwnerIds": []int32{7, 8}}).Want(t, 201)
		e.Post(admin, "/v1/payment-providers", map[string]any{"type": "STRIPE", "name": "Eight", "status": "ACTIVE", "contractOwnerIds": []int32{8}}).Want(t, 201)
		seven := e.OwnerToken([]int32{7}, "payments:read")
		for _, tc := range []struct {
			token, owner, total string
		}{{seven, "8", "0"}, {seven, "7", "1"}, {seven, "9", "0"}, {admin, "8", "2"}, {admin, "7", "1"}} {
			resp := e.Get(tc.token, "/v1/payment-providers?page=1&pageSize=10&contractOwnerId="+tc.owner).Want(t, 200)
			if got := resp.Header.Get("X-Total-Count"); got != tc.total || fmt.Sprint(len(resp.Array(t))) != tc.total {
				t.Errorf("contractOwnerId=%s: X-Total-Count %s, %d items, want %s", tc.owner, got, len(resp.Array(t)), tc.total)
			}
			for _, p := range resp.Array(t) {
				if tc.token == seven && fmt.Sprint(p["contractOwnerIds"]) != "[7]" {
					t.Errorf("owner 7 sees contractOwnerIds %v", p["contractOwnerIds"])
				}
			}
		}
	})
}
