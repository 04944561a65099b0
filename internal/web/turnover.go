package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"torg"
	"torg/internal/store"
)

// Reports over a period share one shape: a table of columns and rows, which the page shows and the
// CSV and XLSX files hold (export.go).

// column is a column of a report table: its heading (an i18n key) and what its cells hold.
type column struct {
	Label string
	Kind  string // text, mono, qty, money, int
}

// cell is a value of a report table: a string, a torg.Money, a torg.Quantity or an int64.
type cell = any

// table is a report as rows of cells.
type table struct {
	Columns []column
	Rows    [][]cell
	Links   []string // per row, a drill-down address or ""
	Total   []cell   // a totals row, or nil
}

// periodData is a report page over a period.
type periodData struct {
	Report     string // stock-turnover, cash-turnover, settlement-turnover, sales
	From, To   string // as the form shows them: dates
	Period     torg.Period
	By         string
	Bys        []string
	Warehouse  string
	Warehouses []option
	Table      table
	Chart      chart
	Drill      *table // the documents behind a cash desk's figures
	DrillTitle string
	Query      string // the filters, for the export links
}

// readPeriod reads the page's period: dates from the form (the whole month so far by default).
func readPeriod(p *page) (periodData, error) {
	q := p.r.URL.Query()
	d := periodData{From: q.Get("from"), To: q.Get("to"), Warehouse: q.Get("warehouse"), By: q.Get("by")}
	period, err := torg.ParsePeriod(d.From, d.To, time.Now())
	d.Period = period
	if d.From == "" {
		d.From = period.From.In(time.Local).Format("2006-01-02")
	}
	if d.To == "" {
		d.To = period.To.Add(-time.Microsecond).In(time.Local).Format("2006-01-02")
	}
	v := url.Values{"from": {d.From}, "to": {d.To}}
	for _, k := range []string{"warehouse", "by", "desk"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	d.Query = v.Encode()
	var bad torg.Fields
	for k := range q {
		if !slices.Contains(periodFilters, k) {
			bad.Add(k, "is not a parameter of this report")
		}
	}
	var e *torg.Error
	if len(bad) > 0 && errors.As(err, &e) {
		return d, torg.Fields(append(slices.Clone(e.Fields), bad...)).Err()
	} else if err == nil {
		err = bad.Err()
	}
	return d, err
}

// periodFilters are the query parameters of a report over a period; another is refused, named.
var periodFilters = []string{"from", "to", "warehouse", "by", "desk", "format"}

// periodPage renders a report over a period that fill makes; a bad period is a 422 page naming it.
func (u *UI) periodPage(report string, fill func(p *page, tx *store.Tx, d *periodData) error) func(*page) error {
	return func(p *page) error {
		d, perr := readPeriod(p)
		d.Report = report
		v := view{Nav: "reports/" + report, Title: "nav.reports/" + report, Data: &d}
		if perr != nil {
			v.Errors = formErrorsOf(p.lang, perr, func(f string) string { return f })
			return u.render(p, http.StatusUnprocessableEntity, "report_period", v)
		}
		err := u.store.View(p.ctx, func(tx *store.Tx) error {
			whs, _, err := pickers(p.ctx, tx)
			if err != nil {
				return err
			}
			d.Warehouses = whs
			return fill(p, tx, &d)
		})
		if err != nil {
			return u.reportFailed(p, err)
		}
		if format := p.r.URL.Query().Get("format"); format != "" {
			return u.export(p, report, d.Table, format)
		}
		return u.render(p, http.StatusOK, "report_period", v)
	}
}

func (u *UI) stockTurnover(p *page, tx *store.Tx, d *periodData) error {
	items, err := tx.StockTurnover(p.ctx, d.Period, d.Warehouse, "")
	if err != nil {
		return err
	}
	var whIDs, prodIDs []string
	for _, it := range items {
		whIDs, prodIDs = append(whIDs, it.WarehouseID), append(prodIDs, it.ProductID)
	}
	whs, err := tx.Names(p.ctx, "warehouses", whIDs)
	if err != nil {
		return err
	}
	prods, err := tx.Names(p.ctx, "products", prodIDs)
	d.Table.Columns = []column{{"f.warehouse", "text"}, {"f.code", "mono"}, {"f.product", "text"}, {"rep.opening", "qty"},
		{"rep.receipts", "qty"}, {"rep.shipments", "qty"}, {"rep.returns", "qty"}, {"rep.closing", "qty"}}
	if d.Period.Current {
		d.Table.Columns = append(d.Table.Columns, column{"rep.reserved", "qty"}, column{"rep.available", "qty"})
	}
	for _, it := range items {
		row := []cell{whs[it.WarehouseID].Name, it.ProductCode, prods[it.ProductID].Name, it.Opening, it.Receipts, it.Shipments, it.Returns, it.Closing}
		if it.Reserved != nil {
			row = append(row, *it.Reserved, *it.Available)
		}
		d.Table.Rows = append(d.Table.Rows, row)
	}
	return err
}

func (u *UI) cashTurnover(p *page, tx *store.Tx, d *periodData) error {
	items, err := tx.CashTurnover(p.ctx, d.Period, "")
	if err != nil {
		return err
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.CashDeskID)
	}
	names, err := tx.Names(p.ctx, "cash_desks", ids)
	if err != nil {
		return err
	}
	d.Table.Columns = []column{{"f.code", "mono"}, {"f.name", "text"}, {"rep.opening", "money"}, {"rep.in", "money"}, {"rep.out", "money"}, {"rep.closing", "money"}}
	desk := p.r.URL.Query().Get("desk")
	for _, it := range items {
		d.Table.Rows = append(d.Table.Rows, []cell{names[it.CashDeskID].Code, names[it.CashDeskID].Name, it.Opening, it.In, it.Out, it.Closing})
		q := url.Values{"from": {d.From}, "to": {d.To}, "desk": {it.CashDeskID}}
		d.Table.Links = append(d.Table.Links, "/reports/cash-turnover?"+q.Encode()+"#documents")
		if it.CashDeskID == desk {
			d.DrillTitle = names[it.CashDeskID].Name
		}
	}
	if desk == "" || d.DrillTitle == "" {
		return nil
	}
	return u.cashDocuments(p.ctx, tx, d, desk)
}

