package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"torg"
	"torg/internal/metrics"
	"torg/internal/store"
)

// orderForm is the order form's values as text, as shown or as submitted.
type orderForm struct {
	Date, CustomerID, WarehouseID, Status, Comment, ExternalNumber, Version string
	Lines                                                                   []lineForm
}

// lineForm is one row of the goods table.
type lineForm struct {
	ProductID, Product, Qty, Price, Discount string
	Unit                                     string
	VATRate                                  torg.VATRate
	Amount, VAT                              torg.Money
	Priced                                   bool // Amount and VAT are known
	Available                                torg.Quantity
	Stocked, Short                           bool // Available is known; the order needs more of the product
}

// shortage is a product the order needs more of than its warehouse has free.
type shortage struct {
	Code, Name, Unit string
	Need, Available  torg.Quantity
}

// regRow is a register on the order's «ККМ» tab.
type regRow struct {
	ID, Code, Name string
	State          torg.DeliveryState
	Claim          bool
}

// orderData is the order form page.
type orderData struct {
	New                   bool
	Order                 torg.Order
	Form                  orderForm
	Editable              bool
	Customers, Warehouses []option
	Registers             []regRow
	Addable               []option
	Total, VAT            torg.Money
	CardPaymentID         string
	Returns               []torg.CustomerReturn // what customers brought back of the order's sale
	Tab                   string
	Short                 []shortage
}

func (u *UI) newOrder(p *page) error {
	d := orderData{New: true, Editable: true, Form: orderForm{Status: string(torg.StatusNew), Lines: []lineForm{{}}}}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		if err := u.loadNewOrder(p.ctx, tx, &d); err != nil {
			return err
		}
		var err error
		d.Form.CustomerID, err = retailID(p.ctx, tx, d.Customers)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "order", view{Nav: "orders", Title: "order.new", Data: d})
}

// loadNewOrder fills the pickers of an unsaved order, and Add's registers: the first save happens
// with the Add.
func (u *UI) loadNewOrder(ctx context.Context, tx *store.Tx, d *orderData) error {
	if err := u.loadOrderPickers(ctx, tx, d); err != nil {
		return err
	}
	return u.loadOrderRegisters(ctx, tx, torg.Order{}, d)
}

// retailID is the id of the retail customer (found by its code, whatever its name), else the first
// of the options, else "".
func retailID(ctx context.Context, tx *store.Tx, custs []option) (string, error) {
	l, err := store.Customers.List(ctx, tx, torg.RetailCustomerCode, torg.Page{Limit: 1})
	switch {
	case err != nil:
		return "", err
	case len(l.Items) > 0:
		return l.Items[0].ID, nil
	case len(custs) > 0:
		return custs[0].ID, nil
	}
	return "", nil
}

func (u *UI) showOrder(p *page) error {
	var d orderData
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		o, err := tx.Order(p.ctx, p.r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := u.loadOrder(p.ctx, tx, fmtr{p.lang}, o, &d, true); err != nil {
			return err
		}
		return markStock(p.ctx, tx, &d, o.WarehouseID, o.ID)
	})
	if err != nil {
		return err
	}
	d.Tab = p.r.URL.Query().Get("tab")
	return u.render(p, http.StatusOK, "order", view{Nav: "orders", Title: "order.title", Data: d})
}

// loadOrder fills the page of a stored order; withForm also fills the form from it.
func (u *UI) loadOrder(ctx context.Context, tx *store.Tx, f fmtr, o torg.Order, d *orderData, withForm bool) error {
	d.Order, d.Editable, d.Total = o, o.Status.Editable(), o.Total
	for _, l := range o.Lines {
		d.VAT += l.VATAmount
	}
	if err := u.loadOrderPickers(ctx, tx, d); err != nil {
		return err
	}
	if withForm {
		form, err := formOf(ctx, tx, f, o)
		if err != nil {
			return err
		}
		d.Form = form
	}
	if err := u.loadOrderRegisters(ctx, tx, o, d); err != nil {
		return err
	}
	if o.TransactionID != nil {
		t, err := tx.Transaction(ctx, *o.TransactionID)
		if err == nil && t.CardPaymentID != nil {
			d.CardPaymentID = *t.CardPaymentID
		}
	}
	if o.ID != "" {
		rets, err := tx.CustomerReturns(ctx, o.ID, "", "", torg.Page{Limit: torg.MaxPageLimit})
		if err != nil {
			return err
		}
		d.Returns = rets.Items
	}
	return nil
}

func (u *UI) loadOrderPickers(ctx context.Context, tx *store.Tx, d *orderData) (err error) {
	d.Warehouses, d.Customers, err = pickers(ctx, tx)
	return err
}

