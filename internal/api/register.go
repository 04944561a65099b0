package api

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"torg"
	"torg/internal/metrics"
	"torg/internal/store"
)

// MaxWait is the longest a register's long poll holds (docs/API.md, «The register channel»).
const MaxWait = 60 * time.Second

// MaxWaitingPolls is how many long polls of one register may wait at once; more answer at once,
// so that a register gone wild cannot hold the server's connections.
const MaxWaitingPolls = 2

// registerMe answers a register with itself.
func (s *Server) registerMe(w http.ResponseWriter, r *request) error {
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
		return store.Registers.Get(ctx, tx, r.principal.RegisterID)
	})
}

// packages answers a register with its packages after its cursor, acknowledging everything up to
// it; with none waiting it holds the request until one arrives or wait seconds pass.
func (s *Server) packages(w http.ResponseWriter, r *request) error {
	after, wait, err := pollParams(r)
	if err != nil {
		return err
	}
	ctx, reg := r.Context(), r.principal.RegisterID
	first := true
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	if wait > 0 {
		defer s.waiting(reg, &wait)()
	}
	for {
		woken, stop := s.hub.Subscribe(reg)
		// A poll that will wait may be told "nothing new" from memory: its wake-up comes with the
		// next package. A fetch that answers at once reads an empty answer from the database.
		out, err := s.store.PollPackages(ctx, reg, after, wait > 0)
		if err == nil && first {
			// after=SEQ acknowledges every package up to SEQ; the acknowledgement is written with
			// others within a tenth of a second (internal/store/acks.go).
			first = false
			if after > out.LastSeq {
				stop()
				return torg.Invalid("after", "must be from 0 to %d, the newest package of this register", out.LastSeq)
			}
			s.store.NoteAck(reg, after)
			if after > 0 {
				metrics.Acked()
			}
		}
		if err != nil || len(out.Packages) > 0 || wait == 0 {
			stop()
			if err != nil {
				return err
			}
			s.delivered(ctx, reg, out.Packages)
			return writePackages(w, out)
		}
		select {
		case <-woken:
		case <-deadline.C:
			wait = 0 // read once more, then answer
		case <-s.draining:
			wait = 0
		case <-ctx.Done():
			stop()
			return ctx.Err()
		}
		stop()
	}
}

// waiting counts a register's waiting poll, turning *wait to 0 when it already has MaxWaitingPolls;
// the function it returns uncounts it.
func (s *Server) waiting(registerID string, wait *time.Duration) func() {
	v, _ := s.polls.LoadOrStore(registerID, new(atomic.Int32))
	n := v.(*atomic.Int32)
	if n.Add(1) > MaxWaitingPolls {
		*wait = 0
		return func() { n.Add(-1) }
	}
	done := metrics.LongPoll()
	return func() { n.Add(-1); done() }
}

// delivered counts the packages a fetch answers, and the time each took from its commit to this
// answer.
func (s *Server) delivered(ctx context.Context, registerID string, ps []torg.Package) {
	if len(ps) == 0 {
		return
	}
	times := make([]time.Time, len(ps))
	for i, p := range ps {
		times[i] = p.Written
	}
	metrics.Delivered(times)
}

// pollParams reads after (a seq, default 0) and wait (seconds, 0 to 60).
func pollParams(r *request) (after int64, wait time.Duration, err error) {
	var f torg.Fields
	q := r.URL.Query()
	for k := range q {
		if k != "after" && k != "wait" {
			f.Add(k, "is not a query parameter here (known: after, wait)")
		}
	}
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			f.Add("after", "must be a package seq, 0 or more")
		}
	}
	if v := q.Get("wait"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > int(MaxWait/time.Second) {
			f.Add("wait", "must be a number of seconds from 0 to %d", int(MaxWait/time.Second))
		}
		wait = time.Duration(n) * time.Second
	}
	return after, wait, f.Err()
}

func (s *Server) ack(w http.ResponseWriter, r *request) error {
	var in struct {
		Seq *int64 `json:"seq"`
	}
	err := decodeInput(r.body, &in, func() error {
		if in.Seq == nil {
			return torg.Invalid("seq", "is required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	ctx := r.Context()
	var acked int64
	err = s.store.Update(ctx, func(tx *store.Tx) (err error) {
		acked, err = tx.Ack(ctx, r.principal.RegisterID, "seq", *in.Seq)
		return err
	})
	if err != nil {
		return err
	}
	metrics.Acked()
	return writeJSON(w, http.StatusOK, map[string]int64{"acked_seq": acked})
}

func (s *Server) claim(w http.ResponseWriter, r *request) error {
	var in struct {
		Version *int64 `json:"version"`
	}
	if len(r.body) > 0 {
		if err := decodeBody(r.body, &in); err != nil {
			return err
		}
	}
	var c torg.Claim
	ctx := r.Context()
	err := s.store.Update(ctx, func(tx *store.Tx) (err error) {
		c, err = tx.Claim(ctx, r.principal.RegisterID, r.PathValue("id"), in.Version, s.claimTTL)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) releaseClaim(w http.ResponseWriter, r *request) error {
	ctx := r.Context()
	err := s.store.Update(ctx, func(tx *store.Tx) error { return tx.ReleaseClaim(ctx, r.principal.RegisterID, r.PathValue("id")) })
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// uploadTransaction stores a closed receipt: 201 the first time, 200 with the stored transaction when
// the same one comes again.
func (s *Server) uploadTransaction(w http.ResponseWriter, r *request) error {
	var in torg.TransactionInput
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	var t torg.Transaction
	var created bool
	ctx := r.Context()
	err := s.store.Update(ctx, func(tx *store.Tx) (err error) {
		t, created, err = tx.UploadTransaction(ctx, r.principal.RegisterID, in)
		return err
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, t)
}

// registerSale finds a sale of the register's warehouse for a return, by transaction_id or by the
// fiscal document fn and fd (what a receipt's QR code carries), with what is still returnable.
func (s *Server) registerSale(w http.ResponseWriter, r *request) error {
	var f torg.Fields
	q := r.URL.Query()
	for k := range q {
		if k != "transaction_id" && k != "fn" && k != "fd" {
			f.Add(k, "is not a query parameter here (known: transaction_id, fn, fd)")
		}
	}
	id, fn := q.Get("transaction_id"), q.Get("fn")
	var fd int64
	switch {
	case id != "" && (fn != "" || q.Has("fd")):
		f.Add("transaction_id", "give transaction_id, or fn and fd, not both")
	case id == "":
		n, err := strconv.ParseInt(q.Get("fd"), 10, 64)
		if fn == "" {
			f.Add("fn", "is required: the fiscal drive number, or give transaction_id")
		}
		if err != nil || n < 1 {
			f.Add("fd", "must be the fiscal document number, a positive integer")
		}
		fd = n
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.SaleForReturn(ctx, r.principal.RegisterID, id, fn, fd)
	})
}
