package forms

import (
	"context"
	"strings"

	"torg"
	"torg/internal/store"
)

// Printable lists, by the API's name of a kind of document, the forms it prints; the first is the
// one printed when none is asked for.
var Printable = map[string][]string{
	"orders":         {Order},
	"sales-invoices": {UPD, TORG12},
	"cash-receipts":  {KO1},
	"cash-expenses":  {KO2},
	"transactions":   {Receipt},
}

// Load reads the document of the kind (an API name such as "sales-invoices") with the id and makes
// the named form of it ("" for the kind's first). A form the kind does not print is a validation
// error naming "form"; a document that does not exist is not found.
func Load(ctx context.Context, tx *store.Tx, kind, id, form string) (Document, error) {
	form, err := Choose(kind, form)
	if err != nil {
		return Document{}, err
	}
	org, err := tx.Organisation(ctx)
	if err != nil {
		return Document{}, err
	}
	r := reader{ctx: ctx, tx: tx, products: map[string]torg.Product{}}
	var d Document
	switch kind {
	case "orders":
		d, err = r.order(id)
	case "sales-invoices":
		d, err = r.invoice(id)
	case "cash-receipts":
		d, err = r.cashReceipt(id)
	case "cash-expenses":
		d, err = r.cashExpense(id)
	case "transactions":
		d, err = r.receipt(id)
	}
	d.Form, d.Org = form, org
	return d, err
}

// Choose is the form of the kind that form names, the kind's first when form is ""; a form the kind
// does not print is a validation error naming "form".
func Choose(kind, form string) (string, error) {
	forms := Printable[kind]
	if form == "" && len(forms) > 0 {
		return forms[0], nil
	}
	if !contains(forms, form) {
		return "", torg.Invalid("form", "must be one of: %s", join(forms))
	}
	return form, nil
}

// reader reads what a form refers to, each product once.
type reader struct {
	ctx      context.Context
	tx       *store.Tx
	products map[string]torg.Product
}

func (r reader) product(id string) (torg.Product, error) {
	if p, ok := r.products[id]; ok {
		return p, nil
	}
	p, err := store.Products.Get(r.ctx, r.tx, id)
	r.products[id] = p
	return p, err
}

func (r reader) customer(id string) (Party, error) {
	c, err := store.Customers.Get(r.ctx, r.tx, id)
	return Party{Name: c.Name, INN: c.INN, Phone: c.Phone}, err
}

// lines turns document lines into form lines with their products' names and units.
func (r reader) lines(ls []torg.OrderLine) ([]Line, error) {
	out := make([]Line, 0, len(ls))
	for _, l := range ls {
		p, err := r.product(l.ProductID)
		if err != nil {
			return nil, err
		}
		out = append(out, line(Line{No: l.LineNo, Code: p.Code, Name: p.Name, Unit: p.Unit, Quantity: l.Quantity, Price: l.Price,
			Discount: l.Discount, Amount: l.Amount, VATRate: l.VATRate, VAT: l.VATAmount}))
	}
	return out, nil
}

// totals sums the lines' amounts, VAT and amounts without VAT.
func totals(d *Document) {
	d.Total, d.VAT, d.Net = 0, 0, 0
	for _, l := range d.Lines {
		d.Total += l.Amount
		d.VAT += l.VAT
		d.Net += l.Net
	}
}

func (r reader) order(id string) (Document, error) {
	o, err := r.tx.Order(r.ctx, id)
	if err != nil {
		return Document{}, err
	}
	d := Document{Number: o.Number, Date: o.Date, Comment: o.Comment}
	if d.Customer, err = r.customer(o.CustomerID); err != nil {
		return d, err
	}
	wh, err := store.Warehouses.Get(r.ctx, r.tx, o.WarehouseID)
	if err != nil {
		return d, err
	}
	d.Warehouse = wh.Name
	d.Lines, err = r.lines(o.Lines)
	totals(&d)
	return d, err
}

func (r reader) invoice(id string) (Document, error) {
	v, err := r.tx.SalesInvoice(r.ctx, id)
	if err != nil {
		return Document{}, err
	}
	d := Document{Number: v.Number, Date: v.Date, Basis: "Кассовый чек"}
	if d.Customer, err = r.customer(v.CustomerID); err != nil {
		return d, err
	}
	wh, err := store.Warehouses.Get(r.ctx, r.tx, v.WarehouseID)
	if err != nil {
		return d, err
	}
	d.Warehouse = wh.Name
	if v.OrderID != nil {
		o, err := r.tx.Order(r.ctx, *v.OrderID)
		if err != nil {
			return d, err
		}
		d.Basis = "Заказ покупателя № " + o.Number + " от " + o.Date.Local().Format("02.01.2006")
	}
	d.Lines, err = r.lines(v.Lines)
	totals(&d)
	return d, err
}

