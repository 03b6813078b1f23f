package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"
)

// TestRetryingBrokenConnections: an attempt that met only broken pooled connections runs again
// at once, a bounded number of times, without using up the serialisation retries; a failed
// COMMIT never runs again, whatever its cause.
func TestRetryingBrokenConnections(t *testing.T) {
	s := &DB{d: Dialect{IsRetryable: func(error) bool { return false }}}
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		fail  int   // attempts failing before one succeeds
		err   error // their error
		runs  int
		fails bool
	}{
		{"bad connection at begin", 5, fmt.Errorf("begin: %w", driver.ErrBadConn), 6, false},
		{"bad connections beyond the bound", maxBadConns + 5, fmt.Errorf("begin: %w", driver.ErrBadConn), maxBadConns + 1, true},
		{"a failed commit", 5, &commitError{driver.ErrBadConn}, 1, true},
		{"another error", 5, errors.New("no"), 1, true},
	} {
		runs := 0
		err := s.retrying(ctx, func() error {
			runs++
			if runs <= tc.fail {
				return tc.err
			}
			return nil
		})
		if runs != tc.runs || (err != nil) != tc.fails {
			t.Errorf("%s: %d runs, %v; want %d runs, failing %v", tc.name, runs, err, tc.runs, tc.fails)
		}
	}
	if badConn(&commitError{fmt.Errorf("x: %w", driver.ErrBadConn)}) || !badConn(fmt.Errorf("x: %w", driver.ErrBadConn)) {
		t.Error("badConn misjudges a wrapped commit error or a wrapped ErrBadConn")
	}
}
