// Package register is the cash register's agent (`torg register`): it keeps its own embedded store,
// follows its exchange packages from the back office by long poll, serves the cashier screen and a
// local API, fiscalises closed receipts with its fiscal device, and uploads them as transactions
// from a durable outbox until the back office accepts them — exactly once, across restarts and
// outages.
package register

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Config is the agent's configuration (docs/API.md, «The register agent»).
type Config struct {
	Server  string // the back office's URL
	Token   string // the register's token
	Listen  string // address of the cashier screen and local API
	DataDir string // where the local store lives
	Cashier string // the name written on receipts
	Log     *slog.Logger
	Fiscal  FiscalDevice // nil: the built-in emulator
	// PollWait is how long one long poll waits for packages (default 20 s).
	PollWait time.Duration

	// AllowRemote lets Listen be an address other machines can reach (docs/API.md, «The register agent»).
	AllowRemote bool
}

// Agent is a running register agent.
type Agent struct {
	cfg    Config
	log    *slog.Logger
	local  *local
	server *client
	fiscal FiscalDevice
	ln     net.Listener
	hosts  hosts // the Host names the local API answers
	http   *http.Server

	online      atomic.Bool
	lastContact atomic.Int64 // when the back office last answered, Unix nanoseconds
	lastSeq     atomic.Int64
	upload      chan struct{} // wakes the uploader
	resync      chan struct{} // wakes the package loop
	wg          sync.WaitGroup
	stopped     chan struct{}
	runErr      error
}

// Start opens the local store, listens, and starts following the back office. The agent runs until
// ctx ends; Wait returns then, once everything has stopped.
func Start(ctx context.Context, cfg Config) (*Agent, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Fiscal == nil {
		cfg.Fiscal = Emulator{}
	}
	if cfg.PollWait <= 0 {
		cfg.PollWait = 20 * time.Second
	}
	if cfg.Cashier == "" {
		cfg.Cashier = "Кассир"
	}
	if cfg.Server == "" || cfg.Token == "" {
		return nil, errors.New("register: --server and a token (TORG_TOKEN, or --token) are required")
	}
	addr, remote, err := listenAddr(cfg.Listen, cfg.AllowRemote)
	if err != nil {
		return nil, err
	}
	l, err := openLocal(ctx, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	seq, err := l.lastSeq(ctx)
	if err != nil {
		l.close()
		return nil, err
	}
	ln, err := net.ListenTCP("tcp", addr)
	if err != nil {
		l.close()
		return nil, err
	}
	a := &Agent{cfg: cfg, log: cfg.Log, local: l, fiscal: cfg.Fiscal, ln: ln,
		hosts: hostsOf(ln.Addr().(*net.TCPAddr)), upload: make(chan struct{}, 1), resync: make(chan struct{}, 1), stopped: make(chan struct{})}
	a.server = newClient(cfg.Server, cfg.Token, a.setOnline)
	a.lastSeq.Store(seq)
	a.http = &http.Server{Handler: a.guard(a.routes()), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	if remote {
		a.log.Warn("the cashier screen and local API can be reached from other machines: anyone who reaches this port can sell and close the shift",
			"listen", ln.Addr().String())
	}
	a.wg.Go(func() { a.followPackages(ctx) })
	a.wg.Go(func() { a.drainOutbox(ctx) })
	a.wg.Go(func() { a.renewClaims(ctx) })
	serveErr := make(chan error, 1)
	go func() { serveErr <- a.http.Serve(ln) }()
	go a.stopWhenDone(ctx, serveErr)
	return a, nil
}

// URL is where the cashier screen is served.
func (a *Agent) URL() string { return "http://" + a.ln.Addr().String() }

// Wait blocks until the agent has stopped and returns why, nil after a clean stop.
func (a *Agent) Wait() error {
	<-a.stopped
	return a.runErr
}

func (a *Agent) stopWhenDone(ctx context.Context, serveErr chan error) {
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		a.runErr = err
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.http.Shutdown(shut)
	a.wg.Wait()
	a.local.close()
	close(a.stopped)
}

// poke wakes a loop without blocking.
func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// followPackages long-polls the register's packages and applies them, acknowledging each page by
// asking for the next one after it. A gap in seq makes it read again; a cursor the server does not
// know (its database was restored) makes it start over. While the agent is offline (at start, and
// after a failure) it asks without waiting, so that it is online as soon as the back office answers.
func (a *Agent) followPackages(ctx context.Context) {
	backoff := newBackoff()
	for ctx.Err() == nil {
		after := a.lastSeq.Load()
		wait := a.cfg.PollWait
		if !a.online.Load() {
			wait = 0
		}
		pk, err := a.server.packages(ctx, after, wait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var p *problem
			if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity {
				a.log.Warn("the back office does not know this register's cursor; starting over", "after", after)
				if err := a.local.reset(ctx); err == nil {
					a.lastSeq.Store(0)
				}
			}
			backoff.wait(ctx, a.resync)
			continue
		}
		backoff.reset()
		n, err := a.local.apply(ctx, after, pk.Packages)
		if err != nil {
			a.log.Error("applying packages", "err", err)
			backoff.wait(ctx, a.resync)
			continue
		}
		if n > 0 {
			a.lastSeq.Store(pk.Packages[n-1].Seq)
		}
		if n < len(pk.Packages) {
			a.log.Warn("a gap in package seq; reading again", "after", a.lastSeq.Load(), "got", pk.Packages[n].Seq)
			backoff.wait(ctx, nil)
		}
	}
}

// setOnline records whether the back office answered the last request (the client calls it after
// every one).
func (a *Agent) setOnline(online bool, err error) {
	if online {
		a.lastContact.Store(time.Now().UnixNano())
	}
	if a.online.Swap(online) != online {
		if online {
			a.log.Info("back office reachable")
			poke(a.upload)
		} else {
			a.log.Warn("back office unreachable", "err", err)
		}
	}
}

// renewClaims keeps the claims of open receipts alive while the cashier works.
func (a *Agent) renewClaims(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		open, err := a.openReceipts(ctx)
		if err != nil {
			continue
		}
		for _, r := range open {
			if _, err := a.server.claim(ctx, r.OrderID, r.OrderVersion); err != nil {
				a.log.Warn("renewing a claim", "order", r.OrderNumber, "err", err)
			}
		}
	}
}

// backoff waits longer after each failure, up to 15 s.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 500 * time.Millisecond} }

func (b *backoff) reset() { b.d = 500 * time.Millisecond }

// wait sleeps for the current delay, or until woken or ctx ends, then doubles the delay.
func (b *backoff) wait(ctx context.Context, wake chan struct{}) {
	t := time.NewTimer(b.d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	}
	b.d = min(b.d*2, 15*time.Second)
}
