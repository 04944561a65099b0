package store

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"torg"
)

// This file holds the reads only the web UI needs: pickers, searches and names for display.

// CodeName is how a catalog item is shown: its code and name.
type CodeName struct {
	Code, Name string
}

// namedTables are the catalogs Names may read.
var namedTables = map[string]bool{"warehouses": true, "cash_desks": true, "customers": true, "products": true, "registers": true}

// Names returns the code and name of each listed item of a catalog table, by id.
func (tx *Tx) Names(ctx context.Context, table string, ids []string) (map[string]CodeName, error) {
	out := map[string]CodeName{}
	ids = dedupe(ids)
	if !namedTables[table] {
		return out, torg.Errorf(torg.CodeInternal, "no catalog table %q", table)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		err := tx.eachRow(ctx, func(row scanner) error {
			var id string
			var cn CodeName
			if err := row.Scan(&id, &cn.Code, &cn.Name); err != nil {
				return err
			}
			out[id] = cn
			return nil
		}, "SELECT id, code, name FROM "+table+" WHERE id IN ("+marks(n)+")", anys(ids[:n])...)
		if err != nil {
			return out, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// Users lists the web UI users by name.
func (tx *Tx) Users(ctx context.Context) ([]torg.User, error) {
	out, err := queryAll(ctx, tx, func(row scanner) (torg.User, error) {
		var u torg.User
		err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled)
		return u, err
	}, "SELECT id, name, role, disabled FROM users ORDER BY name")
	return orEmpty(out), err
}

// FindProducts lists up to limit products whose code or barcode is q, or whose code starts with q,
// or whose name contains it (exact matches first).
func (tx *Tx) FindProducts(ctx context.Context, q string, limit int) ([]torg.Product, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return []torg.Product{}, nil
	}
	like := likeEscape(q)
	out, err := queryAll(ctx, tx, func(row scanner) (torg.Product, error) {
		p := torg.NewProduct()
		err := row.Scan(&p.ID, &p.Code, &p.Name, &p.Unit, &p.VATRate, &p.Price)
		return p, err
	}, "SELECT id, code, name, unit, vat_rate, price FROM products p WHERE code = ? OR code LIKE ? ESCAPE '\\'"+
		" OR name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\'"+
		" OR id IN (SELECT product_id FROM product_barcodes WHERE barcode = ?)"+
		" ORDER BY CASE WHEN code = ? THEN 0 ELSE 1 END, code LIMIT ?",
		q, like+"%", "%"+like+"%", "%"+strings.ToLower(like)+"%", "%"+upperFirst(like)+"%", q, q, limit)
	return orEmpty(out), err
}

// likeEscape escapes the wildcards of a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// upperFirst upper-cases the first letter: SQLite's LIKE ignores case for ASCII only.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// ProductByText finds the one product whose code, barcode or exact name is text; "" when none is.
func (tx *Tx) ProductByText(ctx context.Context, text string) (string, error) {
	text = strings.TrimSpace(text)
	for _, q := range []string{"SELECT id FROM products WHERE code = ?", "SELECT product_id FROM product_barcodes WHERE barcode = ?",
		"SELECT id FROM products WHERE name = ?"} {
		var ids []string
		err := tx.eachRow(ctx, func(row scanner) error {
			var id string
			if err := row.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		}, q+" LIMIT 2", text)
		if err != nil {
			return "", err
		}
		if len(ids) == 1 {
			return ids[0], nil
		}
	}
	return "", nil
}

// OrderIDByNumber finds the order whose number (leading zeros optional) or external number is q; ""
// when none is.
func (tx *Tx) OrderIDByNumber(ctx context.Context, q string) (string, error) {
	q = strings.TrimSpace(q)
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil {
		n = -1
	}
	var id string
	err = tx.queryRow(ctx, "SELECT id FROM orders WHERE number = ? OR external_number = ? ORDER BY number LIMIT 1", n, q).Scan(&id)
	if errNoRows(err) {
		return "", nil
	}
	return id, err
}

// Available is, for each of the products, the stock of the warehouse that orders other than
// exceptOrderID leave free: on hand less their reservations (negative when they reserve more).
func (tx *Tx) Available(ctx context.Context, warehouseID, exceptOrderID string, productIDs []string) (map[string]torg.Quantity, error) {
	out := map[string]torg.Quantity{}
	ids := dedupe(productIDs)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := append([]any{warehouseID, warehouseID, exceptOrderID}, anys(ids[:n])...)
		err := tx.eachRow(ctx, func(row scanner) error {
			var id string
			var q int64
			if err := row.Scan(&id, &q); err != nil {
				return err
			}
			out[id] = torg.Quantity(q)
			return nil
		}, "SELECT p.id, CAST("+
			"COALESCE((SELECT b.on_hand FROM stock_balances b WHERE b.warehouse_id = ? AND b.product_id = p.id), 0) -"+
			" COALESCE((SELECT SUM(r.quantity) FROM reservations r WHERE r.warehouse_id = ? AND r.product_id = p.id AND r.order_id <> ?), 0) AS BIGINT)"+
			" FROM products p WHERE p.id IN ("+marks(n)+")", args...)
		if err != nil {
			return out, err
		}
		ids = ids[n:]
	}
	return out, nil
}
