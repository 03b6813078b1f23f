package jobs

import (
	"testing"
	"time"
)

// TestProviderRetryAfter: seven gaps between eight attempts, from about 30 s to about 1 h,
// always growing (even with their ±10 %).
func TestProviderRetryAfter(t *testing.T) {
	want := []time.Duration{30 * time.Second, 67 * time.Second, 148 * time.Second, 329 * time.Second, 730 * time.Second, 1621 * time.Second, time.Hour}
	for round := 0; round < 200; round++ {
		var prev time.Duration
		for n := 1; n < ProviderMaxAttempts; n++ {
			d := ProviderRetryAfter(n)
			w := want[n-1]
			if d < w*89/100 || d > w*111/100 {
				t.Fatalf("after attempt %d: %v, want %v ± 10 %%", n, d, w)
			}
			if d <= prev {
				t.Fatalf("after attempt %d: %v, not longer than the gap before (%v)", n, d, prev)
			}
			prev = d
		}
	}
	if d := ProviderRetryAfter(50); d > time.Hour*11/10 {
		t.Errorf("past the last attempt: %v", d)
	}
}
