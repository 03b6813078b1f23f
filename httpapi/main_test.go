package httpapi_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/elevatepay/elevatepay/internal/apitest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("contract: %d HTTP responses validated against api/openapi.yaml\n", apitest.Validated.Load())
	os.Exit(code)
}
