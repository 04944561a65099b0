package web

import (
	"context"
	"net/http"
	"time"

	"torg"
	"torg/internal/store"
)

// docLine is a line of goods with its product's code and name.
type docLine struct {
	torg.OrderLine
	Product    store.CodeName
	SaleLineNo int // a customer return's line: the line of the sale it returns
}

// docRow is a document in a list with the names it refers to.
type docRow struct {
	ID, Number, Customer, Extra string
	Date                        time.Time
	Posted                      bool
	Amount                      torg.Money
	OrderID                     string
	Purpose                     string // a cash expense order's

	customerID, extraID string // named by nameRows
}

// nameRows fills in each row's customer (when it has one; a cash in or out shows its counterpart
// instead) and, from the table, the name of its warehouse or cash desk: one query for each.
func nameRows(ctx context.Context, tx *store.Tx, rows []docRow, extraTable string) ([]docRow, error) {
	var custIDs, extraIDs []string
	for _, r := range rows {
		custIDs, extraIDs = append(custIDs, r.customerID), append(extraIDs, r.extraID)
	}
	custs, err := tx.Names(ctx, "customers", custIDs)
	if err != nil {
		return nil, err
	}
	extras := map[string]store.CodeName{}
	if extraTable != "" {
		if extras, err = tx.Names(ctx, extraTable, extraIDs); err != nil {
			return nil, err
		}
	}
	for i, r := range rows {
		if r.customerID != "" {
			rows[i].Customer = custs[r.customerID].Name
		}
		rows[i].Extra = extras[r.extraID].Name
	}
	return rows, nil
}

// docsData is a document list page.
type docsData struct {
	Kind        string
	Posted      string // the cash receipt orders' filter: "" for all, "false" for the unposted
	Rows        []docRow
	Next, First string
}

func (u *UI) listInvoices(p *page) error {
	return u.listDocs(p, "sales-invoices", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.SalesInvoices(ctx, "", "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: v.CustomerID, extraID: v.WarehouseID,
				Date: v.Date, Posted: v.Posted, Amount: v.Total, OrderID: deref(v.OrderID)})
		}
		rows, err = nameRows(ctx, tx, rows, "warehouses")
		return rows, list.Next, err
	})
}

func (u *UI) listReceipts(p *page) error {
	return u.listDocs(p, "cash-receipts", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.CashReceipts(ctx, p.r.URL.Query().Get("posted"), "", "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: deref(v.CustomerID), Customer: v.Counterpart,
				extraID: deref(v.CashDeskID), Posted: v.Posted, Amount: v.Amount, OrderID: deref(v.OrderID), Date: v.Date})
			if v.Purpose == torg.PurposeCashIn {
				rows[len(rows)-1].Purpose = v.Purpose
			}
		}
		rows, err = nameRows(ctx, tx, rows, "cash_desks")
		return rows, list.Next, err
	})
}

func (u *UI) listCardPayments(p *page) error {
	return u.listDocs(p, "card-payments", func(ctx context.Context, tx *store.Tx, page torg.Page) ([]docRow, *string, error) {
		list, err := tx.CardPayments(ctx, "", page)
		if err != nil {
			return nil, nil, err
		}
		var rows []docRow
		for _, v := range list.Items {
			rows = append(rows, docRow{ID: v.ID, Number: v.Number, customerID: v.CustomerID, Posted: v.Posted, Amount: v.Amount, Date: v.Date})
		}
		rows, err = nameRows(ctx, tx, rows, "")
		return rows, list.Next, err
	})
}

