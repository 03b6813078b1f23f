package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/elevatepay/elevatepay/httpapi"
	"github.com/elevatepay/elevatepay/jobs"
	"github.com/elevatepay/elevatepay/service"
	"github.com/elevatepay/elevatepay/store/sqlite"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve")
	var cfg config
	cfg.bind(fs, getenv)
	addr := fs.String("addr", env(getenv, "ELEVATEPAY_ADDR", "127.0.0.1:8080"), "listen address (env ELEVATEPAY_ADDR)")
	demo := fs.Bool("demo", false, "seed demo data into an empty database and print an admin token and example requests")
	logLevel := logLevelFlag(fs, getenv)
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile (go tool pprof) of the whole run to this file, for performance work")
	workersDefault, err := parseBool("ELEVATEPAY_WORKERS", getenv("ELEVATEPAY_WORKERS"), true)
	if err != nil {
		return err
	}
	workers := fs.Bool("workers", workersDefault, "also run the durable jobs' workers; false: API only, with 'elevatepay worker' processes doing the jobs (env ELEVATEPAY_WORKERS)")
	providersFile := fs.String("providers", getenv("ELEVATEPAY_PROVIDERS"), "YAML file of payment provider credentials and sandbox switches, keyed by provider id; env:NAME values are read from the environment (env ELEVATEPAY_PROVIDERS)")
	publicURL := fs.String("public-url", getenv("ELEVATEPAY_PUBLIC_URL"), "base of every URL the server hands out (default http:// and the listen address) (env ELEVATEPAY_PUBLIC_URL)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	level, err := parseLogLevel(*logLevel)
	if err != nil {
		return err
	}
	if err := checkAddr(*addr); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if err := checkPublicURL(*publicURL); err != nil {
		return err
	}
	providers, adapters, err := loadProviders(*providersFile, getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	tuneGC(getenv)

	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if path, ok := sqlitePath(cfg.database); ok {
		warnExposed(logger, path)
	}
	tokens, err := cfg.tokens(ctx, st)
	if err != nil {
		return err
	}
	svc := &service.Service{Store: st, Tokens: tokens, Brand: cfg.brand, Providers: adapters}
	reg := prometheus.NewRegistry() // the API's metrics and the jobs'
	q, err := openQueue(ctx, st, cfg, logger, *workers, reg, registerWorkers(svc))
	if err != nil {
		return err
	}
	defer stopQueue(q, logger)
	srv, err := httpapi.NewServer(httpapi.Config{Service: svc, Store: st, Tokens: tokens, Logger: logger, Registry: reg})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return listenError(*addr, err)
	}
	base := "http://" + ln.Addr().String()
	if *publicURL != "" {
		base = strings.TrimRight(*publicURL, "/")
	}
	logProviders(ctx, logger, st, providers)
	if *demo {
		if err := seedDemo(ctx, svc, tokens, base, cfg.database, stdout); err != nil {
			ln.Close()
			return fmt.Errorf("demo data: %w", err)
		}
		if *providersFile == "" {
			// The demo's providers are sandbox providers, with this run's webhook secret.
			if err := demoSandboxes(ctx, svc, base, stdout); err != nil {
				ln.Close()
				return fmt.Errorf("demo sandbox providers: %w", err)
			}
		}
	}
	hs := &http.Server{Handler: srv, MaxHeaderBytes: maxHeaderBytes, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	logger.Info("listening", "addr", ln.Addr().String(), "database", st.Engine(), "version", versionString())
	fmt.Fprintf(stdout, "elevatepay listening on %s (database: %s)\n", base, st.Engine())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate")
	var cfg config
	cfg.bind(fs, getenv)
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if err := checkDatabase(cfg.database); err != nil {
		return err
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := jobs.Migrate(ctx, st); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations current (%s)\n", st.Engine())
	return nil
}

// warnExposed logs a warning for each file of the SQLite database at path that other users may
// read or write: it holds every payment and, unless --jwt-secret is set, the secret that signs
// tokens (anyone who reads it can mint admin tokens). New files are created 0600.
func warnExposed(log *slog.Logger, path string) {
	exposed, err := sqlite.Exposed(path)
	if err != nil {
		log.Warn("cannot check the permissions of the SQLite database file", "path", path, "error", err.Error())
		return
	}
	files := make([]string, 0, len(exposed))
	for f := range exposed {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		log.Warn(fmt.Sprintf("the SQLite database file %s is readable or writable by other users (mode %v) and holds the token signing secret and all payment data; run: chmod 600 %s", f, exposed[f], f),
			"path", f, "mode", exposed[f].String())
	}
}

// maxHeaderBytes bounds the request line and headers a connection may send (net/http's default
// is 1 MiB): a bearer token is a few hundred bytes, and every open connection may cost this
// much memory. Larger headers are answered 431 by net/http.
const maxHeaderBytes = 64 << 10

// tuneGC makes the collector run less often than Go's default unless GOGC or GOMEMLIMIT is set:
// a request allocates little that outlives it, so the live heap stays small (about 10 MB) and
// collecting at 100 % growth spent 6–9 % of the server's CPU under load (issue 8). GOGC 400 with
// a soft limit of 100 MiB keeps the heap far below the 150 MB the service is held to.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(100 << 20)
	}
}
