// Package jobs is elevatepay's durable job queue: River on the store's own database, so a job
// is inserted in the same transaction as the rows it acts on (store.Tx.Enqueue) and exists
// exactly when that transaction commits.
//
// PostgreSQL uses River's database/sql driver on the store's pool (River's pgx driver cannot take
// the store's *sql.Tx, ../shared/research/providers-facts.md §3), with a pgx listener connection
// for LISTEN/NOTIFY when a URL is given, so a job inserted by any process is picked up at once;
// without one, workers poll. SQLite uses River's SQLite driver on the store's one write
// connection, so River's writes queue with the store's instead of meeting them in SQLite's lock.
//
// The queue's tables are River's own (river_job, river_leader, …), created by Migrate beside the
// store's, under the same lock on PostgreSQL. Periodic work (Config.Periodic) is inserted by the
// elected leader only, so it runs once per interval however many processes run workers.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// Config configures a Queue.
type Config struct {
	Logger *slog.Logger // nil: discard

	// Work makes the queue run workers (serve, worker); false makes it insert-only.
	Work bool
	// MaxWorkers is how many jobs one process works at once (default 10).
	MaxWorkers int
	// Register adds the workers of the job kinds this process runs (every kind a process may
	// insert must be registered where jobs are worked).
	Register func(*river.Workers)
	// Periodic lists work run every so often, once across all processes.
	Periodic []Periodic

	// ListenURL, on PostgreSQL, is the store's database URL: a connection of its own listens for
	// River's notifications, so new jobs are worked at once instead of at the next poll. Empty:
	// poll only.
	ListenURL string
	// PollInterval is how often workers look for jobs they were not told about (default 1 s).
	PollInterval time.Duration
	// Metrics, when set, receives the counts and times of the jobs this process works
	// (elevatepay_jobs_total, elevatepay_job_duration_seconds).
	Metrics prometheus.Registerer

	// JobTimeout bounds one attempt of a job (default 5 min): its context ends then.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it counts as abandoned — its
	// process died (kill -9, a crash, a lost machine) — and is run again (default 15 min; more
	// than JobTimeout). River looks for such jobs every 30 s.
	RescueAfter time.Duration
}

// The defaults of Config.JobTimeout and Config.RescueAfter.
const (
	DefaultJobTimeout  = 5 * time.Minute
	DefaultRescueAfter = 15 * time.Minute
)

// Periodic is work run every Every, by one process (River's elected leader), and once when that
// leader starts.
type Periodic struct {
	Name  string // unique, for logs and the job's arguments
	Every time.Duration
	Run   func(ctx context.Context) error
}

// periodicArgs is the job of a Periodic.
type periodicArgs struct {
	Name string `json:"name"`
}

func (periodicArgs) Kind() string { return "periodic" }

type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	runs map[string]Periodic
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodicArgs]) error {
	p, ok := w.runs[job.Args.Name]
	if !ok {
		// A job of a periodic task this version no longer has: done, nothing to run.
		return river.JobCancel(fmt.Errorf("no periodic task %q", job.Args.Name))
	}
	return p.Run(ctx)
}

// Queue is the job queue of one store; it implements store.Queue.
type Queue struct {
	client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool // PostgreSQL LISTEN connections; nil: none
	work     bool
}

// driver returns River's driver for the store's engine.
func driver(st *sqlstore.DB, listener *pgxpool.Pool) (riverdriver.Driver[*sql.Tx], error) {
	switch st.Engine() {
	case "postgres":
		if listener != nil {
			return riverdatabasesql.NewWithPgxListener(st.SQL(), listener), nil
		}
		return riverdatabasesql.New(st.SQL()), nil
	case "sqlite":
		return riversqlite.New(st.SQL()), nil
	}
	return nil, fmt.Errorf("jobs: no River driver for engine %q", st.Engine())
}

// Migrate creates or updates River's tables in the store's database; River applies each of its
// migrations in a transaction of its own (one uses an enum value an earlier one adds, which
// PostgreSQL refuses within one transaction). On PostgreSQL it holds a session advisory lock
// meanwhile, so processes starting together take turns; on SQLite each transaction takes the
// write lock.
func Migrate(ctx context.Context, st *sqlstore.DB) error {
	drv, err := driver(st, nil)
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: discard()})
	if err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	if st.Engine() == "postgres" {
		conn, err := st.SQL().Conn(ctx)
		if err != nil {
			return fmt.Errorf("jobs: migrations: %w", err)
		}
		defer conn.Close()
		const lock = "hashtext('elevatepay river migrations'), hashtext(current_schema())"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+lock+")"); err != nil {
			return fmt.Errorf("jobs: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+lock+")")
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: apply River migrations: %w", err)
	}
	return nil
}

