package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"torg"
)

// Warehouses is the catalog of warehouses.
var Warehouses = &Catalog[torg.Warehouse, torg.WarehouseInput]{
	table: "warehouses", noun: "warehouse",
	zero: func() torg.Warehouse { return torg.Warehouse{} },
	cols: []string{"code", "name"},
	vals: func(w *torg.Warehouse) []any { return []any{w.Code, w.Name} },
	scan: func(r scanner, w *torg.Warehouse) error { return r.Scan(&w.ID, &w.Code, &w.Name) },
	id:   func(w *torg.Warehouse) *string { return &w.ID },
	code: func(w *torg.Warehouse) string { return w.Code },
}

// CashDesks is the catalog of cash desks.
var CashDesks = &Catalog[torg.CashDesk, torg.CashDeskInput]{
	table: "cash_desks", noun: "cash desk",
	zero: func() torg.CashDesk { return torg.CashDesk{} },
	cols: []string{"code", "name"},
	vals: func(c *torg.CashDesk) []any { return []any{c.Code, c.Name} },
	scan: func(r scanner, c *torg.CashDesk) error { return r.Scan(&c.ID, &c.Code, &c.Name) },
	id:   func(c *torg.CashDesk) *string { return &c.ID },
	code: func(c *torg.CashDesk) string { return c.Code },
}

// Customers is the catalog of customers; the retail customer is made by the first migration.
var Customers = &Catalog[torg.Customer, torg.CustomerInput]{
	table: "customers", noun: "customer",
	zero: func() torg.Customer { return torg.Customer{} },
	cols: []string{"code", "name", "phone", "email", "inn"},
	vals: func(c *torg.Customer) []any { return []any{c.Code, c.Name, c.Phone, c.Email, c.INN} },
	scan: func(r scanner, c *torg.Customer) error {
		return r.Scan(&c.ID, &c.Code, &c.Name, &c.Phone, &c.Email, &c.INN)
	},
	id:   func(c *torg.Customer) *string { return &c.ID },
	code: func(c *torg.Customer) string { return c.Code },
}

// Products is the catalog of products with their barcodes.
var Products = &Catalog[torg.Product, torg.ProductInput]{
	table: "products", noun: "product",
	zero: torg.NewProduct,
	cols: []string{"code", "name", "unit", "vat_rate", "price"},
	vals: func(p *torg.Product) []any { return []any{p.Code, p.Name, p.Unit, string(p.VATRate), int64(p.Price)} },
	scan: func(r scanner, p *torg.Product) error {
		p.Barcodes = []string{}
		return r.Scan(&p.ID, &p.Code, &p.Name, &p.Unit, &p.VATRate, &p.Price)
	},
	id:   func(p *torg.Product) *string { return &p.ID },
	code: func(p *torg.Product) string { return p.Code },
	save: saveBarcodes,
	load: loadBarcodes,
}

// saveBarcodes replaces the product's barcodes; a barcode of another product is a duplicate.
func saveBarcodes(ctx context.Context, tx *Tx, p *torg.Product) error {
	if _, err := tx.exec(ctx, "DELETE FROM product_barcodes WHERE product_id = ?", p.ID); err != nil {
		return err
	}
	for i, b := range p.Barcodes {
		_, err := tx.exec(ctx, "INSERT INTO product_barcodes (barcode, product_id, position) VALUES (?, ?, ?)", b, p.ID, i)
		if err != nil {
			return duplicate(translate(err), "barcodes["+strconv.Itoa(i)+"]", b)
		}
	}
	return nil
}

// loadBarcodes fills the barcodes of the products with one query.
func loadBarcodes(ctx context.Context, tx *Tx, ps []torg.Product) error {
	byID := make(map[string]*torg.Product, len(ps))
	args := make([]any, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
		args[i] = ps[i].ID
	}
	err := tx.eachRow(ctx, func(row scanner) error {
		var id, barcode string
		if err := row.Scan(&id, &barcode); err != nil {
			return err
		}
		p := byID[id]
		p.Barcodes = append(p.Barcodes, barcode)
		return nil
	}, "SELECT product_id, barcode FROM product_barcodes WHERE product_id IN (?"+
		strings.Repeat(", ?", len(ps)-1)+") ORDER BY product_id, position", args...)
	if err != nil {
		return err
	}
	return nil
}

// Registers is the catalog of cash registers. last_seen_at and acked_seq are kept by the exchange.
var Registers = &Catalog[torg.Register, torg.RegisterInput]{
	table: "registers", noun: "register",
	zero:  func() torg.Register { return torg.Register{} },
	cols:  []string{"code", "name", "warehouse_id", "accepts_orders", "auto_load_orders", "cash_desk_id"},
	extra: []string{"last_seen_at", "acked_seq"},
	vals: func(r *torg.Register) []any {
		return []any{r.Code, r.Name, r.WarehouseID, r.AcceptsOrders, r.AutoLoadOrders, r.CashDeskID}
	},
	scan:  scanRegister,
	id:    func(r *torg.Register) *string { return &r.ID },
	code:  func(r *torg.Register) string { return r.Code },
	check: checkRegister,
}

func scanRegister(s scanner, r *torg.Register) error {
	var cashDesk sql.NullString
	err := s.Scan(&r.ID, &r.Code, &r.Name, &r.WarehouseID, &r.AcceptsOrders, &r.AutoLoadOrders, &cashDesk,
		nullMicros{&r.LastSeenAt}, &r.AckedSeq)
	r.CashDeskID = nil
	if cashDesk.Valid {
		r.CashDeskID = &cashDesk.String
	}
	return err
}

// checkRegister names the warehouse or cash desk a register refers to that does not exist.
func checkRegister(ctx context.Context, tx *Tx, r *torg.Register) error {
	var f torg.Fields
	if ok, err := tx.exists(ctx, "warehouses", r.WarehouseID); err != nil {
		return err
	} else if !ok {
		f.Add("warehouse_id", "no warehouse has this id")
	}
	if r.CashDeskID != nil {
		if ok, err := tx.exists(ctx, "cash_desks", *r.CashDeskID); err != nil {
			return err
		} else if !ok {
			f.Add("cash_desk_id", "no cash desk has this id")
		}
	}
	return f.Err()
}
