// Package webhooks sends the events of the store's outbox to the webhooks that want them: signed,
// retried with backoff, one order's events in order, at least once.
package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"torg"
	"torg/internal/store"
)

// Config is how the sender works.
type Config struct {
	Timeout      time.Duration // how long a receiver has to answer one delivery
	FirstRetry   time.Duration // the wait after the first failed attempt, doubled after each next one
	Poll         time.Duration // how often the outbox is read for due deliveries
	AllowPrivate bool          // deliver to loopback and private addresses too (tests, a shop on the same network)
	Batch        int           // deliveries leased at once
}

// Sender delivers webhook events.
type Sender struct {
	st     *store.Store
	log    *slog.Logger
	cfg    Config
	client *http.Client
}

// New returns a sender; Run starts it.
func New(st *store.Store, log *slog.Logger, cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.FirstRetry <= 0 {
		cfg.FirstRetry = 10 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 32
	}
	return &Sender{st: st, log: log, cfg: cfg, client: newClient(cfg)}
}

// newClient is an HTTP client that follows no redirect, uses no proxy, and, unless private addresses
// are allowed, connects only to public ones: it checks the address it dials, after name resolution,
// so a name that resolves to an internal address is refused too.
func newClient(cfg Config) *http.Client {
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: func(network, address string, _ syscall.RawConn) error {
		if cfg.AllowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !torg.PublicAddress(ap.Addr()) {
			return fmt.Errorf("%s is not a public address", address)
		}
		return nil
	}}
	return &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{Proxy: nil, DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4,
			IdleConnTimeout: time.Minute, TLSHandshakeTimeout: cfg.Timeout},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run delivers due events until ctx ends. A delivery in flight when ctx ends is left leased; its lease
// runs out and it is sent again, which at-least-once allows.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil && s.round(ctx) == s.cfg.Batch {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// round leases due deliveries, sends them at once, records how each went, and returns how many it leased.
func (s *Sender) round(ctx context.Context) int {
	lease := s.cfg.Timeout + 5*time.Second // a send ends within Timeout; the rest is for recording it
	ds, err := s.st.ClaimWebhookDeliveries(ctx, torg.Now(), lease, s.cfg.Batch)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("webhooks: reading the outbox", "err", err)
		}
		return 0
	}
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() {
			res := s.send(ctx, d)
			if ctx.Err() != nil {
				return
			}
			if err := s.st.FinishWebhookDelivery(ctx, d, res, torg.Now(), s.cfg.FirstRetry); err != nil {
				s.log.Warn("webhooks: recording a delivery", "event_id", d.EventID, "err", err)
			}
			if !res.OK() {
				s.log.Info("webhooks: delivery failed", "webhook_id", d.WebhookID, "event_id", d.EventID, "attempt", d.Attempt,
					"status", res.Status, "err", res.Error)
			}
		})
	}
	wg.Wait()
	return len(ds)
}

// send posts one event, signed, and tells how the receiver answered.
func (s *Sender) send(ctx context.Context, d torg.OutgoingDelivery) torg.DeliveryResult {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return torg.DeliveryResult{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "torg-webhooks")
	req.Header.Set(torg.WebhookEventID, d.EventID)
	req.Header.Set(torg.WebhookEventType, d.Type)
	req.Header.Set(torg.WebhookSignature, torg.SignWebhook(d.Secret, time.Now().Unix(), d.Body))
	resp, err := s.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return torg.DeliveryResult{Error: fmt.Sprintf("no answer within %s", s.cfg.Timeout)}
		}
		return torg.DeliveryResult{Error: err.Error()}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res := torg.DeliveryResult{Status: resp.StatusCode}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.Error = "answered a redirect, which is not followed: " + resp.Header.Get("Location")
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		res.Error = "answered " + resp.Status
	}
	return res
}
