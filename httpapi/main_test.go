package httpapi_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/elevatepay/elevatepay/auth"
	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestMain(m *testing.M) {
	// The dummy hash of logins to unknown accounts, computed once before any test at the cost
	// apitest's init set.
	auth.DummyHash()
	code := m.Run()
	fmt.Printf("contract: %d HTTP responses validated against api/openapi.yaml\n", apitest.Validated.Load())
	os.Exit(code)
}
