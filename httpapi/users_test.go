package httpapi_test

import (
	"context"
	"fmt"
	"testing"

	ep "github.com/elevatepay/elevatepay"
	"github.com/elevatepay/elevatepay/internal/apitest"
	"github.com/elevatepay/elevatepay/service"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		if err := e.Svc.AddUser(ctx, &ep.User{Username: "api.billing", ContractOwnerIDs: []int32{7}, Scopes: []string{"payments:read"}}, "correct horse"); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.AddUser(ctx, &ep.User{Username: "noscope", ContractOwnerIDs: []int32{7}}, "pw"); err != nil {
			t.Fatal(err)
		}
		login := func(brand, user, pw string) *apitest.Response {
			return e.Post("", "/v1/authenticate", map[string]any{"brand": brand, "username": user, "password": pw})
		}
		ok := login(apitest.Brand, "api.billing", "correct horse").Want(t, 200).Object(t)
		if ok["username"] != "api.billing" {
			t.Errorf("response: %v", ok)
		}
		tok := fmt.Sprint(ok["token"])
		e.Get(tok, "/v1/customers?page=1&pageSize=1").Want(t, 200)
		e.Post(tok, "/v1/customers", map[string]any{"contractOwnerId": 7, "customerName": "A", "currencyId": 1}).Want(t, 403)
		p, err := e.Tokens.Verify(tok)
		if err != nil || p.Subject != "api.billing" || fmt.Sprint(p.ContractOwnerIDs) != "[7]" {
			t.Errorf("token claims: %+v %v", p, err)
		}
		wrong := login(apitest.Brand, "api.billing", "nope").Want(t, 401)
		unknown := login(apitest.Brand, "nobody", "nope").Want(t, 401)
		if wrong.Object(t)["message"] != unknown.Object(t)["message"] {
			t.Errorf("messages reveal which accounts exist: %s vs %s", wrong.Body, unknown.Body)
		}
		login("another-brand", "api.billing", "correct horse").Want(t, 404)
		login(apitest.Brand, "noscope", "pw").Want(t, 403)
		e.Post("", "/v1/authenticate", map[string]any{"brand": apitest.Brand, "username": "api.billing"}).Want(t, 400)
		e.Post("", "/v1/authenticate", map[string]any{"brand": apitest.Brand, "username": "", "password": "x"}).Want(t, 400)

		// Five failures in a row lock the account, even for the right password.
		for i := 0; i < 3; i++ {
			login(apitest.Brand, "api.billing", "wrong").Want(t, 401)
		}
		login(apitest.Brand, "api.billing", "correct horse").Want(t, 200) // 4 failures in a row, then a success resets
		for i := 0; i < 5; i++ {
			login(apitest.Brand, "api.billing", "wrong").Want(t, 401)
		}
		locked := login(apitest.Brand, "api.billing", "correct horse").Want(t, 401)
		if locked.Object(t)["message"] != unknown.Object(t)["message"] {
			t.Errorf("locked message differs: %s", locked.Body)
		}
		// A disabled account cannot log in and its tokens stop working.
		if err := e.Svc.DisableUser(ctx, "api.billing", true); err != nil {
			t.Fatal(err)
		}
		e.Get(tok, "/v1/customers?page=1&pageSize=1").Want(t, 401)
		_ = service.TokenTTL
	})
}