// loadOrderRegisters lists the order's registers with their names, and the registers Add offers.
func (u *UI) loadOrderRegisters(ctx context.Context, tx *store.Tx, o torg.Order, d *orderData) error {
	regs, err := store.Registers.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
	if err != nil {
		return err
	}
	byID := map[string]torg.Register{}
	for _, r := range regs.Items {
		byID[r.ID] = r
	}
	seller, err := sellingRegister(ctx, tx, o)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, r := range o.Registers {
		reg := byID[r.RegisterID]
		listed[r.RegisterID] = true
		d.Registers = append(d.Registers, regRow{ID: r.RegisterID, Code: reg.Code, Name: reg.Name, State: shownState(r, seller),
			Claim: o.Claim != nil && o.Claim.RegisterID == r.RegisterID})
	}
	for _, r := range regs.Items {
		if r.AcceptsOrders && !listed[r.ID] {
			d.Addable = append(d.Addable, option{r.ID, r.Code + " — " + r.Name})
		}
	}
	return nil
}

// formOf is the form showing a stored order.
func formOf(ctx context.Context, tx *store.Tx, f fmtr, o torg.Order) (orderForm, error) {
	form := orderForm{Date: dateInput(o.Date), CustomerID: o.CustomerID, WarehouseID: o.WarehouseID, Status: string(o.Status),
		Comment: o.Comment, ExternalNumber: deref(o.ExternalNumber), Version: itoa64(o.Version)}
	var ids []string
	for _, l := range o.Lines {
		ids = append(ids, l.ProductID)
	}
	prods, err := productsByID(ctx, tx, ids)
	if err != nil {
		return form, err
	}
	for _, l := range o.Lines {
		p := prods[l.ProductID]
		form.Lines = append(form.Lines, lineForm{ProductID: l.ProductID, Product: p.Code + " " + p.Name, Qty: f.qty(l.Quantity),
			Price: f.moneyInput(l.Price), Discount: f.moneyInput(l.Discount), Unit: p.Unit, VATRate: l.VATRate,
			Amount: l.Amount, VAT: l.VATAmount, Priced: true})
	}
	if o.Status.Editable() {
		form.Lines = append(form.Lines, lineForm{})
	}
	return form, nil
}

// markStock shows on each line of an editable order how much of its product the warehouse has free
// (stock on hand less other orders' reservations), and lists the products the order needs more of:
// posting goes ahead, with a warning.
func markStock(ctx context.Context, tx *store.Tx, d *orderData, warehouseID, orderID string) error {
	if !d.Editable || warehouseID == "" {
		return nil
	}
	var ids []string
	need := map[string]torg.Quantity{}
	for _, l := range d.Form.Lines {
		if l.ProductID == "" {
			continue
		}
		ids = append(ids, l.ProductID)
		if q, err := parseQty(l.Qty); err == nil && q > 0 {
			need[l.ProductID] += q
		}
	}
	if len(ids) == 0 {
		return nil
	}
	avail, err := tx.Available(ctx, warehouseID, orderID, ids)
	if err != nil {
		return err
	}
	names, err := tx.Names(ctx, "products", ids)
	if err != nil {
		return err
	}
	for i, l := range d.Form.Lines {
		a, ok := avail[l.ProductID]
		if !ok {
			continue
		}
		short := need[l.ProductID] > a
		d.Form.Lines[i].Available, d.Form.Lines[i].Stocked, d.Form.Lines[i].Short = a, true, short
		if short && !slices.ContainsFunc(d.Short, func(s shortage) bool { return s.Code == names[l.ProductID].Code }) {
			n := names[l.ProductID]
			d.Short = append(d.Short, shortage{Code: n.Code, Name: n.Name, Unit: l.Unit, Need: need[l.ProductID], Available: a})
		}
	}
	return nil
}

// productsByID reads the products with the ids.
func productsByID(ctx context.Context, tx *store.Tx, ids []string) (map[string]torg.Product, error) {
	out := map[string]torg.Product{}
	for _, id := range ids {
		if _, ok := out[id]; ok || id == "" {
			continue
		}
		p, err := store.Products.Get(ctx, tx, id)
		if err != nil && torg.ErrorCode(err) != torg.CodeNotFound {
			return nil, err
		}
		out[id] = p
	}
	return out, nil
}

// readOrderForm reads the submitted form; rows left blank are dropped.
func readOrderForm(v url.Values) orderForm {
	f := orderForm{Date: v.Get("date"), CustomerID: v.Get("customer_id"), WarehouseID: v.Get("warehouse_id"),
		Status: v.Get("status"), Comment: v.Get("comment"), ExternalNumber: strings.TrimSpace(v.Get("external_number")),
		Version: v.Get("version")}
	ids, names, qtys, prices, discs := v["line_product_id"], v["line_product"], v["line_qty"], v["line_price"], v["line_discount"]
	for i := range names {
		l := lineForm{ProductID: at(ids, i), Product: strings.TrimSpace(names[i]), Qty: strings.TrimSpace(at(qtys, i)),
			Price: strings.TrimSpace(at(prices, i)), Discount: strings.TrimSpace(at(discs, i))}
		if l.Product == "" && l.Qty == "" && l.Price == "" && l.Discount == "" {
			continue
		}
		f.Lines = append(f.Lines, l)
	}
	return f
}

func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

