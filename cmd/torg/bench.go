package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"torg/internal/bench"
)

// benchConfig is the configuration of torg bench, beyond the scenarios' own.
type benchConfig struct {
	bench.Config
	server, serverLog string
	servers           int // torg serve processes to start on the one database
	json, keep        bool
}

// benchCmd runs the load and latency benchmarks (BENCHMARKS.md) against a torg serve it starts as a
// child process on a fresh database, or against a running one (--server).
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := benchFlags(args, stderr)
	if err != nil {
		return err
	}
	raiseFileLimit()
	stop, err := benchServer(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	cfg.Progress = stderr
	rep, runErr := bench.Run(ctx, cfg.Config)
	if err := stop(); err != nil && runErr == nil {
		runErr = err
	}
	if rep != nil {
		if cfg.json {
			err = rep.WriteJSON(stdout)
		} else {
			err = rep.WriteTable(stdout)
		}
	}
	return errors.Join(runErr, err)
}

func benchFlags(args []string, stderr io.Writer) (*benchConfig, error) {
	cfg := &benchConfig{}
	fs := newFlags("bench", stderr)
	fs.StringVar(&cfg.DB, "db", "", "database: sqlite:PATH (a new file; default a temporary one) or postgres://… (a fresh schema is made in it)")
	fs.StringVar(&cfg.server, "server", "", "the URL of a running torg serve to measure, instead of starting one; several,"+
		" comma-separated, serving one PostgreSQL database, take the requests in turns")
	fs.IntVar(&cfg.servers, "servers", 1, "torg serve processes to start on the database (PostgreSQL for more than one); the requests take turns")
	fs.StringVar(&cfg.AdminToken, "admin-token", "", "with --server: its admin token")
	scenarios := fs.String("scenario", "all", "scenarios to run, comma-separated: "+strings.Join(bench.Scenarios, ","))
	fs.IntVar(&cfg.Clients, "clients", 8, "intake: clients at once; sale: registers selling at once")
	fs.IntVar(&cfg.Orders, "orders", 20000, "intake and ceiling: orders to make")
	registers := fs.String("registers", "1000,5000", "fan-out: numbers of waiting registers, comma-separated")
	fs.IntVar(&cfg.FanoutOrders, "fanout-orders", 10, "fan-out: orders posted to every register, one after another")
	fs.IntVar(&cfg.Sales, "sales", 5000, "sale: orders to sell")
	fs.IntVar(&cfg.Transactions, "transactions", 100000, "kkm-transfer: waiting transactions to process")
	fs.BoolVar(&cfg.json, "json", false, "print the results as JSON instead of a table")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the database the benchmark made")
	fs.StringVar(&cfg.serverLog, "server-log", "", "write the started server's log to this file (default: discarded)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if *scenarios != "all" {
		cfg.Scenarios = strings.Split(*scenarios, ",")
	}
	for _, s := range strings.Split(*registers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("--registers %q: want numbers separated by commas", *registers)
		}
		cfg.Registers = append(cfg.Registers, n)
	}
	if cfg.servers < 1 || cfg.servers > 1 && (cfg.server != "" || !strings.HasPrefix(cfg.DB, "postgres")) {
		return nil, errors.New("--servers: more than one is started only on a PostgreSQL --db, and not with --server")
	}
	if cfg.server != "" && cfg.AdminToken == "" {
		return nil, errors.New("--server needs the server's --admin-token")
	}
	return cfg, nil
}

// benchServer points cfg at the server to measure: the running one named by --server, or a torg
// serve started here on a fresh database. It returns the function that stops the server and
// removes the database, unless --keep.
func benchServer(ctx context.Context, cfg *benchConfig, stderr io.Writer) (stop func() error, err error) {
	cfg.Dialect = "sqlite"
	if strings.HasPrefix(cfg.DB, "postgres") {
		cfg.Dialect = "postgres"
	}
	if cfg.server != "" {
		urls := strings.Split(cfg.server, ",")
		for i, u := range urls {
			urls[i] = strings.TrimRight(strings.TrimSpace(u), "/")
		}
		cfg.URL = strings.Join(urls, ",")
		return func() error { return nil }, cfg.Check()
	}
	drop, err := benchDatabase(ctx, cfg, stderr)
	if err != nil {
		return nil, err
	}
	if err := cfg.Check(); err != nil {
		drop()
		return nil, err
	}
	logw, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if cfg.serverLog != "" {
		logw, err = os.Create(cfg.serverLog)
	}
	if err != nil {
		drop()
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		drop()
		return nil, err
	}
	token := make([]byte, 16)
	rand.Read(token)
	cfg.AdminToken = "bench-" + hex.EncodeToString(token)
	var servers []*bench.Server
	stopAll := func() error {
		var err error
		for _, srv := range servers {
			err = errors.Join(err, srv.Stop())
		}
		logw.Close()
		return errors.Join(err, drop())
	}
	var urls []string
	for range cfg.servers {
		srv, err := bench.StartServer(ctx, exe, cfg.DB, cfg.AdminToken, logw)
		if err != nil {
			stopAll()
			return nil, err
		}
		servers = append(servers, srv)
		urls = append(urls, srv.URL)
		fmt.Fprintf(stderr, "torg bench: started torg serve (pid %d) on %s, %s database\n", srv.PID, srv.URL, cfg.Dialect)
	}
	cfg.URL = strings.Join(urls, ",")
	if len(servers) == 1 { // with more, their CPU and memory are not reported
		cfg.PID = servers[0].PID
	}
	return stopAll, nil
}

// benchDatabase makes the database the started server uses: a temporary SQLite file by default, the
// new file --db names, or a fresh schema in the PostgreSQL database --db names. It returns the
// function that removes what it made, unless --keep.
func benchDatabase(ctx context.Context, cfg *benchConfig, stderr io.Writer) (drop func() error, err error) {
	keep := func(what string) func() error {
		return func() error {
			fmt.Fprintf(stderr, "torg bench: kept %s\n", what)
			return nil
		}
	}
	switch {
	case cfg.DB == "":
		dir, err := os.MkdirTemp("", "torg-bench-*")
		if err != nil {
			return nil, err
		}
		cfg.DB = "sqlite:" + filepath.Join(dir, "torg.db")
		if cfg.keep {
			return keep(cfg.DB), nil
		}
		return func() error { return os.RemoveAll(dir) }, nil
	case strings.HasPrefix(cfg.DB, "sqlite:"):
		if _, err := os.Stat(strings.TrimPrefix(cfg.DB, "sqlite:")); !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("--db %s: the benchmark fills a new database; name a file that does not exist", cfg.DB)
		}
		return keep(cfg.DB), nil
	}
	fresh, dropSchema, err := bench.FreshDatabase(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	cfg.DB = fresh
	if cfg.keep {
		return keep(fresh), nil
	}
	return dropSchema, nil
}

// raiseFileLimit lets this process, and the server it starts, hold one connection per waiting
// register: the soft limit of open files goes up to the hard one.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}
