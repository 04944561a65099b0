package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"torg"
	"torg/internal/store"
)

// txRow is a register transaction with the names it refers to.
type txRow struct {
	torg.Transaction
	Register    string
	OrderNumber string
}

// transactionsData is the register transactions page.
type transactionsData struct {
	State, Kind string
	Downloads   downloads
	States      []torg.TxState
	Kinds       []string
	Rows        []txRow
	Next, First string
	Conflicts   int
}

// allTxStates are the states a filter offers.
var allTxStates = []torg.TxState{torg.TxNew, torg.TxProcessed, torg.TxConflict, torg.TxFailed, torg.TxIgnored}

func (u *UI) listTransactions(p *page) error {
	q := p.r.URL.Query()
	d := transactionsData{State: q.Get("state"), States: allTxStates, Kind: q.Get("kind"), Kinds: torg.TxKinds}
	if d.Kind != "" && !slices.Contains(torg.TxKinds, d.Kind) {
		d.Kind = ""
	}
	filter := store.TransactionFilter{State: torg.TxState(d.State), Kind: d.Kind}
	if format := q.Get("format"); format != "" {
		return u.exportTransactions(p, filter, format)
	}
	d.Downloads = downloadLinks(p.r.URL)
	page, err := pageOf(q.Get("after"), 50)
	if err != nil {
		return err
	}
	err = u.store.View(p.ctx, func(tx *store.Tx) error {
		list, err := tx.Transactions(p.ctx, filter, page)
		if err != nil {
			return err
		}
		if d.Conflicts, err = tx.ConflictsWaiting(p.ctx); err != nil {
			return err
		}
		d.Rows, err = txRows(p.ctx, tx, list.Items)
		d.Next, d.First = nextFirst(p, list.Next)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "transactions", view{Nav: "transactions", Title: "nav.transactions", Data: d})
}

// exportTransactions answers every transaction the filters on screen find as a file of the format.
func (u *UI) exportTransactions(p *page, f store.TransactionFilter, format string) error {
	t := table{Columns: []column{{"tx.received", "text"}, {"tx.closed", "text"}, {"f.register", "mono"}, {"tx.receipt_no", "mono"},
		{"tx.kind", "text"}, {"tx.order", "mono"}, {"f.state", "text"}, {"f.total", "money"}}}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		ts, err := everyPage(func(page torg.Page) ([]torg.Transaction, *string, error) {
			list, err := tx.Transactions(p.ctx, f, page)
			return list.Items, list.Next, err
		})
		if err != nil {
			return err
		}
		rows, err := txRows(p.ctx, tx, ts)
		for _, r := range rows {
			t.Rows = append(t.Rows, []cell{r.ReceivedAt, r.ClosedAt, r.Register, fmt.Sprintf("%d/%d", r.ShiftNumber, r.ReceiptNumber),
				translate(p.lang, "kind."+r.Kind), r.OrderNumber, translate(p.lang, "tx."+string(r.State)), r.Total})
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.export(p, "transactions", t, format)
}

// pageOf is a page of a list from the query's cursor.
func pageOf(after string, limit int) (torg.Page, error) {
	page := torg.Page{Limit: limit}
	if after != "" {
		pos, err := torg.DecodeCursor(after)
		if err != nil {
			return page, errNotFound
		}
		page.After = pos
	}
	return page, nil
}

// nextFirst are the links to a list's next and first pages.
func nextFirst(p *page, next *string) (string, string) {
	var n, f string
	if next != nil {
		n = pageURL(p.r.URL, *next)
	}
	if p.r.URL.Query().Get("after") != "" {
		f = pageURL(p.r.URL, "")
	}
	return n, f
}

// txRows adds register names and order numbers.
func txRows(ctx context.Context, tx *store.Tx, ts []torg.Transaction) ([]txRow, error) {
	var regIDs []string
	for _, t := range ts {
		regIDs = append(regIDs, t.RegisterID)
	}
	regs, err := tx.Names(ctx, "registers", regIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]txRow, len(ts))
	for i, t := range ts {
		rows[i] = txRow{Transaction: t, Register: regs[t.RegisterID].Code}
		if t.OrderID != nil {
			o, err := tx.Order(ctx, *t.OrderID)
			if err != nil && torg.ErrorCode(err) != torg.CodeNotFound {
				return nil, err
			}
			rows[i].OrderNumber = o.Number
		}
	}
	return rows, nil
}

// transactionData is one transaction's page.
type transactionData struct {
	txRow
	Lines     []docLine
	Compare   []compareRow // a mismatching sale beside its order's lines
	BadClosed bool         // its closed_at is out of the order's range
	Resolve   bool         // the user may resolve it now
	Accept    bool         // it may be accepted as it is (a mismatch, an over_return, an over_cash_out)
	// WithoutOrder is whether it may be processed without its order: a sale only.
	WithoutOrder bool
	Comment      string
	Products     map[string]store.CodeName
	Returns      []torg.Transaction // a sale's returns
}

// compareRow is a receipt line beside the order line it was matched with (either may be missing),
// with the fields that differ.
type compareRow struct {
	Product store.CodeName
	Sold    *torg.TxLine
	Ordered *torg.OrderLine
	Bad     map[string]bool // "product_id", "quantity", "price", "discount"; "line" for an order line left out
}

func (u *UI) showTransaction(p *page) error {
	d, err := u.loadTransaction(p)
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "transaction", view{Nav: "transactions", Title: "tx.title", Data: d})
}

