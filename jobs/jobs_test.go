package jobs_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"

	"github.com/elevatepay/elevatepay/internal/jobtest"
	"github.com/elevatepay/elevatepay/internal/testdb"
	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// echoArgs is a test job: its worker records the job's token.
type echoArgs struct {
	Token string `json:"token"`
}

func (echoArgs) Kind() string { return "test_echo" }

type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	mu   sync.Mutex
	seen map[string]int
	ran  chan string
}

func (w *echoWorker) Work(ctx context.Context, job *river.Job[echoArgs]) error {
	w.mu.Lock()
	w.seen[job.Args.Token]++
	w.mu.Unlock()
	w.ran <- job.Args.Token
	return nil
}

func newEcho() *echoWorker { return &echoWorker{seen: map[string]int{}, ran: make(chan string, 1024)} }

func (w *echoWorker) count(token string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[token]
}

// engine is one store to test on, and the URL its listener connects with (PostgreSQL).
type engine struct {
	name string
	open func(t *testing.T) (*sqlstore.DB, string)
}

var engines = []engine{
	{"sqlite", func(t *testing.T) (*sqlstore.DB, string) { return testdb.SQLite(t), "" }},
	{"postgres", func(t *testing.T) (*sqlstore.DB, string) {
		url := testdb.PostgresSchemaURL(t)
		return testdb.PostgresAt(t, url), url
	}},
}

func start(t *testing.T, st *sqlstore.DB, cfg jobs.Config) *jobs.Queue {
	return jobtest.Start(t, st, cfg)
}

func waitFor(t *testing.T, ran <-chan string, token string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-ran:
			if got == token {
				return
			}
		case <-deadline:
			t.Fatalf("job %q was not worked within 15 s", token)
		}
	}
}

// TestEnqueueIsTransactional: a job enqueued in a store transaction is worked once that
// transaction commits, and never when it rolls back; on both engines.
func TestEnqueueIsTransactional(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			st, url := e.open(t)
			echo := newEcho()
			start(t, st, jobs.Config{Work: true, ListenURL: url, PollInterval: 200 * time.Millisecond,
				Register: func(w *river.Workers) { river.AddWorker(w, echo) }})
			ctx := context.Background()

			errRollback := errors.New("roll back")
			if err := st.Tx(ctx, func(tx store.Tx) error {
				if err := tx.Enqueue(echoArgs{Token: "rolled-back"}); err != nil {
					return err
				}
				return errRollback
			}); !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
			if err := st.Tx(ctx, func(tx store.Tx) error {
				if _, err := tx.SetSettingIfAbsent("with-job", "1"); err != nil {
					return err
				}
				return tx.Enqueue(echoArgs{Token: "committed"})
			}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, echo.ran, "committed")
			time.Sleep(500 * time.Millisecond) // more than two polls: a rolled-back job would have run by now
			if n := echo.count("rolled-back"); n != 0 {
				t.Errorf("the job of a rolled-back transaction ran %d times", n)
			}
			var jobsLeft int
			// River keeps a completed job's row for a day: the committed job's is the only one.
			if err := st.SQL().QueryRowContext(ctx, "SELECT count(*) FROM river_job WHERE kind = 'test_echo'").Scan(&jobsLeft); err != nil || jobsLeft != 1 {
				t.Errorf("job rows: %d, %v; want the committed job's only", jobsLeft, err)
			}
		})
	}
}

// TestPeriodicRunsOnStartAndOnSchedule: a periodic task runs when the workers start and then
// every interval.
func TestPeriodicRunsOnStartAndOnSchedule(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			st, url := e.open(t)
			var runs atomic.Int64
			start(t, st, jobs.Config{Work: true, ListenURL: url, PollInterval: 100 * time.Millisecond,
				Periodic: []jobs.Periodic{{Name: "tick", Every: time.Second, Run: func(context.Context) error { runs.Add(1); return nil }}}})
			deadline := time.Now().Add(20 * time.Second)
			for runs.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if runs.Load() < 2 {
				t.Fatalf("the periodic task ran %d times in 20 s, want it on start and again after 1 s", runs.Load())
			}
		})
	}
}

