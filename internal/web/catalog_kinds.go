package web

import (
	"net/url"
	"strings"

	"torg"
	"torg/internal/store"
)

// catalogs are the catalog pages, in the navigation's order.
func (u *UI) catalogs() []catalog {
	codeName := []fieldSpec{{"code", "f.code", "text"}, {"name", "f.name", "text"}}
	return []catalog{
		&catalogOf[torg.Warehouse, torg.WarehouseInput]{u: u, name: "warehouses", cat: store.Warehouses, fields: codeName,
			columns: []string{"f.code", "f.name"}, id: func(w *torg.Warehouse) string { return w.ID },
			values: func(_ fmtr, w *torg.Warehouse) url.Values { return url.Values{"code": {w.Code}, "name": {w.Name}} },
			input: func(v url.Values, _ *torg.Fields) torg.WarehouseInput {
				return torg.WarehouseInput{Code: torg.Of(v.Get("code")), Name: torg.Of(v.Get("name"))}
			},
			cells: func(_ fmtr, w *torg.Warehouse, _ map[string]string) []cell { return []cell{w.Code, w.Name} }},
		&catalogOf[torg.CashDesk, torg.CashDeskInput]{u: u, name: "cash-desks", cat: store.CashDesks, fields: codeName, adminOnly: true,
			columns: []string{"f.code", "f.name"}, id: func(c *torg.CashDesk) string { return c.ID },
			values: func(_ fmtr, c *torg.CashDesk) url.Values { return url.Values{"code": {c.Code}, "name": {c.Name}} },
			input: func(v url.Values, _ *torg.Fields) torg.CashDeskInput {
				return torg.CashDeskInput{Code: torg.Of(v.Get("code")), Name: torg.Of(v.Get("name"))}
			},
			cells: func(_ fmtr, c *torg.CashDesk, _ map[string]string) []cell { return []cell{c.Code, c.Name} }},
		u.productsCatalog(codeName),
		u.customersCatalog(codeName),
		u.registersCatalog(codeName),
	}
}

func (u *UI) productsCatalog(codeName []fieldSpec) catalog {
	return &catalogOf[torg.Product, torg.ProductInput]{u: u, name: "products", cat: store.Products,
		fields: append(codeName[:2:2], fieldSpec{"unit", "f.unit", "text"}, fieldSpec{"vat_rate", "f.vat_rate", "vat"},
			fieldSpec{"price", "f.price", "money"}, fieldSpec{"barcodes", "f.barcodes", "barcodes"}),
		columns: []string{"f.code", "f.name", "f.unit", "f.vat_rate", "f.price", "f.barcodes"},
		id:      func(p *torg.Product) string { return p.ID },
		values: func(f fmtr, p *torg.Product) url.Values {
			return url.Values{"code": {p.Code}, "name": {p.Name}, "unit": {p.Unit}, "vat_rate": {string(p.VATRate)},
				"price": {f.moneyInput(p.Price)}, "barcodes": {strings.Join(p.Barcodes, " ")}}
		},
		input: func(v url.Values, bad *torg.Fields) torg.ProductInput {
			price, err := parseMoney(v.Get("price"))
			if err != nil {
				bad.Add("price", "%s", err.Error())
			}
			return torg.ProductInput{Code: torg.Of(v.Get("code")), Name: torg.Of(v.Get("name")), Unit: torg.Of(v.Get("unit")),
				VATRate: torg.Of(torg.VATRate(v.Get("vat_rate"))), Price: torg.Of(price),
				Barcodes: torg.Of(strings.FieldsFunc(v.Get("barcodes"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }))}
		},
		cells: func(f fmtr, p *torg.Product, _ map[string]string) []cell {
			return []cell{p.Code, p.Name, p.Unit, vatLabel(f.lang, p.VATRate), p.Price, strings.Join(p.Barcodes, ", ")}
		}}
}

func (u *UI) customersCatalog(codeName []fieldSpec) catalog {
	return &catalogOf[torg.Customer, torg.CustomerInput]{u: u, name: "customers", cat: store.Customers,
		fields: append(codeName[:2:2], fieldSpec{"phone", "f.phone", "text"}, fieldSpec{"email", "f.email", "text"},
			fieldSpec{"inn", "f.inn", "text"}),
		columns: []string{"f.code", "f.name", "f.phone", "f.email", "f.inn"},
		id:      func(c *torg.Customer) string { return c.ID },
		values: func(_ fmtr, c *torg.Customer) url.Values {
			return url.Values{"code": {c.Code}, "name": {c.Name}, "phone": {c.Phone}, "email": {c.Email}, "inn": {c.INN}}
		},
		input: func(v url.Values, _ *torg.Fields) torg.CustomerInput {
			return torg.CustomerInput{Code: torg.Of(v.Get("code")), Name: torg.Of(v.Get("name")), Phone: torg.Of(v.Get("phone")),
				Email: torg.Of(v.Get("email")), INN: torg.Of(v.Get("inn"))}
		},
		cells: func(_ fmtr, c *torg.Customer, _ map[string]string) []cell {
			return []cell{c.Code, c.Name, c.Phone, c.Email, c.INN}
		}}
}

func (u *UI) registersCatalog(codeName []fieldSpec) catalog {
	return &catalogOf[torg.Register, torg.RegisterInput]{u: u, name: "registers", cat: store.Registers, adminOnly: true,
		fields: append(codeName[:2:2], fieldSpec{"warehouse_id", "f.warehouse", "warehouse"},
			fieldSpec{"accepts_orders", "f.accepts_orders", "bool"}, fieldSpec{"auto_load_orders", "f.auto_load_orders", "bool"},
			fieldSpec{"cash_desk_id", "f.cash_desk", "cashdesk"}),
		columns: []string{"f.code", "f.name", "f.warehouse", "f.accepts_orders", "f.auto_load_orders", "f.cash_desk", "f.last_seen", "f.acked_seq"},
		id:      func(r *torg.Register) string { return r.ID },
		values: func(_ fmtr, r *torg.Register) url.Values {
			v := url.Values{"code": {r.Code}, "name": {r.Name}, "warehouse_id": {r.WarehouseID}, "cash_desk_id": {deref(r.CashDeskID)}}
			if r.AcceptsOrders {
				v.Set("accepts_orders", "on")
			}
			if r.AutoLoadOrders {
				v.Set("auto_load_orders", "on")
			}
			return v
		},
		input: func(v url.Values, _ *torg.Fields) torg.RegisterInput {
			in := torg.RegisterInput{Code: torg.Of(v.Get("code")), Name: torg.Of(v.Get("name")), WarehouseID: torg.Of(v.Get("warehouse_id")),
				AcceptsOrders: torg.Of(v.Get("accepts_orders") == "on"), AutoLoadOrders: torg.Of(v.Get("auto_load_orders") == "on"),
				CashDeskID: torg.Of(v.Get("cash_desk_id"))}
			if v.Get("cash_desk_id") == "" {
				in.CashDeskID = torg.Opt[string]{Set: true, Null: true}
			}
			return in
		},
		cells: func(f fmtr, r *torg.Register, names map[string]string) []cell {
			return []cell{r.Code, r.Name, names[r.WarehouseID], check(r.AcceptsOrders), check(r.AutoLoadOrders),
				names[deref(r.CashDeskID)], sinceText(f.lang, r.LastSeenAt), r.AckedSeq}
		}}
}

func check(b bool) string {
	if b {
		return "✓"
	}
	return ""
}
