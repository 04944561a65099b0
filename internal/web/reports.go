package web

import (
	"net/http"

	"torg"
	"torg/internal/store"
)

// stockRow is a line of the stock report.
type stockRow struct {
	torg.StockItem
	Warehouse, Product string
	Unit               string
}

// reportData is a report's page.
type reportData struct {
	Report     string // the page's name under /reports/, for its download links
	Warehouse  string
	Warehouses []option
	Stock      []stockRow
	Cash       []moneyRow
	Debts      []moneyRow
	Total      torg.Money
	// TotalBeyond says the rows' sum is beyond what an int64 holds: the page says so instead of a total.
	TotalBeyond bool
}

// add adds a row's amount to the total, with a check.
func (d *reportData) add(m torg.Money) {
	sum, ok := d.Total.Plus(m)
	d.Total, d.TotalBeyond = sum, d.TotalBeyond || !ok
}

// moneyRow is a cash desk's balance or a customer's debt.
type moneyRow struct {
	Code, Name string
	Amount     torg.Money
}

func (u *UI) stockReport(p *page) error {
	d := reportData{Warehouse: p.r.URL.Query().Get("warehouse")}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		whs, _, err := pickers(p.ctx, tx)
		if err != nil {
			return err
		}
		d.Warehouses = whs
		items, err := tx.StockReport(p.ctx, d.Warehouse, "")
		if err != nil {
			return err
		}
		var whIDs, prodIDs []string
		for _, it := range items {
			whIDs, prodIDs = append(whIDs, it.WarehouseID), append(prodIDs, it.ProductID)
		}
		whNames, err := tx.Names(p.ctx, "warehouses", whIDs)
		if err != nil {
			return err
		}
		prods, err := productsByID(p.ctx, tx, prodIDs)
		for _, it := range items {
			d.Stock = append(d.Stock, stockRow{StockItem: it, Warehouse: whNames[it.WarehouseID].Name, Product: prods[it.ProductID].Name,
				Unit: prods[it.ProductID].Unit})
		}
		return err
	})
	if err != nil {
		return u.reportFailed(p, err)
	}
	if format := p.r.URL.Query().Get("format"); format != "" {
		t := table{Columns: []column{{"f.warehouse", "text"}, {"f.code", "mono"}, {"f.product", "text"}, {"rep.on_hand", "qty"},
			{"rep.reserved", "qty"}, {"rep.available", "qty"}, {"f.unit", "text"}}}
		for _, r := range d.Stock {
			t.Rows = append(t.Rows, []cell{r.Warehouse, r.ProductCode, r.Product, r.OnHand, r.Reserved, r.Available, r.Unit})
		}
		return u.export(p, "stock", t, format)
	}
	return u.render(p, http.StatusOK, "report_stock", view{Nav: "reports/stock", Title: "nav.reports/stock", Data: d})
}

// exportMoney answers a cash or debt report as a file of the format: code, name, amount.
func (u *UI) exportMoney(p *page, report, label string, rows []moneyRow, format string) error {
	t := table{Columns: []column{{"f.code", "mono"}, {"f.name", "text"}, {label, "money"}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []cell{r.Code, r.Name, r.Amount})
	}
	return u.export(p, report, t, format)
}

func (u *UI) cashReport(p *page) error {
	var d reportData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		items, err := tx.CashReport(p.ctx, "")
		if err != nil {
			return err
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.CashDeskID)
		}
		names, err := tx.Names(p.ctx, "cash_desks", ids)
		for _, it := range items {
			d.Cash = append(d.Cash, moneyRow{Code: names[it.CashDeskID].Code, Name: names[it.CashDeskID].Name, Amount: it.Balance})
			d.add(it.Balance)
		}
		return err
	})
	if err != nil {
		return u.reportFailed(p, err)
	}
	if format := p.r.URL.Query().Get("format"); format != "" {
		return u.exportMoney(p, "cash", "rep.balance", d.Cash, format)
	}
	d.Report = "cash"
	return u.render(p, http.StatusOK, "report_money", view{Nav: "reports/cash", Title: "nav.reports/cash", Data: d})
}

func (u *UI) settlementsReport(p *page) error {
	var d reportData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		items, err := tx.SettlementsReport(p.ctx, "")
		if err != nil {
			return err
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.CustomerID)
		}
		names, err := tx.Names(p.ctx, "customers", ids)
		for _, it := range items {
			d.Debts = append(d.Debts, moneyRow{Code: names[it.CustomerID].Code, Name: names[it.CustomerID].Name, Amount: it.Debt})
			d.add(it.Debt)
		}
		return err
	})
	if err != nil {
		return u.reportFailed(p, err)
	}
	if format := p.r.URL.Query().Get("format"); format != "" {
		return u.exportMoney(p, "settlements", "rep.debt", d.Debts, format)
	}
	d.Report = "settlements"
	return u.render(p, http.StatusOK, "report_money", view{Nav: "reports/settlements", Title: "nav.reports/settlements", Data: d})
}

// reportFailed answers a report that holds a total beyond the range the system can hold (a state
// conflict of the store) with a 409 page that says so; other errors go to the usual error page.
func (u *UI) reportFailed(p *page, err error) error {
	if torg.ErrorCode(err) != torg.CodeStateConflict {
		return err
	}
	u.log.Warn("report beyond range", "path", p.r.URL.Path, "err", err)
	return u.render(p, http.StatusConflict, "error", view{Title: "error.beyond_range", Data: "error.beyond_range"})
}
