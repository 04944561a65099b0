package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"torg"
)

// This file is KKMTransfer's SQL: register transactions become posted sales invoices, cash receipt
// orders and card payments (kkmtransfer_plan.go works out each one's documents). A transaction's
// documents and balance movements commit together or not at all, and one that fails is rolled back
// alone and marked failed while the batch goes on. The unique transaction_id of every document makes
// a second document for one transaction impossible, whatever runs at once.

// TransferCursor is where a KKMTransfer run stands: it passes each waiting transaction once, oldest
// closed_at first.
type TransferCursor struct {
	ClosedAt int64
	ID       string
}

// WaitingTransactions counts the transactions KKMTransfer would take now (new and failed).
func (tx *Tx) WaitingTransactions(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM transactions WHERE state IN ('new', 'failed')").Scan(&n)
	return n, err
}

// TransferBatch processes up to limit waiting transactions after the cursor, in one database
// transaction. It returns what it did, the cursor after the last one taken, and how many it took.
// On PostgreSQL the batch's rows are claimed with SKIP LOCKED, so concurrent runs share the work.
//
// The whole batch is planned in memory from a few bulk reads and written with a few multi-row
// statements. Should that write fail, it is rolled back to a savepoint and each transaction is done
// again on its own, inside its own savepoint, so that only the one at fault is marked failed.
func (s *Store) TransferBatch(ctx context.Context, after TransferCursor, limit int) (torg.TransferResult, TransferCursor, int, error) {
	var res torg.TransferResult
	next, taken := after, 0
	err := s.Update(ctx, func(tx *Tx) error {
		res, next, taken = torg.TransferResult{}, after, 0
		batch, err := tx.claimWaiting(ctx, after, limit)
		if err != nil || len(batch) == 0 {
			return err
		}
		taken = len(batch)
		last := batch[len(batch)-1]
		next = TransferCursor{ClosedAt: micros(last.In.ClosedAt), ID: last.ID}
		retail, err := tx.retailCustomer(ctx)
		if err != nil {
			return err
		}
		return tx.transferAll(ctx, batch, retail, &res)
	})
	return res, next, taken, err
}

// transferAll writes the batch at once, or one by one when that fails.
func (tx *Tx) transferAll(ctx context.Context, batch []torg.TransferSource, retail string, res *torg.TransferResult) error {
	err := tx.savepoint(ctx, "kkm_batch", func() error {
		var r torg.TransferResult
		if err := tx.transferSome(ctx, batch, retail, &r); err != nil {
			return err
		}
		*res = r
		return nil
	})
	if err == nil || ctx.Err() != nil {
		return err
	}
	for _, w := range batch {
		var one torg.TransferResult
		err := tx.savepoint(ctx, "kkm_one", func() error { return tx.transferSome(ctx, []torg.TransferSource{w}, retail, &one) })
		switch {
		case err == nil:
			res.Add(one)
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			if err := tx.markFailed(ctx, w.ID, err, res); err != nil {
				return err
			}
		}
	}
	return nil
}

// transferSome plans the transactions and writes their documents; a transaction whose data cannot
// make documents (a product or order gone) is marked failed.
func (tx *Tx) transferSome(ctx context.Context, batch []torg.TransferSource, retail string, res *torg.TransferResult) error {
	plans, failed, err := tx.planBatch(ctx, batch, retail)
	if err != nil {
		return err
	}
	if err := tx.writePlans(ctx, plans); err != nil {
		return err
	}
	for _, p := range plans {
		p.Count(res)
	}
	for _, w := range batch {
		if cause, ok := failed[w.ID]; ok {
			if err := tx.markFailed(ctx, w.ID, cause, res); err != nil {
				return err
			}
		}
	}
	return nil
}

// savepoint runs fn inside a savepoint, rolled back when fn fails.
func (tx *Tx) savepoint(ctx context.Context, name string, fn func() error) error {
	if _, err := tx.exec(ctx, "SAVEPOINT "+name); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := tx.exec(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return rerr
		}
		return err
	}
	_, err := tx.exec(ctx, "RELEASE SAVEPOINT "+name)
	return err
}

func (tx *Tx) markFailed(ctx context.Context, id string, cause error, res *torg.TransferResult) error {
	res.Failed++
	_, err := tx.exec(ctx, "UPDATE transactions SET state = 'failed', error = ? WHERE id = ?", cause.Error(), id)
	return err
}

// claimWaiting reads the next waiting transactions with their registers, oldest first.
func (tx *Tx) claimWaiting(ctx context.Context, after TransferCursor, limit int) ([]torg.TransferSource, error) {
	q := "SELECT t.id, t.register_id, r.code, r.warehouse_id, t.order_id, r.cash_desk_id, t.detached, t.body" +
		" FROM transactions t JOIN registers r ON r.id = t.register_id" +
		" WHERE t.state IN ('new', 'failed') AND (t.closed_at > ? OR (t.closed_at = ? AND t.id > ?))" +
		" ORDER BY t.closed_at, t.id LIMIT ?" + tx.d.lockOf("t", true)
	var out []torg.TransferSource
	err := tx.eachRow(ctx, func(row scanner) error {
		var w torg.TransferSource
		var order, desk sql.NullString
		var body string
		if err := row.Scan(&w.ID, &w.RegisterID, &w.RegisterCode, &w.WarehouseID, &order, &desk, &w.Detached, &body); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(body), &w.In); err != nil {
			return fmt.Errorf("transaction %s: %w", w.ID, err)
		}
		w.OrderID, w.CashDeskID = nullString(order), nullString(desk)
		out = append(out, w)
		return nil
	}, q, after.ClosedAt, after.ClosedAt, after.ID, limit)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *Tx) retailCustomer(ctx context.Context) (string, error) {
	var id string
	err := tx.queryRow(ctx, "SELECT id FROM customers WHERE code = ?", torg.RetailCustomerCode).Scan(&id)
	return id, err
}

