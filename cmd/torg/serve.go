package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"torg/internal/api"
	"torg/internal/backup"
	"torg/internal/exchange"
	"torg/internal/kkmtransfer"
	"torg/internal/metrics"
	"torg/internal/store"
	"torg/internal/web"
	"torg/internal/webhooks"
)

// serveConfig is the configuration of torg serve (docs/API.md, «Processes»).
type serveConfig struct {
	listen            string
	db                string
	adminToken        string
	kkmTransferEvery  time.Duration
	claimTTL          time.Duration
	logFormat         string
	secureCookies     bool
	trustForwardedFor bool
	metricsListen     string
	webhooks          webhooks.Config
	ready             func(url string) // told where the server listens, once it does; may be nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := newFlags("serve", stderr)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "address to serve on")
	fs.StringVar(&cfg.db, "db", "sqlite:torg.db", "database: sqlite:PATH (embedded) or postgres://…")
	fs.StringVar(&cfg.adminToken, "admin-token", "", "a bearer token with every right (without it, the first start prints one)")
	fs.DurationVar(&cfg.kkmTransferEvery, "kkm-transfer-every", time.Minute, "period of the scheduled KKMTransfer run; 0 turns it off")
	fs.DurationVar(&cfg.claimTTL, "claim-ttl", 10*time.Minute, "how long a register's claim on an order lives without renewal")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&cfg.secureCookies, "secure-cookies", false, "web UI cookies are Secure and __Host- prefixed (serve behind an HTTPS proxy)")
	fs.BoolVar(&cfg.trustForwardedFor, "trust-forwarded-for", false, "count failed web logins under the last X-Forwarded-For address (only behind a proxy that sets it)")
	fs.StringVar(&cfg.metricsListen, "metrics-listen", "", "also serve GET /metrics, without a token, on this address (for a Prometheus on a private network)")
	fs.BoolVar(&cfg.webhooks.AllowPrivate, "webhooks-allow-private", false, "let webhooks name loopback and private addresses (a receiver on the same network)")
	fs.DurationVar(&cfg.webhooks.Timeout, "webhooks-timeout", 10*time.Second, "how long a webhook receiver has to answer one delivery")
	fs.DurationVar(&cfg.webhooks.FirstRetry, "webhooks-first-retry", 10*time.Second, "the wait after a webhook delivery's first failure, doubled after each next one up to an hour")
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.webhooks.Timeout <= 0 || cfg.webhooks.FirstRetry <= 0 {
		return errors.New("--webhooks-timeout and --webhooks-first-retry must be positive")
	}
	if cfg.kkmTransferEvery < 0 || cfg.claimTTL <= 0 {
		return errors.New("--kkm-transfer-every must not be negative and --claim-ttl must be positive")
	}
	log, err := newLogger(cfg.logFormat, stderr)
	if err != nil {
		return err
	}
	return runServer(ctx, cfg, log, stdout)
}

// runServer opens and migrates the database, serves until ctx ends, then drains and exits.
func runServer(ctx context.Context, cfg serveConfig, log *slog.Logger, stdout io.Writer) error {
	hub := exchange.NewHub()
	st, err := openStore(ctx, cfg.db, log, store.OnPackages(func(registerIDs []string) {
		metrics.RegistersWoken(len(registerIDs))
		hub.Wake(registerIDs)
	}))
	if err != nil {
		return err
	}
	defer st.Close()
	if path, ok := strings.CutPrefix(cfg.db, "sqlite:"); ok { // a restore must not replace it under us
		release, err := backup.Hold(path)
		if err != nil {
			return err
		}
		defer release()
	}
	if st.Dialect() == "sqlite" { // the only process on its database: a running key is a dead one's
		if err := st.ReleaseRunningIdempotent(ctx); err != nil {
			return err
		}
	}
	if cfg.adminToken == "" {
		if err := printBootstrapToken(ctx, st, stdout); err != nil {
			return err
		}
	}
	kkm := kkmtransfer.New(st, log, cfg.kkmTransferEvery)
	dbMetrics := metrics.Database(st, log)
	srv := api.New(api.Config{Store: st, Log: log, AdminToken: cfg.adminToken, ClaimTTL: cfg.claimTTL, Hub: hub, KKM: kkm, Metrics: dbMetrics,
		WebhooksAllowPrivate: cfg.webhooks.AllowPrivate})
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	if cfg.metricsListen != "" {
		stopMetrics, err := serveMetrics(cfg.metricsListen, metrics.Handler(dbMetrics), log, stdout)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopMetrics()
	}
	ui := web.New(web.Config{Store: st, Log: log, KKM: kkm, SecureCookies: cfg.secureCookies, WebhooksAllowPrivate: cfg.webhooks.AllowPrivate,
		TrustForwardedFor: cfg.trustForwardedFor})
	httpSrv := newHTTPServer(srv.Handler(ui.Handler()), log)
	jobs, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { purgeIdempotencyKeys(jobs, st, log) })
	wg.Go(func() { releaseLapsedClaims(jobs, st, log, 5*time.Second) })
	wg.Go(func() { kkm.Schedule(jobs) })
	wg.Go(func() { webhooks.New(st, log, cfg.webhooks).Run(jobs) })
	if st.Dialect() == "postgres" {
		listening := make(chan struct{})
		wg.Go(func() { hub.ListenPostgres(jobs, cfg.db, store.NotifyChannel, st.Heard, log, listening) })
		select { // registers waiting here must hear of packages committed by other processes
		case <-listening:
		case <-time.After(10 * time.Second):
			log.Warn("not yet listening for other processes' packages; long polls may wake late")
		}
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	srv.SetReady(true)
	log.Info("serving", "addr", ln.Addr().String(), "db", st.Dialect())
	fmt.Fprintf(stdout, "torg: listening on http://%s\n", ln.Addr())
	if cfg.ready != nil {
		cfg.ready("http://" + ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		stopJobs()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests, then jobs")
	srv.SetReady(false)
	srv.Drain()
	ui.Drain()
	drain, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(drain)
	stopJobs()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// serveMetrics serves GET /metrics alone, without a token, on its own address until stop is called.
func serveMetrics(addr string, h http.Handler, log *slog.Logger, stdout io.Writer) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := newHTTPServer(mux, log)
	go srv.Serve(ln)
	fmt.Fprintf(stdout, "torg: metrics on http://%s/metrics\n", ln.Addr())
	return func() { srv.Close() }, nil
}

// openStore opens the database and brings its schema up to date; the caller closes it.
func openStore(ctx context.Context, dsn string, log *slog.Logger, opts ...store.Option) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx, log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// newHTTPServer sets the timeouts that protect the server from slow clients.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second, // above the longest long poll
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// printBootstrapToken prints the admin token made on the database's first start, once.
func printBootstrapToken(ctx context.Context, st *store.Store, stdout io.Writer) error {
	var secret string
	err := st.Update(ctx, func(tx *store.Tx) (err error) {
		secret, err = tx.BootstrapAdminToken(ctx)
		return err
	})
	if err != nil || secret == "" {
		return err
	}
	fmt.Fprintf(stdout, "torg: first start: an admin token was made; it is shown only this once:\n\n    %s\n\n", secret)
	return nil
}

// purgeIdempotencyKeys deletes idempotency keys older than 48 hours, every hour until ctx ends.
func purgeIdempotencyKeys(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := st.PurgeIdempotent(ctx, time.Now().Add(-48*time.Hour))
		if err != nil && ctx.Err() == nil {
			log.Warn("purging idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "torg: the database is up to date")
	return nil
}