// Open migrates River's tables and returns the store's queue, not yet started; it also makes the
// store's transactions enqueue through it (Store.UseQueue).
func Open(ctx context.Context, st *sqlstore.DB, cfg Config) (*Queue, error) {
	if err := Migrate(ctx, st); err != nil {
		return nil, err
	}
	q := &Queue{work: cfg.Work}
	if cfg.Work && cfg.ListenURL != "" && st.Engine() == "postgres" {
		pc, err := pgxpool.ParseConfig(cfg.ListenURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: listener URL: %w", err)
		}
		pc.MinConns, pc.MaxConns = 0, 1
		if q.listener, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			return nil, fmt.Errorf("jobs: listener pool: %w", err)
		}
	}
	drv, err := driver(st, q.listener)
	if err != nil {
		q.closeListener()
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = discard()
	}
	rc := &river.Config{
		Logger:            logger,
		FetchPollInterval: cfg.PollInterval,
		PollOnly:          q.listener == nil && st.Engine() == "postgres",
		// The job ids River hands out are its own; the jobs' arguments carry ours.
		JobTimeout:           cmpOrDuration(cfg.JobTimeout, DefaultJobTimeout),
		RescueStuckJobsAfter: cmpOrDuration(cfg.RescueAfter, DefaultRescueAfter),
	}
	if rc.RescueStuckJobsAfter <= rc.JobTimeout {
		q.closeListener()
		return nil, fmt.Errorf("jobs: RescueAfter (%v) must be longer than JobTimeout (%v)", rc.RescueStuckJobsAfter, rc.JobTimeout)
	}
	if cfg.Work {
		workers := river.NewWorkers()
		runs := map[string]Periodic{}
		for _, p := range cfg.Periodic {
			if p.Name == "" || p.Every <= 0 || p.Run == nil {
				q.closeListener()
				return nil, fmt.Errorf("jobs: periodic task %q needs a name, an interval and a function", p.Name)
			}
			if _, dup := runs[p.Name]; dup {
				q.closeListener()
				return nil, fmt.Errorf("jobs: two periodic tasks named %q", p.Name)
			}
			runs[p.Name] = p
		}
		river.AddWorker(workers, &periodicWorker{runs: runs})
		if cfg.Register != nil {
			cfg.Register(workers)
		}
		names := make([]string, 0, len(runs))
		for name := range runs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := runs[name]
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
				func() (river.JobArgs, *river.InsertOpts) {
					return periodicArgs{Name: name}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: p.Every}}
				}, &river.PeriodicJobOpts{ID: name, RunOnStart: true}))
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmpOr(cfg.MaxWorkers, 10)}}
		if cfg.Metrics != nil {
			m, err := newJobMetrics(cfg.Metrics)
			if err != nil {
				q.closeListener()
				return nil, fmt.Errorf("jobs: metrics: %w", err)
			}
			rc.Middleware = append(rc.Middleware, m.middleware())
		}
	}
	client, err := river.NewClient(drv, rc)
	if err != nil {
		q.closeListener()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	st.UseQueue(q)
	return q, nil
}

func cmpOrDuration(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// AddFunc registers fn as the worker of the jobs of kind T.
func AddFunc[T river.JobArgs](w *river.Workers, fn func(ctx context.Context, args T) error) {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[T]) error { return fn(ctx, job.Args) }))
}

// InsertTx inserts job with the store's transaction tx (store.Queue).
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, job store.Job) error {
	if _, err := q.client.InsertTx(ctx, tx, job, nil); err != nil {
		return err
	}
	return nil
}

// Start starts the workers (a no-op for an insert-only queue). They run until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if !q.work {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop lets the jobs being worked finish (until ctx ends, then cancels them) and stops the
// workers; it closes the listener connection.
func (q *Queue) Stop(ctx context.Context) error {
	defer q.closeListener()
	if !q.work {
		return nil
	}
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = q.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// Client is River's client, for tests and tools (subscriptions, job lookups).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

func (q *Queue) closeListener() {
	if q.listener != nil {
		q.listener.Close()
		q.listener = nil
	}
}