// ConflictsWaiting counts the transactions that wait for a person.
func (tx *Tx) ConflictsWaiting(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM transactions WHERE state = 'conflict'").Scan(&n)
	return n, err
}

// ResolveTransaction applies a person's decision to a conflicting transaction: accept a sale that
// differs from its order as it is, process it as a sale to the retail customer without its order, or
// ignore it. Detaching or ignoring a mismatching sale frees the order it sold: the order is agreed
// again and goes back to its registers.
func (tx *Tx) ResolveTransaction(ctx context.Context, id string, r torg.Resolution) (torg.Transaction, error) {
	if err := r.Validate(); err != nil {
		return torg.Transaction{}, err
	}
	var state string
	var reason, orderID sql.NullString
	err := tx.queryRow(ctx, "SELECT state, conflict_reason, order_id FROM transactions WHERE id = ?"+tx.d.forUpdate, id).Scan(&state, &reason, &orderID)
	if errNoRows(err) {
		return torg.Transaction{}, notFound("transaction", id)
	}
	if err != nil {
		return torg.Transaction{}, err
	}
	if state != string(torg.TxConflict) {
		return torg.Transaction{}, torg.Errorf(torg.CodeStateConflict, "transaction %s is %s, not a conflict", id, state)
	}
	mismatch := reason.String == torg.ConflictMismatch
	isReturn := reason.String == torg.ConflictOverReturn || reason.String == torg.ConflictUnknownSale || reason.String == torg.ConflictOverCashOut
	next, detached := torg.TxNew, true
	switch r.Action {
	case torg.ResolveAccept:
		if !mismatch && reason.String != torg.ConflictOverReturn && reason.String != torg.ConflictOverCashOut {
			return torg.Transaction{}, torg.Errorf(torg.CodeStateConflict,
				"transaction %s is a %s conflict: only a sale that differs from its order, a return of more than is left, or a cash out of more than the drawer held, can be accepted",
				id, reason.String)
		}
		detached = false
	case torg.ResolveWithoutOrder:
		if isReturn {
			return torg.Transaction{}, torg.Errorf(torg.CodeStateConflict, "transaction %s is a return or a cash out: it has no order to process it without", id)
		}
	case torg.ResolveIgnore:
		next, detached = torg.TxIgnored, false
	}
	_, err = tx.exec(ctx, "UPDATE transactions SET state = ?, detached = ?, resolution_action = ?, resolution_comment = ?, resolved_at = ? WHERE id = ?",
		string(next), detached, r.Action, r.Comment, micros(torg.Now()), id)
	if err != nil {
		return torg.Transaction{}, err
	}
	if mismatch && r.Action != torg.ResolveAccept {
		if err := tx.unsell(ctx, orderID.String, id); err != nil {
			return torg.Transaction{}, err
		}
	}
	return tx.Transaction(ctx, id)
}

// unsell frees an order that a mismatching sale sold, once a person decided the sale is not the
// order's: it is agreed again and offered to its registers anew.
func (tx *Tx) unsell(ctx context.Context, orderID, transactionID string) error {
	o, err := tx.order(ctx, orderID, true)
	if err != nil {
		return err
	}
	if o.Status != torg.StatusSold || o.TransactionID == nil || *o.TransactionID != transactionID {
		return nil
	}
	o.Status, o.Version, o.TransactionID = torg.StatusAgreed, o.Version+1, nil
	_, err = tx.exec(ctx, "UPDATE orders SET status = ?, version = ?, transaction_id = NULL, updated_at = ? WHERE id = ?",
		string(o.Status), o.Version, micros(torg.Now()), o.ID)
	if err != nil {
		return err
	}
	return tx.offer(ctx, &o)
}

// JobRunStart records that a run of the job began.
func (tx *Tx) JobRunStart(ctx context.Context, job string, at time.Time) (string, error) {
	id := newID()
	_, err := tx.exec(ctx, "INSERT INTO job_runs (id, job, started_at) VALUES (?, ?, ?)", id, job, micros(at))
	return id, err
}

// JobRunFinish records how a run ended.
func (tx *Tx) JobRunFinish(ctx context.Context, id string, at time.Time, result *torg.TransferResult, runErr error) error {
	var res, msg any
	if result != nil {
		b, _ := json.Marshal(result)
		res = string(b)
	}
	if runErr != nil {
		msg = runErr.Error()
	}
	_, err := tx.exec(ctx, "UPDATE job_runs SET finished_at = ?, result = ?, error = ? WHERE id = ?", micros(at), res, msg, id)
	return err
}

// JobRuns lists the latest runs of the job, newest first.
func (tx *Tx) JobRuns(ctx context.Context, job string, limit int) ([]torg.JobRun, error) {
	out, err := queryAll(ctx, tx, scanJobRun, "SELECT started_at, finished_at, result, error FROM job_runs WHERE job = ? ORDER BY started_at DESC LIMIT ?", job, limit)
	return orEmpty(out), err
}

func scanJobRun(s scanner) (torg.JobRun, error) {
	var r torg.JobRun
	var started int64
	var result, msg sql.NullString
	if err := s.Scan(&started, nullMicros{&r.FinishedAt}, &result, &msg); err != nil {
		return r, err
	}
	r.StartedAt, r.Error = fromMicros(started), nullString(msg)
	if result.Valid {
		r.Result = &torg.TransferResult{}
		json.Unmarshal([]byte(result.String), r.Result)
	}
	return r, nil
}