// cashDocuments lists the documents behind a cash desk's turnover, at most a page of 500.
func (u *UI) cashDocuments(ctx context.Context, tx *store.Tx, d *periodData, desk string) error {
	list, err := tx.CashMoves(ctx, d.Period, desk, torg.Page{Limit: torg.MaxPageLimit})
	if err != nil {
		return err
	}
	t := &table{Columns: []column{{"f.date", "text"}, {"rep.document", "text"}, {"f.number", "mono"}, {"rep.in", "money"}, {"rep.out", "money"}}}
	for _, m := range list.Items {
		in, out := m.Amount, torg.Money(0)
		if m.Amount < 0 {
			in, out = 0, -m.Amount
		}
		t.Rows = append(t.Rows, []cell{m.Date, "rep.doc." + m.Document, m.Number, in, out})
		link := ""
		switch m.Document {
		case "cash-receipts":
			link = "/cash-receipts/" + m.DocumentID
		case "cash-expenses": // its КО-2 until cash expense orders have a page of their own
			link = "/cash-expenses/" + m.DocumentID + "/print"
		}
		t.Links = append(t.Links, link)
	}
	d.Drill = t
	return nil
}

func (u *UI) settlementTurnover(p *page, tx *store.Tx, d *periodData) error {
	items, err := tx.SettlementTurnover(p.ctx, d.Period, "")
	if err != nil {
		return err
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.CustomerID)
	}
	names, err := tx.Names(p.ctx, "customers", ids)
	d.Table.Columns = []column{{"f.code", "mono"}, {"f.customer", "text"}, {"rep.opening_debt", "money"}, {"rep.invoiced", "money"},
		{"rep.paid", "money"}, {"rep.returned", "money"}, {"rep.closing_debt", "money"}}
	for _, it := range items {
		d.Table.Rows = append(d.Table.Rows, []cell{names[it.CustomerID].Code, names[it.CustomerID].Name, it.Opening, it.Invoiced, it.Paid, it.Returned, it.Closing})
	}
	return err
}

func (u *UI) salesAnalysis(p *page, tx *store.Tx, d *periodData) error {
	d.Bys = torg.SalesGroupings
	if d.By == "" {
		d.By = "day"
	}
	items, err := tx.SalesAnalysis(p.ctx, d.Period, d.By, store.SalesFilters{WarehouseID: d.Warehouse})
	if err != nil {
		return err
	}
	var names map[string]store.CodeName
	var ids []string
	for _, it := range items {
		ids = append(ids, it.Key)
	}
	switch d.By {
	case "register":
		names, err = tx.Names(p.ctx, "registers", ids)
	case "product":
		names, err = tx.Names(p.ctx, "products", ids)
	}
	d.Table.Columns = []column{{"rep.by." + d.By, "text"}, {"rep.receipts_count", "int"}, {"f.quantity", "qty"}, {"rep.revenue", "money"},
		{"f.vat", "money"}, {"rep.returns_money", "money"}, {"rep.average", "money"}}
	var labels []string
	var values []torg.Money
	for _, it := range items {
		label := it.Key
		if n, ok := names[it.Key]; ok {
			label = n.Code + " " + n.Name
		}
		d.Table.Rows = append(d.Table.Rows, []cell{label, it.Receipts, it.Quantity, it.Revenue, it.VAT, it.Returns, it.AverageReceipt})
		labels, values = append(labels, label), append(values, it.Revenue)
	}
	d.Chart = barChart(labels, values, p.lang)
	return err
}
