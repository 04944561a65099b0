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
// orders and card payments. Each transaction is processed inside a savepoint of a batch's database
// transaction: its documents and balance movements commit together or not at all, and one that fails
// is rolled back alone and marked failed while the batch goes on. The unique transaction_id of every
// document makes a second document for one transaction impossible, whatever runs at once.

// TransferCursor is where a KKMTransfer run stands: it passes each waiting transaction once, oldest
// closed_at first.
type TransferCursor struct {
	ClosedAt int64
	ID       string
}

// waitingTx is a transaction waiting for KKMTransfer, with its register.
type waitingTx struct {
	id, registerID, registerCode, warehouseID string
	orderID, cashDeskID                       *string
	detached                                  bool
	in                                        torg.TransactionInput
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
		next = TransferCursor{ClosedAt: micros(last.in.ClosedAt), ID: last.id}
		retail, err := tx.retailCustomer(ctx)
		if err != nil {
			return err
		}
		for _, w := range batch {
			if err := tx.transferOne(ctx, w, retail, &res); err != nil {
				return err
			}
		}
		return nil
	})
	return res, next, taken, err
}

// transferOne processes one transaction inside a savepoint; a failure marks it failed with its error.
func (tx *Tx) transferOne(ctx context.Context, w waitingTx, retail string, res *torg.TransferResult) error {
	if _, err := tx.exec(ctx, "SAVEPOINT kkm_transfer"); err != nil {
		return err
	}
	var one torg.TransferResult
	err := tx.transfer(ctx, w, retail, &one)
	if err == nil {
		res.Add(one)
		res.Processed++
		_, err = tx.exec(ctx, "RELEASE SAVEPOINT kkm_transfer")
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, rerr := tx.exec(ctx, "ROLLBACK TO SAVEPOINT kkm_transfer"); rerr != nil {
		return rerr
	}
	res.Failed++
	_, uerr := tx.exec(ctx, "UPDATE transactions SET state = 'failed', error = ? WHERE id = ?", err.Error(), w.id)
	return uerr
}

// claimWaiting reads the next waiting transactions with their registers, oldest first.
func (tx *Tx) claimWaiting(ctx context.Context, after TransferCursor, limit int) ([]waitingTx, error) {
	q := "SELECT t.id, t.register_id, r.code, r.warehouse_id, t.order_id, r.cash_desk_id, t.detached, t.body" +
		" FROM transactions t JOIN registers r ON r.id = t.register_id" +
		" WHERE t.state IN ('new', 'failed') AND (t.closed_at > ? OR (t.closed_at = ? AND t.id > ?))" +
		" ORDER BY t.closed_at, t.id LIMIT ?"
	if tx.d.pg {
		q += " FOR UPDATE OF t SKIP LOCKED"
	}
	rows, err := tx.query(ctx, q, after.ClosedAt, after.ClosedAt, after.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []waitingTx
	for rows.Next() {
		var w waitingTx
		var order, desk sql.NullString
		var body string
		if err := rows.Scan(&w.id, &w.registerID, &w.registerCode, &w.warehouseID, &order, &desk, &w.detached, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &w.in); err != nil {
			return nil, fmt.Errorf("transaction %s: %w", w.id, err)
		}
		w.orderID, w.cashDeskID = nullString(order), nullString(desk)
		out = append(out, w)
	}
	return out, rows.Err()
}

func (tx *Tx) retailCustomer(ctx context.Context) (string, error) {
	var id string
	err := tx.queryRow(ctx, "SELECT id FROM customers WHERE code = ?", torg.RetailCustomerCode).Scan(&id)
	return id, err
}

// transfer makes the documents of one transaction (CONTRACT §7).
func (tx *Tx) transfer(ctx context.Context, w waitingTx, retail string, res *torg.TransferResult) error {
	sells := w.orderID != nil && !w.detached
	customer := retail
	if sells {
		err := tx.queryRow(ctx, "SELECT customer_id FROM orders WHERE id = ?"+tx.d.forUpdate, *w.orderID).Scan(&customer)
		if err != nil {
			return fmt.Errorf("the transaction's order %s: %w", *w.orderID, err)
		}
	}
	cash, card := w.in.Paid(torg.PaymentCash), w.in.Paid(torg.PaymentCard)
	names := []string{"sales_invoice_number"}
	if cash > 0 {
		names = append(names, "cash_receipt_number")
	}
	if card > 0 {
		names = append(names, "card_payment_number")
	}
	nums, err := tx.nextNumbers(ctx, names...)
	if err != nil {
		return err
	}
	date := w.in.ClosedAt
	invoiceID, err := tx.insertInvoice(ctx, w, customer, nums["sales_invoice_number"], sells)
	if err != nil {
		return err
	}
	res.SalesInvoices++
	debts := []debtMove{{docID: invoiceID, amount: w.in.Total}}
	var receiptID, cardID any
	if cash > 0 {
		id, posted, err := tx.insertCashReceipt(ctx, w, customer, invoiceID, nums["cash_receipt_number"], cash, sells)
		if err != nil {
			return err
		}
		receiptID = id
		res.CashReceipts++
		if posted {
			res.CashReceiptsPosted++
			debts = append(debts, debtMove{docID: id, amount: -cash})
		}
	}
	if card > 0 {
		id := newID()
		cardID = id
		_, err := tx.exec(ctx, "INSERT INTO card_payments (id, number, date, posted, customer_id, sales_invoice_id, transaction_id, amount, created_at)"+
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, nums["card_payment_number"], micros(date), true, customer, invoiceID, w.id,
			int64(card), micros(torg.Now()))
		if err != nil {
			return err
		}
		res.CardPayments++
		debts = append(debts, debtMove{docID: id, amount: -card})
	}
	if err := tx.moveDebt(ctx, date, customer, debts); err != nil {
		return err
	}
	if sells {
		_, err := tx.exec(ctx, "UPDATE orders SET status = ?, version = version + 1, sales_invoice_id = ?, cash_receipt_id = ?, updated_at = ? WHERE id = ?",
			string(torg.StatusClosed), invoiceID, receiptID, micros(torg.Now()), *w.orderID)
		if err != nil {
			return err
		}
		if err := tx.unreserve(ctx, *w.orderID); err != nil {
			return err
		}
	}
	_, err = tx.exec(ctx, "UPDATE transactions SET state = 'processed', error = NULL, sales_invoice_id = ?, cash_receipt_id = ?, card_payment_id = ? WHERE id = ?",
		invoiceID, receiptID, cardID, w.id)
	return err
}

// insertInvoice writes the posted sales invoice of a transaction: its lines, and the goods leaving
// the register's warehouse (stock may go negative: the goods have left).
func (tx *Tx) insertInvoice(ctx context.Context, w waitingTx, customer string, number int64, sells bool) (string, error) {
	ids := make([]string, len(w.in.Lines))
	for i, l := range w.in.Lines {
		ids[i] = l.ProductID
	}
	prods, err := tx.products(ctx, dedupe(ids), nil)
	if err != nil {
		return "", err
	}
	id := newID()
	lines := make([]any, 0, len(w.in.Lines)*9)
	moves := make([]stockMove, len(w.in.Lines))
	var vat torg.Money
	for i, l := range w.in.Lines {
		p, ok := prods["id:"+l.ProductID]
		if !ok {
			return "", fmt.Errorf("product %s of line %d does not exist", l.ProductID, i+1)
		}
		v := p.vat.VATAmount(l.Amount)
		vat += v
		lines = append(lines, id, i+1, l.ProductID, int64(l.Quantity), int64(l.Price), int64(l.Discount), int64(l.Amount), string(p.vat), int64(v))
		moves[i] = stockMove{docID: id, lineNo: i + 1, warehouseID: w.warehouseID, productID: l.ProductID, quantity: -l.Quantity}
	}
	var order any
	if sells {
		order = *w.orderID
	}
	_, err = tx.exec(ctx, "INSERT INTO sales_invoices (id, number, date, posted, order_id, transaction_id, register_id, customer_id, warehouse_id,"+
		" total, vat_total, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, number, micros(w.in.ClosedAt), true, order,
		w.id, w.registerID, customer, w.warehouseID, int64(w.in.Total), int64(vat), micros(torg.Now()))
	if err != nil {
		return "", err
	}
	if _, err := tx.exec(ctx, "INSERT INTO sales_invoice_lines (invoice_id, line_no, product_id, quantity, price, discount, amount, vat_rate, vat_amount)"+
		" VALUES "+rowsOf(len(w.in.Lines), 9), lines...); err != nil {
		return "", err
	}
	return id, tx.moveStock(ctx, w.in.ClosedAt, moves)
}

// insertCashReceipt writes the cash receipt order for the cash part, posted into the register's cash
// desk, or unposted with the reason when the register has none.
func (tx *Tx) insertCashReceipt(ctx context.Context, w waitingTx, customer, invoiceID string, number int64, cash torg.Money, sells bool) (string, bool, error) {
	id := newID()
	posted := w.cashDeskID != nil
	var reason, order any
	if !posted {
		reason = fmt.Sprintf("register %s has no cash desk for recording operations («Наличная касса для отражения операций»); post it into a cash desk by hand", w.registerCode)
	}
	if sells {
		order = *w.orderID
	}
	_, err := tx.exec(ctx, "INSERT INTO cash_receipts (id, number, date, posted, not_posted_reason, cash_desk_id, customer_id, sales_invoice_id,"+
		" order_id, transaction_id, amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, number, micros(w.in.ClosedAt),
		posted, reason, w.cashDeskID, customer, invoiceID, order, w.id, int64(cash), micros(torg.Now()))
	if err != nil || !posted {
		return id, posted, err
	}
	return id, posted, tx.moveCash(ctx, id, w.in.ClosedAt, *w.cashDeskID, cash)
}

// ConflictsWaiting counts the transactions that wait for a person.
func (tx *Tx) ConflictsWaiting(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM transactions WHERE state = 'conflict'").Scan(&n)
	return n, err
}

// ResolveTransaction applies a person's decision to a conflicting transaction: process it as a sale
// to the retail customer without its order, or ignore it.
func (tx *Tx) ResolveTransaction(ctx context.Context, id string, r torg.Resolution) (torg.Transaction, error) {
	if err := r.Validate(); err != nil {
		return torg.Transaction{}, err
	}
	var state string
	err := tx.queryRow(ctx, "SELECT state FROM transactions WHERE id = ?"+tx.d.forUpdate, id).Scan(&state)
	if errNoRows(err) {
		return torg.Transaction{}, notFound("transaction", id)
	}
	if err != nil {
		return torg.Transaction{}, err
	}
	if state != string(torg.TxConflict) {
		return torg.Transaction{}, torg.Errorf(torg.CodeStateConflict, "transaction %s is %s, not a conflict", id, state)
	}
	next, detached := torg.TxNew, true
	if r.Action == torg.ResolveIgnore {
		next, detached = torg.TxIgnored, false
	}
	_, err = tx.exec(ctx, "UPDATE transactions SET state = ?, detached = ?, resolution_action = ?, resolution_comment = ?, resolved_at = ? WHERE id = ?",
		string(next), detached, r.Action, r.Comment, micros(torg.Now()), id)
	if err != nil {
		return torg.Transaction{}, err
	}
	return tx.Transaction(ctx, id)
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
	rows, err := tx.query(ctx, "SELECT started_at, finished_at, result, error FROM job_runs WHERE job = ? ORDER BY started_at DESC LIMIT ?", job, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []torg.JobRun{}
	for rows.Next() {
		var r torg.JobRun
		var started int64
		var result, msg sql.NullString
		if err := rows.Scan(&started, nullMicros{&r.FinishedAt}, &result, &msg); err != nil {
			return nil, err
		}
		r.StartedAt, r.Error = fromMicros(started), nullString(msg)
		if result.Valid {
			r.Result = &torg.TransferResult{}
			json.Unmarshal([]byte(result.String), r.Result)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
