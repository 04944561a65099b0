package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"torg"
	"torg/internal/store"
)

// goodsReceiptRow is a goods receipt in the list, with its warehouse's name.
type goodsReceiptRow struct {
	torg.GoodsReceipt
	Warehouse string
}

// goodsReceiptsData is the goods receipts list page.
type goodsReceiptsData struct {
	Rows        []goodsReceiptRow
	Next, First string
	Downloads   downloads
}

func (u *UI) listGoodsReceipts(p *page) error {
	if format := p.r.URL.Query().Get("format"); format != "" {
		return u.exportGoodsReceipts(p, format)
	}
	pg, err := pageOf(p.r.URL.Query().Get("after"), 50)
	if err != nil {
		return err
	}
	d := goodsReceiptsData{Downloads: downloadLinks(p.r.URL)}
	err = u.store.View(p.ctx, func(tx *store.Tx) error {
		list, err := tx.GoodsReceipts(p.ctx, "", pg)
		if err != nil {
			return err
		}
		d.Rows, err = goodsReceiptRows(p.ctx, tx, list.Items)
		d.Next, d.First = nextFirst(p, list.Next)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "goods_receipts", view{Nav: "goods-receipts", Title: "nav.goods-receipts", Data: d})
}

// goodsReceiptRows names the warehouses of goods receipts.
func goodsReceiptRows(ctx context.Context, tx *store.Tx, grs []torg.GoodsReceipt) ([]goodsReceiptRow, error) {
	var whs []string
	for _, g := range grs {
		whs = append(whs, g.WarehouseID)
	}
	names, err := tx.Names(ctx, "warehouses", whs)
	rows := make([]goodsReceiptRow, 0, len(grs))
	for _, g := range grs {
		rows = append(rows, goodsReceiptRow{GoodsReceipt: g, Warehouse: names[g.WarehouseID].Name})
	}
	return rows, err
}

// exportGoodsReceipts answers every goods receipt as a file of the format.
func (u *UI) exportGoodsReceipts(p *page, format string) error {
	t := table{Columns: []column{{"f.number", "mono"}, {"f.date", "text"}, {"gr.supplier", "text"}, {"f.warehouse", "text"},
		{"doc.state", "text"}, {"f.amount", "money"}}}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		grs, err := everyPage(func(page torg.Page) ([]torg.GoodsReceipt, *string, error) {
			list, err := tx.GoodsReceipts(p.ctx, "", page)
			return list.Items, list.Next, err
		})
		if err != nil {
			return err
		}
		rows, err := goodsReceiptRows(p.ctx, tx, grs)
		for _, g := range rows {
			t.Rows = append(t.Rows, []cell{g.Number, g.Date, g.Supplier, g.Warehouse, postedText(p.lang, g.Posted), g.TotalCost})
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.export(p, "goods-receipts", t, format)
}

// goodsReceiptData is a goods receipt's page.
type goodsReceiptData struct {
	torg.GoodsReceipt
	Warehouse store.CodeName
	Lines     []goodsReceiptLine
}

// goodsReceiptLine is a line of a goods receipt with its product's code, name and unit.
type goodsReceiptLine struct {
	torg.GoodsReceiptLine
	Product torg.Product
}

func (u *UI) showGoodsReceipt(p *page) error {
	var d goodsReceiptData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		g, err := tx.GoodsReceipt(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		d.GoodsReceipt = g
		ws, err := tx.Names(p.ctx, "warehouses", []string{g.WarehouseID})
		if err != nil {
			return err
		}
		d.Warehouse = ws[g.WarehouseID]
		var ids []string
		for _, l := range g.Lines {
			ids = append(ids, l.ProductID)
		}
		prods, err := productsByID(p.ctx, tx, ids)
		for _, l := range g.Lines {
			d.Lines = append(d.Lines, goodsReceiptLine{GoodsReceiptLine: l, Product: prods[l.ProductID]})
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "goods_receipt", view{Nav: "goods-receipts", Title: "gr.title", Data: d})
}

// goodsReceiptForm is the goods receipt form's values as text, as shown or as submitted.
type goodsReceiptForm struct {
	Supplier, WarehouseID, Date string
	Lines                       []goodsReceiptFormLine
}

// goodsReceiptFormLine is a row of the form's lines: the product as typed (code, barcode or name),
// the quantity and the cost per unit.
type goodsReceiptFormLine struct {
	Product, Qty, Cost string
}

// goodsReceiptFormData is the goods receipt form page.
type goodsReceiptFormData struct {
	Form       goodsReceiptForm
	Warehouses []option
	Products   []option // code → name, for the product field's suggestions
}

// blankRows is how many empty rows, at least, the form offers below the lines filled in; it shows five
// rows at least, and «More lines» adds five.
const blankRows = 3

func (u *UI) newGoodsReceipt(p *page) error {
	return u.renderGoodsReceiptForm(p, http.StatusOK, goodsReceiptForm{}, formErrors{})
}

func (u *UI) renderGoodsReceiptForm(p *page, status int, form goodsReceiptForm, errs formErrors) error {
	d := goodsReceiptFormData{Form: form}
	blank := 0
	for i := len(form.Lines) - 1; i >= 0 && form.Lines[i] == (goodsReceiptFormLine{}); i-- {
		blank++
	}
	for range max(blankRows-blank, 5-len(form.Lines)) {
		d.Form.Lines = append(d.Form.Lines, goodsReceiptFormLine{})
	}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		var err error
		if d.Warehouses, _, err = pickers(p.ctx, tx); err != nil {
			return err
		}
		prods, err := store.Products.List(p.ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
		for _, x := range prods.Items {
			d.Products = append(d.Products, option{x.Code, x.Name})
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, status, "goods_receipt_form", view{Nav: "goods-receipts", Title: "gr.new", Data: d, Errors: errs})
}

// readGoodsReceiptForm reads the submitted form; rows left blank are dropped.
func readGoodsReceiptForm(v url.Values) goodsReceiptForm {
	f := goodsReceiptForm{Supplier: v.Get("supplier"), WarehouseID: v.Get("warehouse_id"), Date: strings.TrimSpace(v.Get("date"))}
	prods, qtys, costs := v["line_product"], v["line_qty"], v["line_cost"]
	for i := range prods {
		l := goodsReceiptFormLine{Product: strings.TrimSpace(prods[i]), Qty: strings.TrimSpace(at(qtys, i)), Cost: strings.TrimSpace(at(costs, i))}
		if l != (goodsReceiptFormLine{}) {
			f.Lines = append(f.Lines, l)
		}
	}
	return f
}

func (u *UI) submitGoodsReceipt(p *page) error {
	form := readGoodsReceiptForm(p.r.PostForm)
	if p.r.PostFormValue("action") == "more" {
		form.Lines = append(form.Lines, make([]goodsReceiptFormLine, 5)...)
		return u.renderGoodsReceiptForm(p, http.StatusOK, form, formErrors{})
	}
	var g torg.GoodsReceipt
	err := u.store.Update(p.ctx, func(tx *store.Tx) error {
		in, err := goodsReceiptInput(p.ctx, tx, form)
		if err != nil {
			return err
		}
		g, err = tx.CreateGoodsReceipt(p.ctx, in)
		return err
	})
	if err == nil {
		return redirect(p, "/goods-receipts/"+g.ID+"?ok=posted")
	}
	if torg.ErrorCode(err) != torg.CodeValidation {
		return err
	}
	return u.renderGoodsReceiptForm(p, http.StatusUnprocessableEntity, form, formErrorsOf(p.lang, err, goodsReceiptField))
}

// goodsReceiptInput turns the form into the domain's input, naming every field that cannot be read
// together with those the domain's validation refuses.
func goodsReceiptInput(ctx context.Context, tx *store.Tx, form goodsReceiptForm) (torg.GoodsReceiptInput, error) {
	in := torg.GoodsReceiptInput{Supplier: form.Supplier, WarehouseID: form.WarehouseID}
	var bad torg.Fields
	if form.Date != "" {
		d, err := parseDateInput(form.Date)
		if err != nil {
			bad.Add("date", "must be a date and time")
		}
		in.Date = torg.Of(d)
	}
	for i, row := range form.Lines {
		p := "lines[" + strconv.Itoa(i) + "]"
		l := torg.GoodsReceiptLineInput{}
		var err error
		if row.Product != "" {
			if l.ProductID, l.ProductCode, err = productOfRow(ctx, tx, &bad, p, row.Product); err != nil {
				return in, err
			}
		}
		if l.Quantity, err = parseQty(row.Qty); err != nil {
			bad.Add(p+".quantity", "%s", err.Error())
		}
		if l.Cost, err = parseMoney(row.Cost); err != nil {
			bad.Add(p+".cost", "%s", err.Error())
		}
		in.Lines = append(in.Lines, l)
	}
	if err := merge(bad, in.Validate()); err != nil {
		return in, err
	}
	return in, nil
}

// goodsReceiptField is the form's field that shows an error of the named field, "" when none does.
func goodsReceiptField(field string) string {
	switch {
	case field == "warehouse_code":
		return "warehouse_id"
	case strings.HasSuffix(field, ".product_code"):
		return strings.TrimSuffix(field, "code") + "id"
	}
	return field
}