// TestTwoProcessesWorkEachJobOnce: two queues with workers on one PostgreSQL database (two
// processes' worth: each its own River client and listener) share the jobs; each is worked
// exactly once.
func TestTwoProcessesWorkEachJobOnce(t *testing.T) {
	t.Parallel()
	url := testdb.PostgresSchemaURL(t)
	a, b := testdb.PostgresAt(t, url), testdb.PostgresAt(t, url)
	ea, eb := newEcho(), newEcho()
	for _, p := range []struct {
		st   *sqlstore.DB
		echo *echoWorker
	}{{a, ea}, {b, eb}} {
		start(t, p.st, jobs.Config{Work: true, ListenURL: url, PollInterval: 200 * time.Millisecond,
			Register: func(w *river.Workers) { river.AddWorker(w, p.echo) }})
	}
	ctx := context.Background()
	const n = 60
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = "job-" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		st := a
		if i%2 == 1 {
			st = b
		}
		if err := st.Tx(ctx, func(tx store.Tx) error { return tx.Enqueue(echoArgs{Token: tokens[i]}) }); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		done := 0
		for _, tok := range tokens {
			if ea.count(tok)+eb.count(tok) > 0 {
				done++
			}
		}
		if done == n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	byA, byB := 0, 0
	for _, tok := range tokens {
		ca, cb := ea.count(tok), eb.count(tok)
		if ca+cb != 1 {
			t.Errorf("job %s worked %d times (%d by one process, %d by the other)", tok, ca+cb, ca, cb)
		}
		byA += ca
		byB += cb
	}
	t.Logf("worked by the first process: %d, by the second: %d", byA, byB)
}

// flakyArgs fails its first attempt, then completes; "cancel" cancels itself.
type flakyArgs struct {
	Mode string `json:"mode"`
}

func (flakyArgs) Kind() string { return "test_flaky" }

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	done chan string
}

func (w *flakyWorker) NextRetry(*river.Job[flakyArgs]) time.Time { return time.Now() }

func (w *flakyWorker) Work(ctx context.Context, job *river.Job[flakyArgs]) error {
	switch {
	case job.Args.Mode == "cancel":
		w.done <- "cancel"
		return river.JobCancel(errors.New("not wanted"))
	case job.Attempt == 1:
		return errors.New("first attempt fails")
	}
	w.done <- "retried"
	return nil
}

// TestJobMetrics: every attempt is counted by kind and outcome, and timed.
func TestJobMetrics(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			st, url := e.open(t)
			reg := prometheus.NewRegistry()
			w := &flakyWorker{done: make(chan string, 8)}
			start(t, st, jobs.Config{Work: true, ListenURL: url, PollInterval: 100 * time.Millisecond, Metrics: reg,
				Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})
			ctx := context.Background()
			for _, mode := range []string{"retry", "cancel"} {
				if err := st.Tx(ctx, func(tx store.Tx) error { return tx.Enqueue(flakyArgs{Mode: mode}) }); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string]bool{}
			deadline := time.After(20 * time.Second)
			for len(got) < 2 {
				select {
				case m := <-w.done:
					got[m] = true
				case <-deadline:
					t.Fatalf("worked only %v in 20 s", got)
				}
			}
			want := map[string]float64{"completed": 1, "retried": 1, "cancelled": 1}
			deadline2 := time.Now().Add(5 * time.Second) // the middleware counts after the worker returns
			for {
				ok := true
				for outcome, n := range want {
					if v := jobsTotal(t, reg, "test_flaky", outcome); v != n {
						ok = false
					}
				}
				if ok || time.Now().After(deadline2) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			for outcome, n := range want {
				if v := jobsTotal(t, reg, "test_flaky", outcome); v != n {
					t.Errorf("elevatepay_jobs_total{kind=test_flaky,outcome=%s} = %v, want %v", outcome, v, n)
				}
			}
			if n := testutil.CollectAndCount(reg, "elevatepay_job_duration_seconds"); n == 0 {
				t.Error("no job durations")
			}
		})
	}
}

