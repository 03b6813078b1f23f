package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

// TestUnauthorizedMessages: every bad token is the same 401, but the message tells a token
// signed with another secret (e.g. minted by `elevatepay token` against another database)
// apart from a malformed or an expired one, and says no more than that (issue 6, item 18).
func TestUnauthorizedMessages(t *testing.T) {
	t.Parallel()
	apitest.ForEachEngine(t, func(t *testing.T, e *apitest.Env) {
		p := auth.Principal{Subject: "ops", Admin: true, Scopes: []string{auth.ScopeAdmin}}
		other, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte("another-database-had-this-32-byte-secret")})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := other.Issue(p, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour)
		old, err := auth.NewTokens(context.Background(), auth.Config{Secret: []byte(apitest.Secret), Now: func() time.Time { return past }})
		if err != nil {
			t.Fatal(err)
		}
		expired, err := old.Issue(p, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		const path = "/v1/currencies?page=1&pageSize=1"
		cases := []struct {
			name, token, want string
		}{
			{"signed with another secret", foreign, "the token's signature did not verify (it was signed with another secret or key: was it minted against another database?)"},
			{"malformed", "not-a-jwt", "the token is invalid"},
			{"three garbage segments", "abc.def.ghi", "the token is invalid"},
			{"expired", expired, "the token has expired"},
		}
		for _, c := range cases {
			resp := e.Get(c.token, path)
			checkError(t, c.name, resp, 401, path)
			if resp.Status != 401 {
				continue
			}
			if got := resp.Object(t)["message"]; got != c.want {
				t.Errorf("%s: message %q, want %q", c.name, got, c.want)
			}
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: no WWW-Authenticate header", c.name)
			}
			if strings.Contains(string(resp.Body), c.token) {
				t.Errorf("%s: the body echoes the token", c.name)
			}
		}
		// The server's own token still works.
		e.Get(e.Token(p), path).Want(t, 200)
	})
}
