package httpapi

import (
	"strings"
	"testing"
)

// TestRouteTableMatchesContract: the route table's method and path of every operation must be
// the contract's; a misplaced, missing, invented or repeated route stops the server.
func TestRouteTableMatchesContract(t *testing.T) {
	t.Parallel()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{contract: c}
	if err := s.register(s.apiRoutes()); err != nil {
		t.Fatalf("the route table does not match the contract: %v", err)
	}
	edit := func(f func([]route) []route) []route { return f(append([]route(nil), s.apiRoutes()...)) }
	for _, tc := range []struct {
		name, want string
		routes     []route
	}{
		{"wrong path", "but the contract has GET /v1/payment-providers", edit(func(r []route) []route { r[0].path = "/v1/providers"; return r })},
		{"wrong method", "is listed as POST /v1/refunds", edit(func(r []route) []route {
			for i := range r {
				if r[i].op == "getRefunds" {
					r[i].method = "POST"
				}
			}
			return r
		})},
		{"missing", "operations of the contract without a route: authenticate", edit(func(r []route) []route {
			for i := range r {
				if r[i].op == "authenticate" {
					return append(r[:i], r[i+1:]...)
				}
			}
			return r
		})},
		{"invented", "route madeUp is not an operation of the contract", edit(func(r []route) []route {
			return append(r, route{"GET", "/v1/made-up", "madeUp", nil})
		})},
		{"repeated", "route getRefunds listed twice", edit(func(r []route) []route {
			for _, x := range r {
				if x.op == "getRefunds" {
					return append(r, x)
				}
			}
			return r
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Server{contract: c}).register(tc.routes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("register: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