func (r reader) cashReceipt(id string) (Document, error) {
	c, err := r.tx.CashReceipt(r.ctx, id)
	if err != nil {
		return Document{}, err
	}
	d := Document{Number: c.Number, Date: c.Date, Amount: c.Amount}
	if c.CustomerID == nil { // a cash in («Внесение»): from whoever staff named, for no invoice
		d.Customer = Party{Name: c.Counterpart}
		d.Basis = "Внесение наличных в кассу ККМ"
		if c.Comment != "" {
			d.Basis += ": " + c.Comment
		}
	} else if d.Customer, err = r.customer(*c.CustomerID); err != nil {
		return d, err
	}
	if c.CashDeskID != nil {
		desk, err := store.CashDesks.Get(r.ctx, r.tx, *c.CashDeskID)
		if err != nil {
			return d, err
		}
		d.CashDesk = desk.Name
	}
	if c.NotPostedReason != nil {
		d.Reason = *c.NotPostedReason
	}
	if c.SalesInvoiceID == nil {
		return d, nil
	}
	v, err := r.tx.SalesInvoice(r.ctx, *c.SalesInvoiceID)
	if err != nil {
		return d, err
	}
	d.Basis = "Оплата по расходной накладной № " + v.Number + " от " + v.Date.Local().Format("02.01.2006")
	d.VAT = share(v.VATTotal, c.Amount, v.Total)
	return d, nil
}

// cashExpense makes a КО-2 of a cash expense order: paid to the customer on the grounds of the
// customer return for a refund, to the counterpart named on it for a cash out.
func (r reader) cashExpense(id string) (Document, error) {
	c, err := r.tx.CashExpense(r.ctx, id)
	if err != nil {
		return Document{}, err
	}
	d := Document{Number: c.Number, Date: c.Date, Amount: c.Amount, Comment: c.Comment, Customer: Party{Name: c.Counterpart}}
	if c.CustomerID != nil {
		if d.Customer, err = r.customer(*c.CustomerID); err != nil {
			return d, err
		}
	}
	if c.CashDeskID != nil {
		desk, err := store.CashDesks.Get(r.ctx, r.tx, *c.CashDeskID)
		if err != nil {
			return d, err
		}
		d.CashDesk = desk.Name
	}
	if c.NotPostedReason != nil {
		d.Reason = *c.NotPostedReason
	}
	switch {
	case c.CustomerReturnID != nil:
		ret, err := r.tx.CustomerReturn(r.ctx, *c.CustomerReturnID)
		if err != nil {
			return d, err
		}
		d.Basis = "Возврат товаров от покупателя № " + ret.Number + " от " + ret.Date.Local().Format("02.01.2006")
		d.Attachment = "кассовый чек возврата прихода"
	case c.Purpose == torg.PurposeCashOut:
		d.Basis, d.Attachment = "Выемка денежных средств из кассы", "отчёт кассира"
	}
	if c.Comment != "" {
		d.Basis = strings.TrimSpace(d.Basis + " " + c.Comment)
	}
	return d, nil
}

func (r reader) receipt(id string) (Document, error) {
	t, err := r.tx.Transaction(r.ctx, id)
	if err != nil {
		return Document{}, err
	}
	d := Document{Date: t.ClosedAt, Cashier: t.Cashier, Shift: t.ShiftNumber, ReceiptNo: t.ReceiptNumber, Refund: t.Kind == "return",
		Fiscal: t.Fiscal}
	d.Number = itoa(t.ReceiptNumber)
	reg, err := store.Registers.Get(r.ctx, r.tx, t.RegisterID)
	if err != nil {
		return d, err
	}
	d.Register = reg.Code + " " + reg.Name
	for i, l := range t.Lines {
		p, err := r.product(l.ProductID)
		if err != nil {
			return d, err
		}
		d.Lines = append(d.Lines, line(Line{No: i + 1, Code: p.Code, Name: p.Name, Unit: p.Unit, Quantity: l.Quantity, Price: l.Price,
			Discount: l.Discount, Amount: l.Amount, VATRate: p.VATRate}))
	}
	for _, p := range t.Payments {
		d.Payments = append(d.Payments, Payment{Type: p.Type, Amount: p.Amount})
	}
	totals(&d)
	if t.Fiscal != nil {
		d.QR = torg.ReceiptQR(t.ClosedAt, t.Total, *t.Fiscal, d.Refund)
	}
	return d, nil
}
