package jobs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// maxKinds bounds the kind label: job kinds are our own types, but a database row names its
// kind, and the label must not grow with whatever a row says.
const maxKinds = 64

// jobMetrics counts the jobs a process works, by kind and outcome, and times them.
type jobMetrics struct {
	jobs     *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu    sync.Mutex
	kinds map[string]bool
}

func newJobMetrics(reg prometheus.Registerer) (*jobMetrics, error) {
	m := &jobMetrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elevatepay_jobs_total",
			Help: "Durable jobs worked by this process, by kind and outcome (completed, retried, discarded after its last attempt, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "elevatepay_job_duration_seconds",
			Help:    "Time working one attempt of a durable job, by kind.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"kind"}),
		kinds: map[string]bool{},
	}
	for _, c := range []prometheus.Collector{m.jobs, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// middleware observes every attempt River works.
func (m *jobMetrics) middleware() rivertype.WorkerMiddleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		start := time.Now()
		err := doInner(ctx)
		kind := m.kind(job.Kind)
		m.jobs.WithLabelValues(kind, outcome(job, err)).Inc()
		m.duration.WithLabelValues(kind).Observe(time.Since(start).Seconds())
		return err
	})
}

// kind is the label of a job kind: the kind itself for the first maxKinds seen, "other" after.
func (m *jobMetrics) kind(k string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.kinds[k] {
		return k
	}
	if len(m.kinds) >= maxKinds {
		return "other"
	}
	m.kinds[k] = true
	return k
}

// outcome names what an attempt's error makes of the job.
func outcome(job *rivertype.JobRow, err error) string {
	var cancel *rivertype.JobCancelError
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
		return "completed"
	case errors.As(err, &cancel):
		return "cancelled"
	case errors.As(err, &snooze):
		return "snoozed"
	case job.Attempt >= job.MaxAttempts:
		return "discarded"
	}
	return "retried"
}
