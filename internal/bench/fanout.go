package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// FanoutResult is the fan-out scenario's figures for one number of waiting registers.
type FanoutResult struct {
	Registers  int     `json:"registers"`
	Orders     int     `json:"orders"`     // posted one after another, each to every register
	Deliveries int     `json:"deliveries"` // registers × orders, each received once
	Latency    Latency `json:"latency"`    // from sending the post to each register's receipt
	// Early counts receipts that came before the post's own response (the server wakes the polls
	// at commit, before it writes the response).
	Early  int        `json:"early"`
	Server *ProcStats `json:"server,omitempty"` // while every register waits, before the first order
	CPU    CPU        `json:"cpu"`              // from each post until every register has the order

	shop *shop
}

// pollWait is how long each long poll asks the server to hold it, in seconds.
const pollWait = 60

// delivery is one register's receipt of an order.
type delivery struct {
	orderID string
	at      time.Time
}

// fanout makes n registers, has each wait in a long poll, then posts orders one at a time to all
// of them and times each register's receipt from sending the post. Before each order every
// poll is waiting and the server is idle again (pid > 0: its CPU time stops moving).
func fanout(ctx context.Context, c *client, prefix string, n, orders, pid int, p *progress) (*FanoutResult, error) {
	name := fmt.Sprintf("fan-out %d", n)
	p.phase(name+": registers", n)
	sh, err := newShop(ctx, c, prefix, orderLines)
	if err != nil {
		return nil, err
	}
	if err := sh.addRegisters(ctx, c, n, 8, "", p); err != nil {
		return nil, err
	}
	polls := newClient(c.url, c.admin, n+16)
	defer polls.close()
	ctx, stop := context.WithCancel(ctx)
	f := &fleet{c: polls, got: make(chan delivery, n), failed: make(chan error, 1), dial: make(chan struct{}, 128)}
	var wg sync.WaitGroup
	for _, r := range sh.registers {
		wg.Go(func() { f.poll(ctx, r) })
	}
	defer func() { stop(); wg.Wait() }()

	res := &FanoutResult{Registers: n, Orders: orders, shop: sh}
	var lat samples
	body := sh.orderBody()
	for k := range orders {
		label := fmt.Sprintf("%s: order %d/%d", name, k+1, orders)
		if err := f.round(ctx, c, label, body, pid, &lat, res, p); err != nil {
			return nil, err
		}
	}
	res.Latency = lat.summary()
	res.Deliveries = res.Latency.Count
	p.end(name, fmt.Sprintf("p50 %.1f ms, p99 %.1f ms, max %.1f ms", res.Latency.P50, res.Latency.P99, res.Latency.Max))
	return res, nil
}

// round waits until every poll waits and the server is idle, posts one order to every register,
// and records each register's receipt of it; the first round also reads the server's memory.
func (f *fleet) round(ctx context.Context, c *client, label string, body []byte, pid int, lat *samples, res *FanoutResult, p *progress) error {
	n := res.Registers
	p.phase(label+", polls waiting (then an idle server)", n)
	if err := f.settle(ctx, n, pid, p); err != nil {
		return err
	}
	if res.Server == nil && pid > 0 {
		st, err := readProcStats(pid)
		if err != nil {
			return err
		}
		res.Server = st
	}
	p.phase(label+", deliveries", n)
	var o struct{ ID string }
	cpu := startCPU(pid)
	sent := time.Now()
	if err := c.adminDo(ctx, "POST", "/api/v1/orders", body, 201, &o); err != nil {
		return err
	}
	err := f.collect(ctx, o.ID, sent, time.Now(), n, lat, res, p)
	res.CPU.add(cpu.stop())
	return err
}

// fleet is the registers' long polls.
type fleet struct {
	c       *client
	waiting atomic.Int64  // polls sent and not yet answered
	got     chan delivery // each register's receipt of an order
	failed  chan error    // the first poll that failed
	dial    chan struct{} // limits how many polls connect at once at the start
}