// jobsTotal is one series of elevatepay_jobs_total in reg (0 when absent).
func jobsTotal(t *testing.T, reg *prometheus.Registry, kind, outcome string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "elevatepay_jobs_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["kind"] == kind && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// blockArgs is a job whose worker, in the helper process, reports that it started and never
// returns; in the test's own process it completes.
type blockArgs struct {
	Token string `json:"token"`
}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started func(token string, attempt int)
	block   bool
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started(job.Args.Token, job.Attempt)
	if w.block {
		select {} // until the process is killed
	}
	return nil
}

// TestHelperWorkerProcess is the worker process TestKilledWorkerJobIsRescued kills: it runs only
// when that test starts it.
func TestHelperWorkerProcess(t *testing.T) {
	engine, target := os.Getenv("ELEVATEPAY_JOBS_HELPER"), os.Getenv("ELEVATEPAY_JOBS_HELPER_DB")
	if engine == "" {
		t.Skip("run by TestKilledWorkerJobIsRescued")
	}
	var st *sqlstore.DB
	if engine == "sqlite" {
		st = testdb.SQLiteAt(t, target)
	} else {
		st = testdb.PostgresAt(t, target)
	}
	q, err := jobs.Open(context.Background(), st, jobs.Config{Work: true, PollInterval: 100 * time.Millisecond, JobTimeout: time.Hour, RescueAfter: 2 * time.Hour,
		Register: func(w *river.Workers) {
			river.AddWorker(w, &blockWorker{block: true, started: func(token string, attempt int) { fmt.Printf("started %s %d\n", token, attempt) }})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {}
}

// TestKilledWorkerJobIsRescued: a worker process killed (SIGKILL) while it works a job loses
// nothing: once the job has been running longer than RescueAfter, another process's workers
// run it again; on both engines.
func TestKilledWorkerJobIsRescued(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's rescuer (every 30 s)")
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			var st *sqlstore.DB
			var target, url string
			if e.name == "sqlite" {
				target = filepath.Join(t.TempDir(), "kill.db")
				st = testdb.SQLiteAt(t, target)
			} else {
				url = testdb.PostgresSchemaURL(t)
				target, st = url, testdb.PostgresAt(t, url)
			}
			if err := jobs.Migrate(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			child := exec.Command(exe, "-test.run=^TestHelperWorkerProcess$", "-test.v")
			child.Env = append(os.Environ(), "ELEVATEPAY_JOBS_HELPER="+e.name, "ELEVATEPAY_JOBS_HELPER_DB="+target)
			stdout, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			child.Stderr = os.Stderr
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			defer child.Process.Kill()
			ctx := context.Background()
			// An insert-only queue, as an API process has, enqueues the job.
			if _, err := jobs.Open(ctx, st, jobs.Config{}); err != nil {
				t.Fatal(err)
			}
			if err := st.Tx(ctx, func(tx store.Tx) error { return tx.Enqueue(blockArgs{Token: "survivor"}) }); err != nil {
				t.Fatal(err)
			}
			started := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					if strings.HasPrefix(sc.Text(), "started ") {
						started <- sc.Text()
					}
				}
			}()
			select {
			case line := <-started:
				if line != "started survivor 1" {
					t.Fatalf("the helper reported %q", line)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the helper process did not start the job within 30 s")
			}
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()

			// Another process's workers, with a short rescue time, take it over.
			reran := make(chan int, 4)
			start(t, st, jobs.Config{Work: true, ListenURL: url, PollInterval: 100 * time.Millisecond, JobTimeout: time.Second, RescueAfter: 2 * time.Second,
				Register: func(w *river.Workers) {
					river.AddWorker(w, &blockWorker{started: func(_ string, attempt int) { reran <- attempt }})
				}})
			select {
			case attempt := <-reran:
				if attempt != 2 {
					t.Errorf("the rescued job ran as attempt %d, want 2", attempt)
				}
			case <-time.After(90 * time.Second):
				t.Fatal("the killed worker's job was not run again within 90 s")
			}
		})
	}
}
