package httpapi_test

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestMain(m *testing.M) {
	// The bcrypt cost every test server uses (apitest.Start sets the same), and the dummy hash
	// of logins to unknown accounts computed once at it, before any test: its first computation
	// reads auth.Cost, which parallel tests must not do while another starts a server.
	auth.Cost = bcrypt.MinCost
	auth.DummyHash()
	code := m.Run()
	fmt.Printf("contract: %d HTTP responses validated against api/openapi.yaml\n", apitest.Validated.Load())
	os.Exit(code)
}