// exportDocs answers the whole list, every page of it with the filter on screen, as a file of the
// format.
func (u *UI) exportDocs(p *page, kind, format string, rows func(context.Context, *store.Tx, torg.Page) ([]docRow, *string, error)) error {
	t := table{Columns: []column{{"f.number", "mono"}, {"f.date", "text"}, {"f.customer", "text"}}}
	extra := ""
	switch kind { // the column the page shows beside the customer
	case "sales-invoices", "customer-returns":
		extra = "f.warehouse"
	case "cash-receipts", "cash-expenses":
		extra = "f.cash_desk"
	}
	if extra != "" {
		t.Columns = append(t.Columns, column{extra, "text"})
	}
	t.Columns = append(t.Columns, column{"doc.state", "text"}, column{"f.amount", "money"})
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		rs, err := everyPage(func(page torg.Page) ([]docRow, *string, error) { return rows(p.ctx, tx, page) })
		for _, r := range rs {
			row := []cell{r.Number, r.Date, r.Customer}
			if extra != "" {
				row = append(row, r.Extra)
			}
			t.Rows = append(t.Rows, append(row, postedText(p.lang, r.Posted), r.Amount))
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.export(p, kind, t, format)
}

// listDocs renders a document list that rows reads one page of, or downloads it whole (?format=).
func (u *UI) listDocs(p *page, kind string, rows func(context.Context, *store.Tx, torg.Page) ([]docRow, *string, error)) error {
	if format := p.r.URL.Query().Get("format"); format != "" {
		return u.exportDocs(p, kind, format, rows)
	}
	page, err := pageOf(p.r.URL.Query().Get("after"), 50)
	if err != nil {
		return err
	}
	d := docsData{Kind: kind, Posted: p.r.URL.Query().Get("posted")}
	err = u.store.View(p.ctx, func(tx *store.Tx) error {
		rs, next, err := rows(p.ctx, tx, page)
		d.Rows = rs
		d.Next, d.First = nextFirst(p, next)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "documents", view{Nav: kind, Title: "nav." + kind, Data: d})
}

// invoiceData is a sales invoice's page.
type invoiceData struct {
	torg.SalesInvoice
	Customer, Warehouse, Register store.CodeName
	OrderNumber                   string
	Lines                         []docLine
	Returns                       []torg.CustomerReturn // what customers brought back of it
}

func (u *UI) showInvoice(p *page) error {
	var d invoiceData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		v, err := tx.SalesInvoice(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		d.SalesInvoice = v
		if d.Customer, d.Warehouse, d.Register, err = names3(p.ctx, tx, v.CustomerID, v.WarehouseID, v.RegisterID); err != nil {
			return err
		}
		d.OrderNumber, err = orderNumber(p.ctx, tx, v.OrderID)
		if err != nil {
			return err
		}
		if d.Lines, err = docLines(p.ctx, tx, v.Lines); err != nil {
			return err
		}
		rets, err := tx.CustomerReturns(p.ctx, "", v.ID, "", torg.Page{Limit: torg.MaxPageLimit})
		d.Returns = rets.Items
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "invoice", view{Nav: "sales-invoices", Title: "doc.invoice", Data: d})
}

// names3 reads a customer's, a warehouse's and a register's names.
func names3(ctx context.Context, tx *store.Tx, customer, warehouse, register string) (c, w, r store.CodeName, err error) {
	cs, err := tx.Names(ctx, "customers", []string{customer})
	if err != nil {
		return
	}
	ws, err := tx.Names(ctx, "warehouses", []string{warehouse})
	if err != nil {
		return
	}
	rs, err := tx.Names(ctx, "registers", []string{register})
	return cs[customer], ws[warehouse], rs[register], err
}

// orderNumber is the number of the order with the id, "" for none.
func orderNumber(ctx context.Context, tx *store.Tx, id *string) (string, error) {
	if id == nil {
		return "", nil
	}
	o, err := tx.Order(ctx, *id)
	if torg.ErrorCode(err) == torg.CodeNotFound {
		return "", nil
	}
	return o.Number, err
}

// docLines adds product names to lines.
func docLines(ctx context.Context, tx *store.Tx, lines []torg.OrderLine) ([]docLine, error) {
	var ids []string
	for _, l := range lines {
		ids = append(ids, l.ProductID)
	}
	names, err := tx.Names(ctx, "products", ids)
	out := make([]docLine, len(lines))
	for i, l := range lines {
		out[i] = docLine{OrderLine: l, Product: names[l.ProductID]}
	}
	return out, err
}

// cashDoc is what the page of a cash document (a cash receipt order, a cash expense order) shows
// beside the document: its customer's, cash desk's and order's names, and the desks it may be posted
// to.
type cashDoc struct {
	Customer, CashDesk store.CodeName
	OrderNumber        string
	Desks              []option
	Desk               string
}

// loadCashDoc reads what a cash document's page shows beside the document.
func loadCashDoc(p *page, tx *store.Tx, customerID, cashDeskID, orderID *string) (cashDoc, error) {
	var d cashDoc
	if customerID != nil {
		cs, err := tx.Names(p.ctx, "customers", []string{*customerID})
		if err != nil {
			return d, err
		}
		d.Customer = cs[*customerID]
	}
	if cashDeskID != nil {
		ds, err := tx.Names(p.ctx, "cash_desks", []string{*cashDeskID})
		if err != nil {
			return d, err
		}
		d.CashDesk = ds[*cashDeskID]
	}
	var err error
	if d.OrderNumber, err = orderNumber(p.ctx, tx, orderID); err != nil {
		return d, err
	}
	d.Desks, err = fieldOptions(p.ctx, tx, p.lang, "cashdesk")
	if len(d.Desks) > 0 {
		d.Desks = d.Desks[1:]
	}
	return d, err
}

// postCashDoc posts a cash document by hand on the cash desk its page's form chose, then shows it
// again; a refusal (no desk, already posted) is shown beside the form by again.
func (u *UI) postCashDoc(p *page, kind string, post func(tx *store.Tx, id, desk string) error, again func(desk string, errs formErrors) error) error {
	id, desk := p.r.PathValue("id"), p.r.PostFormValue("cash_desk_id")
	err := torg.Invalid("cash_desk_id", "choose a cash desk")
	if desk != "" {
		err = u.store.Update(p.ctx, func(tx *store.Tx) error { return post(tx, id, desk) })
	}
	if err == nil {
		return redirect(p, "/"+kind+"/"+id+"?ok=posted")
	}
	if c := torg.ErrorCode(err); c != torg.CodeValidation && c != torg.CodeStateConflict {
		return err
	}
	slot := func(f string) string {
		if f == "cash_desk_id" {
			return f
		}
		return ""
	}
	return again(desk, formErrorsOf(p.lang, err, slot))
}

// receiptData is a cash receipt order's page.
type receiptData struct {
	torg.CashReceipt
	cashDoc
}

func (u *UI) showReceipt(p *page) error {
	d, err := u.loadReceipt(p)
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "receipt", view{Nav: "cash-receipts", Title: "doc.receipt", Data: d})
}

func (u *UI) loadReceipt(p *page) (receiptData, error) {
	var d receiptData
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if d.CashReceipt, err = tx.CashReceipt(p.ctx, p.r.PathValue("id")); err != nil {
			return err
		}
		d.cashDoc, err = loadCashDoc(p, tx, d.CustomerID, d.CashDeskID, d.OrderID)
		return err
	})
	return d, err
}

func (u *UI) postReceipt(p *page) error {
	return u.postCashDoc(p, "cash-receipts", func(tx *store.Tx, id, desk string) error {
		_, err := tx.PostCashReceipt(p.ctx, id, desk)
		return err
	}, func(desk string, errs formErrors) error {
		d, err := u.loadReceipt(p)
		if err != nil {
			return err
		}
		d.Desk = desk
		return u.render(p, http.StatusUnprocessableEntity, "receipt", view{Nav: "cash-receipts", Title: "doc.receipt", Data: d, Errors: errs})
	})
}

// cardData is a card payment's page.
type cardData struct {
	torg.CardPayment
	Customer store.CodeName
}

func (u *UI) showCardPayment(p *page) error {
	var d cardData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		v, err := tx.CardPayment(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		cs, err := tx.Names(p.ctx, "customers", []string{v.CustomerID})
		d.CardPayment, d.Customer = v, cs[v.CustomerID]
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "card_payment", view{Nav: "card-payments", Title: "doc.card", Data: d})
}