// poll follows one register's packages until ctx ends, telling the fleet of each order received.
func (f *fleet) poll(ctx context.Context, r register) {
	var seq int64
	select { // at most cap(f.dial) polls connect at once
	case f.dial <- struct{}{}:
	case <-ctx.Done():
		return
	}
	connected := sync.OnceFunc(func() { <-f.dial })
	defer connected()
	for ctx.Err() == nil {
		var pk struct {
			Packages []struct {
				Seq   int64  `json:"seq"`
				Kind  string `json:"kind"`
				Order struct {
					ID string `json:"id"`
				} `json:"order"`
			} `json:"packages"`
		}
		var sent atomic.Bool
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
			if !sent.Swap(true) {
				f.waiting.Add(1)
				connected()
			}
		}}
		path := fmt.Sprintf("/api/v1/register/packages?after=%d&wait=%d", seq, pollWait)
		err := f.c.do(httptrace.WithClientTrace(ctx, trace), http.MethodGet, path, r.token, nil, 200, &pk)
		at := time.Now()
		if sent.Load() {
			f.waiting.Add(-1)
		}
		if err != nil {
			if ctx.Err() == nil {
				select {
				case f.failed <- fmt.Errorf("register %s: %w", r.id, err):
				default:
				}
			}
			return
		}
		for _, pkg := range pk.Packages {
			seq = pkg.Seq
			if pkg.Kind != "order.upsert" {
				continue
			}
			select {
			case f.got <- delivery{orderID: pkg.Order.ID, at: at}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// settle waits until all n polls wait, and then, when pid names the server, until the server's CPU
// time stops moving: the acknowledgements of the previous order are done.
func (f *fleet) settle(ctx context.Context, n, pid int, p *progress) error {
	deadline := time.Now().Add(2 * time.Minute)
	for f.waiting.Load() < int64(n) {
		if err := f.pause(ctx, 5*time.Millisecond, deadline); err != nil {
			return fmt.Errorf("%d of %d polls waiting: %w", f.waiting.Load(), n, err)
		}
		p.set(int(f.waiting.Load()))
	}
	p.set(n)
	if pid <= 0 {
		return f.pause(ctx, 200*time.Millisecond+time.Duration(n)*100*time.Microsecond, deadline)
	}
	last, err := cpuTime(pid)
	for quiet := 0; err == nil && quiet < 3; {
		if err := f.pause(ctx, 100*time.Millisecond, deadline); err != nil {
			return fmt.Errorf("the server did not become idle: %w", err)
		}
		var now time.Duration
		if now, err = cpuTime(pid); err == nil {
			quiet++
			if now-last > 10*time.Millisecond {
				quiet = 0
			}
			last = now
		}
		p.tick()
	}
	return err
}

// pause sleeps for d, or fails when a poll failed, ctx ended or the deadline passed.
func (f *fleet) pause(ctx context.Context, d time.Duration, deadline time.Time) error {
	if time.Now().After(deadline) {
		return errors.New("timed out")
	}
	select {
	case err := <-f.failed:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// collect waits for n receipts of the order sent at sent and answered at answered, and records their
// latencies from sent.
func (f *fleet) collect(ctx context.Context, orderID string, sent, answered time.Time, n int, lat *samples, res *FanoutResult, p *progress) error {
	timeout := time.After(time.Duration(pollWait) * time.Second)
	for range n {
		select {
		case d := <-f.got:
			if d.orderID != orderID {
				return fmt.Errorf("a register received order %s while waiting for %s", d.orderID, orderID)
			}
			if d.at.Before(answered) {
				res.Early++
			}
			lat.add(d.at.Sub(sent))
			p.add(1)
		case err := <-f.failed:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			return fmt.Errorf("order %s: not every register received it in %d s", orderID, pollWait)
		}
	}
	return nil
}
