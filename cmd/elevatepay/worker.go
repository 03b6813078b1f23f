package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store"
	"github.com/elevatepay/elevatepay/store/sqlstore"
)

// runWorker runs the durable jobs of the database without the HTTP API, so API and worker
// processes scale separately on one PostgreSQL database (serve runs workers too, unless
// --workers=false).
func runWorker(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("worker")
	var cfg config
	cfg.bind(fs, getenv)
	logLevel := logLevelFlag(fs, getenv)
	metricsAddr := fs.String("metrics-addr", getenv("ELEVATEPAY_METRICS_ADDR"), "serve Prometheus metrics (the jobs', Go's, the process's) at http://ADDR/metrics; empty: none (env ELEVATEPAY_METRICS_ADDR)")
	providersFile := fs.String("providers", getenv("ELEVATEPAY_PROVIDERS"), "YAML file of payment provider credentials, as serve's (env ELEVATEPAY_PROVIDERS)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	_, adapters, err := loadProviders(*providersFile, getenv)
	if err != nil {
		return err
	}
	var ln net.Listener
	if *metricsAddr != "" {
		if err := checkAddr(*metricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		var err error
		if ln, err = net.Listen("tcp", *metricsAddr); err != nil {
			return listenError(*metricsAddr, err)
		}
		defer ln.Close()
	}
	level, err := parseLogLevel(*logLevel)
	if err != nil {
		return err
	}
	if err := checkDatabase(cfg.database); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	svc := &service.Service{Store: st, Providers: adapters}
	q, err := openQueue(ctx, st, cfg, logger, true, reg, registerWorkers(svc))
	if err != nil {
		return err
	}
	defer stopQueue(q, logger)
	logger.Info("working jobs", "database", st.Engine(), "version", versionString())
	fmt.Fprintf(stdout, "elevatepay worker running (database: %s)\n", st.Engine())
	if ln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		hs := &http.Server{Handler: mux, MaxHeaderBytes: maxHeaderBytes, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
		go hs.Serve(ln)
		defer hs.Close()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", ln.Addr())
	}
	<-ctx.Done()
	logger.Info("shutting down: finishing the jobs under way")
	return nil
}

// openQueue opens and starts the store's job queue: with workers (and the periodic tasks) when
// work is set, insert-only otherwise.
func openQueue(ctx context.Context, st *sqlstore.DB, cfg config, logger *slog.Logger, work bool, reg prometheus.Registerer, register func(*river.Workers)) (*jobs.Queue, error) {
	// River reports every few seconds at level INFO; below WARN only when the server's own level
	// is DEBUG.
	riverLog := slog.New(floorHandler{logger.Handler(), slog.LevelWarn}).With("component", "jobs")
	if logger.Enabled(ctx, slog.LevelDebug) {
		riverLog = logger.With("component", "jobs")
	}
	jc := jobs.Config{Logger: riverLog, Work: work, Periodic: periodicTasks(st, logger), Metrics: reg, Register: register}
	if st.Engine() == "postgres" {
		jc.ListenURL = cfg.database
	}
	q, err := jobs.Open(ctx, st, jc)
	if err != nil {
		return nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return q, nil
}

// stopQueue stops the workers, giving the jobs under way up to 30 s to finish.
func stopQueue(q *jobs.Queue, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		logger.Warn("stop jobs", "error", err.Error())
	}
}

// periodicTasks is the periodic work of every worker process (run once per interval across
// them all).
func periodicTasks(st store.Store, logger *slog.Logger) []jobs.Periodic {
	return []jobs.Periodic{{
		Name:  "purge_idempotency_keys",
		Every: time.Hour,
		Run: func(ctx context.Context) error {
			before := time.Now().Add(-httpapi.IdempotencyRetention).Unix()
			var n int64
			err := st.Tx(ctx, func(tx store.Tx) (err error) { n, err = tx.IdempotencyPurge(before); return err })
			if err == nil && n > 0 {
				logger.Info("purged idempotency keys past their retention", "keys", n)
			}
			return err
		},
	}}
}

// logLevelFlag registers --log-level (env ELEVATEPAY_LOG_LEVEL) of serve and worker.
func logLevelFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("log-level", env(getenv, "ELEVATEPAY_LOG_LEVEL", "info"), "debug, info, warn or error (env ELEVATEPAY_LOG_LEVEL)")
}

// parseBool reads a boolean flag's environment default.
func parseBool(name, v string, def bool) (bool, error) {
	if strings.TrimSpace(v) == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, got %q", name, v)
	}
	return b, nil
}

// floorHandler passes on records at min or above only.
type floorHandler struct {
	slog.Handler
	min slog.Level
}

func (h floorHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h floorHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return floorHandler{h.Handler.WithAttrs(as), h.min}
}

func (h floorHandler) WithGroup(name string) slog.Handler {
	return floorHandler{h.Handler.WithGroup(name), h.min}
}
