package jobs

import (
	"math"
	"math/rand/v2"
	"time"
)

// The retry schedule of jobs that call a payment provider (spec §6.16): ProviderMaxAttempts
// attempts in all; the gaps between them grow geometrically from 30 s after the first failure
// to 1 h before the last attempt (30 s, 67 s, 2.5 min, 5.5 min, 12 min, 27 min, 1 h), each
// ±10 %. After the last attempt fails the job is discarded and its payment becomes UNSENT (its
// refund CANCELLED).
const (
	ProviderMaxAttempts = 8
	firstRetry          = 30 * time.Second
	lastRetry           = time.Hour
)

// ProviderRetryAfter is the wait after failed attempt n (1-based) of a provider job.
func ProviderRetryAfter(n int) time.Duration {
	n = min(max(n, 1), ProviderMaxAttempts-1)
	ratio := float64(lastRetry) / float64(firstRetry)
	d := float64(firstRetry) * math.Pow(ratio, float64(n-1)/float64(ProviderMaxAttempts-2))
	return time.Duration(d * (0.9 + 0.2*rand.Float64()))
}
