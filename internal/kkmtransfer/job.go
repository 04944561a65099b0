// Package kkmtransfer is the scheduled job «Обработка транзакций ККМ (KKMTransfer)»: it turns waiting
// register transactions into posted sales invoices, cash receipt orders and card payments. The SQL
// is in the store (internal/store/kkmtransfer.go); this package runs it in batches, on a schedule,
// and records each run.
package kkmtransfer

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"torg"
	"torg/internal/metrics"
	"torg/internal/store"
)

// Name is the job's name in the API and in recorded runs.
const Name = "kkm-transfer"

// BatchSize is how many transactions one database transaction processes.
const BatchSize = 500

// Job runs KKMTransfer.
type Job struct {
	store *store.Store
	log   *slog.Logger
	every time.Duration

	mu   sync.Mutex
	next time.Time // when the schedule runs next; zero when off
}

// New returns the job; every is the schedule's period, 0 for none.
func New(st *store.Store, log *slog.Logger, every time.Duration) *Job {
	return &Job{store: st, log: log, every: every}
}

// Progress is told, after each batch, how many transactions were taken and how many were waiting
// when the run began.
type Progress func(done, total int)

// Run processes every waiting (new or failed) transaction once, oldest first, and records the run.
func (j *Job) Run(ctx context.Context, progress Progress) (torg.TransferResult, error) {
	var runID string
	var total int
	started := torg.Now()
	err := j.store.Update(ctx, func(tx *store.Tx) (err error) {
		if runID, err = tx.JobRunStart(ctx, Name, started); err != nil {
			return err
		}
		total, err = tx.WaitingTransactions(ctx)
		return err
	})
	if err != nil {
		metrics.KKMTransferRun(time.Since(started), torg.TransferResult{}, err)
		j.logRun(torg.TransferResult{}, 0, time.Since(started), err)
		return torg.TransferResult{}, err
	}
	res, runErr := j.batches(ctx, total, progress)
	finish := context.WithoutCancel(ctx)
	err = j.store.Update(finish, func(tx *store.Tx) error {
		if runErr == nil {
			n, err := tx.ConflictsWaiting(finish)
			if err != nil {
				return err
			}
			res.ConflictsWaiting = n
		}
		return tx.JobRunFinish(finish, runID, torg.Now(), &res, runErr)
	})
	took := time.Since(started)
	metrics.KKMTransferRun(took, res, errors.Join(runErr, err))
	j.logRun(res, total, took, errors.Join(runErr, err))
	if runErr != nil {
		return res, runErr
	}
	return res, err
}

// logRun writes the run's one log line with its counts: at info level, or at error level with the
// error when the run failed.
func (j *Job) logRun(res torg.TransferResult, waiting int, took time.Duration, err error) {
	attrs := []any{"waiting", waiting, "processed", res.Processed, "sales_invoices", res.SalesInvoices,
		"cash_receipts", res.CashReceipts, "cash_receipts_posted", res.CashReceiptsPosted, "card_payments", res.CardPayments,
		"failed", res.Failed, "conflicts_waiting", res.ConflictsWaiting, "took", took.Round(time.Millisecond)}
	if err != nil {
		j.log.Error("kkm-transfer", append(attrs, "err", err)...)
		return
	}
	j.log.Info("kkm-transfer", attrs...)
}

func (j *Job) batches(ctx context.Context, total int, progress Progress) (torg.TransferResult, error) {
	var res torg.TransferResult
	var cursor store.TransferCursor
	done := 0
	for {
		r, next, taken, err := j.store.TransferBatch(ctx, cursor, BatchSize)
		if err != nil {
			return res, err
		}
		res.Add(r)
		done += taken
		cursor = next
		if progress != nil {
			progress(done, max(total, done))
		}
		if taken < BatchSize {
			return res, nil
		}
	}
}

// Schedule runs the job every period until ctx ends; it returns at once when the period is 0.
func (j *Job) Schedule(ctx context.Context) {
	if j.every <= 0 {
		return
	}
	t := time.NewTicker(j.every)
	defer t.Stop()
	j.setNext(time.Now().Add(j.every))
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		j.setNext(time.Now().Add(j.every))
		j.Run(ctx, nil) // it logs its own line, failed or not
	}
}

func (j *Job) setNext(t time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next = t.UTC().Truncate(time.Second)
}

// Status is the job's schedule, its latest runs and its next run.
func (j *Job) Status(ctx context.Context) (torg.JobStatus, error) {
	st := torg.JobStatus{Every: j.every.String()}
	if j.every <= 0 {
		st.Every = "0"
	}
	err := j.store.View(ctx, func(tx *store.Tx) (err error) {
		st.Runs, err = tx.JobRuns(ctx, Name, 10)
		return err
	})
	if len(st.Runs) > 0 {
		st.LastRun = &st.Runs[0]
	}
	j.mu.Lock()
	if !j.next.IsZero() {
		next := j.next
		st.NextRunAt = &next
	}
	j.mu.Unlock()
	return st, err
}