func (u *UI) loadTransaction(p *page) (transactionData, error) {
	var d transactionData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		t, err := tx.Transaction(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		rows, err := txRows(p.ctx, tx, []torg.Transaction{t})
		if err != nil {
			return err
		}
		d.txRow = rows[0]
		var ids []string
		for _, l := range t.Lines {
			ids = append(ids, l.ProductID)
		}
		var ordered []torg.OrderLine
		if len(t.Mismatches) > 0 {
			if ordered, err = tx.SaleOrderLines(p.ctx, t); err != nil {
				return err
			}
			for _, l := range ordered {
				ids = append(ids, l.ProductID)
			}
		}
		names, err := tx.Names(p.ctx, "products", ids)
		for _, l := range t.Lines {
			d.Lines = append(d.Lines, docLine{Product: names[l.ProductID], OrderLine: torg.OrderLine{ProductID: l.ProductID,
				Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount}})
		}
		d.Compare, d.BadClosed = compareRows(t, ordered, names)
		if err != nil || t.Kind != torg.KindSale {
			return err
		}
		d.Returns, err = tx.ReturnsOfSale(p.ctx, t.ID)
		return err
	})
	d.Resolve = d.State == torg.TxConflict && p.user.Role.Allows(torg.PermAdmin)
	d.Accept = d.Resolve && d.ConflictReason != nil && slices.Contains([]string{torg.ConflictMismatch, torg.ConflictOverReturn, torg.ConflictOverCashOut}, *d.ConflictReason)
	d.WithoutOrder = d.Resolve && d.Kind == torg.KindSale
	return d, err
}

// compareRows puts a mismatching sale's lines beside its order's, marking the fields its mismatches
// name; badClosed reports a mismatch of closed_at.
func compareRows(t torg.Transaction, ordered []torg.OrderLine, names map[string]store.CodeName) (rows []compareRow, badClosed bool) {
	if len(t.Mismatches) == 0 {
		return nil, false
	}
	match, missing := torg.MatchSaleLines(ordered, t.Lines)
	for i := range t.Lines {
		r := compareRow{Product: names[t.Lines[i].ProductID], Sold: &t.Lines[i], Bad: map[string]bool{}}
		if match[i] >= 0 {
			r.Ordered = &ordered[match[i]]
		}
		rows = append(rows, r)
	}
	for _, i := range missing {
		rows = append(rows, compareRow{Product: names[ordered[i].ProductID], Ordered: &ordered[i], Bad: map[string]bool{"line": true}})
	}
	for _, m := range t.Mismatches {
		var i int
		var field string
		if n, _ := fmt.Sscanf(m.Field, "lines[%d].%s", &i, &field); n == 2 && i >= 0 && i < len(t.Lines) {
			rows[i].Bad[field] = true
		}
		badClosed = badClosed || m.Field == "closed_at"
	}
	return rows, badClosed
}

func (u *UI) resolveTransaction(p *page) error {
	id := p.r.PathValue("id")
	r := torg.Resolution{Action: p.r.PostFormValue("action"), Comment: p.r.PostFormValue("comment")}
	err := u.store.Update(p.ctx, func(tx *store.Tx) error { _, err := tx.ResolveTransaction(p.ctx, id, r); return err })
	if err == nil {
		return redirect(p, "/transactions/"+id+"?ok=resolved")
	}
	if c := torg.ErrorCode(err); c != torg.CodeValidation && c != torg.CodeStateConflict {
		return err
	}
	d, lerr := u.loadTransaction(p)
	if lerr != nil {
		return lerr
	}
	d.Comment = r.Comment
	slot := func(f string) string {
		if f == "comment" || f == "action" {
			return f
		}
		return ""
	}
	return u.render(p, http.StatusUnprocessableEntity, "transaction", view{Nav: "transactions", Title: "tx.title", Data: d,
		Errors: formErrorsOf(p.lang, err, slot)})
}
