// Package exchange wakes registers that wait for packages. A long poll subscribes to its register,
// reads its packages from the database, and sleeps until a commit gives the register new ones. The
// wake-up is only a hint: the register's cursor in the database stays the truth, so a lost or
// duplicate wake-up costs at most one extra read.
package exchange

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Hub keeps the long polls waiting in this process, by register.
type Hub struct {
	mu      sync.Mutex
	waiters map[string]map[chan struct{}]struct{}
	count   int
}

// NewHub returns a hub with no one waiting.
func NewHub() *Hub { return &Hub{waiters: map[string]map[chan struct{}]struct{}{}} }

// Subscribe returns a channel that is closed at the register's next wake-up, and the function that
// stops waiting. Subscribe before reading the packages, so that a commit between the read and the
// wait is not missed.
func (h *Hub) Subscribe(registerID string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	h.mu.Lock()
	set := h.waiters[registerID]
	if set == nil {
		set = map[chan struct{}]struct{}{}
		h.waiters[registerID] = set
	}
	set[ch] = struct{}{}
	h.count++
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := set[ch]; ok {
			delete(set, ch)
			h.count--
			if len(set) == 0 {
				delete(h.waiters, registerID)
			}
		}
	}
}

// Wake wakes every poll waiting for one of the registers.
func (h *Hub) Wake(registerIDs []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range registerIDs {
		h.wakeLocked(id)
	}
}

// WakeAll wakes every waiting poll: after wake-ups may have been lost.
func (h *Hub) WakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id := range h.waiters {
		h.wakeLocked(id)
	}
}

func (h *Hub) wakeLocked(registerID string) {
	set := h.waiters[registerID]
	for ch := range set {
		close(ch)
		delete(set, ch) // so that the poll's stop, called after, finds nothing to undo
		h.count--
	}
	delete(h.waiters, registerID)
}

// Waiting counts the polls waiting now.
func (h *Hub) Waiting() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// ListenPostgres follows the PostgreSQL channel on which every torg process announces the registers
// its commits gave packages (NOTIFY is delivered on commit), and wakes them here. heard is the
// store's (store.Store.Heard): it reads each payload into the registers to wake, learning first of
// the packages other processes numbered, and is told "" when notifications may have been lost; the
// store's memory of packages is right only if it hears them all. ListenPostgres reconnects until ctx
// ends, waking everyone after each reconnect, since notifications sent meanwhile are lost. ready,
// when not nil, is closed once the first LISTEN is in place.
func (h *Hub) ListenPostgres(ctx context.Context, dsn, channel string, heard func(payload string) []string, log *slog.Logger, ready chan<- struct{}) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listen(ctx, dsn, channel, heard, &ready)
		if ctx.Err() != nil {
			return
		}
		log.Warn("listening for packages failed; retrying", "err", err, "in", backoff)
		h.lost(heard)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (h *Hub) listen(ctx context.Context, dsn, channel string, heard func(string) []string, ready *chan<- struct{}) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	h.lost(heard)
	if *ready != nil {
		close(*ready)
		*ready = nil
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		h.Wake(heard(n.Payload))
	}
}

// lost wakes everyone after notifications may have been lost, telling heard first.
func (h *Hub) lost(heard func(string) []string) {
	heard("")
	h.WakeAll()
}