func (u *UI) submitOrder(p *page) error {
	id, form := p.r.PathValue("id"), readOrderForm(p.r.PostForm)
	action, regID := p.r.PostFormValue("action"), p.r.PostFormValue("register_id")
	f := fmtr{p.lang}
	var saved torg.Order
	added := 0
	err := u.store.Update(p.ctx, func(tx *store.Tx) (err error) {
		if saved, err = saveOrder(p.ctx, tx, f, id, &form); err != nil {
			return err
		}
		before := len(saved.Registers)
		saved, err = orderAction(p.ctx, tx, saved.ID, action, regID)
		added = len(saved.Registers) - before
		return err
	})
	if err != nil {
		return u.orderFailed(p, id, form, action, err)
	}
	if id == "" {
		metrics.OrderCreated()
	}
	if action == "post" {
		metrics.OrderPosted()
	}
	to := "/orders/" + saved.ID + "?" + flashQuery(action, added)
	if action == "fill" || action == "add" || strings.HasPrefix(action, "remove:") {
		to += "&tab=kkm"
	}
	return redirect(p, to)
}

// flashQuery is the query that tells the order's page what the action did; Fill's says how many
// registers it added.
func flashQuery(action string, added int) string {
	q := url.Values{"ok": {"save"}}
	switch {
	case strings.HasPrefix(action, "remove:"):
		q.Set("ok", "removed")
	case action == "fill" && added == 0:
		q.Set("ok", "fill_none")
	case action == "fill":
		q.Set("ok", "fill")
		q.Set("n", strconv.Itoa(added))
	case action != "":
		q.Set("ok", action)
	}
	return q.Encode()
}

// orderAction does the button's action to a saved order.
func orderAction(ctx context.Context, tx *store.Tx, id, action, registerID string) (torg.Order, error) {
	switch {
	case action == "post":
		return tx.PostOrder(ctx, id)
	case action == "unpost":
		return tx.UnpostOrder(ctx, id)
	case action == "cancel":
		return tx.CancelOrder(ctx, id)
	case action == "fill":
		return tx.FillOrderRegisters(ctx, id)
	case action == "add" && registerID == "":
		return torg.Order{}, torg.Invalid("register_id", "choose a register")
	case action == "add":
		return tx.AddOrderRegister(ctx, id, registerID)
	case strings.HasPrefix(action, "remove:"):
		return tx.RemoveOrderRegister(ctx, id, strings.TrimPrefix(action, "remove:"))
	}
	return tx.Order(ctx, id)
}

// orderFailed shows the form again, as submitted, with the errors beside the fields.
func (u *UI) orderFailed(p *page, id string, form orderForm, action string, cause error) error {
	code := torg.ErrorCode(cause)
	if code == torg.CodeInternal || code == torg.CodeUnavailable || (code == torg.CodeNotFound && id != "" && !strings.HasPrefix(action, "remove:")) {
		return cause
	}
	d := orderData{New: id == "", Editable: true, Form: form}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		if id == "" {
			if err := u.loadNewOrder(p.ctx, tx, &d); err != nil {
				return err
			}
			return markStock(p.ctx, tx, &d, form.WarehouseID, "")
		}
		o, err := tx.Order(p.ctx, id)
		if err != nil {
			return err
		}
		if err := u.loadOrder(p.ctx, tx, fmtr{p.lang}, o, &d, !o.Status.Editable()); err != nil {
			return err
		}
		return markStock(p.ctx, tx, &d, o.WarehouseID, o.ID)
	})
	if err != nil {
		return err
	}
	d.Total, d.VAT = pricedTotals(d.Form.Lines)
	d.Form.Lines = append(d.Form.Lines, lineForm{})
	if action == "add" || action == "fill" || strings.HasPrefix(action, "remove:") {
		d.Tab = "kkm"
	}
	v := view{Nav: "orders", Title: "order.title", Data: d, Errors: formErrorsOf(p.lang, cause, orderField)}
	if d.New {
		v.Title = "order.new"
	}
	return u.render(p, http.StatusUnprocessableEntity, "order", v)
}

// pricedTotals sums the amounts and VAT of the rows that could be priced, as the page's live
// preview does; a sum beyond the limits is left out.
func pricedTotals(rows []lineForm) (total, vat torg.Money) {
	for _, l := range rows {
		if !l.Priced {
			continue
		}
		t, ok1 := total.Plus(l.Amount)
		v, ok2 := vat.Plus(l.VAT)
		if !ok1 || !ok2 || t > torg.MaxMoney || t < -torg.MaxMoney {
			return 0, 0
		}
		total, vat = t, v
	}
	return total, vat
}

// orderField is the order form's field that shows an error of the named field, "" when none does.
func orderField(field string) string {
	switch field {
	case "customer_code", "warehouse_code":
		return strings.TrimSuffix(field, "code") + "id"
	case "date", "customer_id", "warehouse_id", "status", "comment", "external_number", "lines", "register_id":
		return field
	}
	if strings.HasPrefix(field, "lines[") {
		return field
	}
	return ""
}
