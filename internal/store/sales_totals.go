package store

import (
	"context"
	"slices"
	"strings"
)

// Sales totals (sales_hours, sales_product_months, migration 00020) are the posted sales invoices
// and customer returns summed per UTC hour, warehouse, register and cashier, and per UTC month,
// warehouse, register and product. They are written with the documents, in the same transaction,
// one sorted statement per table after the month totals (the lock order every writer keeps). The
// sales analysis reads whole hours or months from them and the documents of a period's partial
// first and last hour or month only (turnover.go).

const hourMicros = 3600 * 1_000_000

// hourOf is the first instant of the UTC hour of a time in microseconds.
func hourOf(us int64) int64 {
	h := us / hourMicros * hourMicros
	if h > us {
		h -= hourMicros
	}
	return h
}

// nextHour is the first instant of the hour after the one starting at h.
func nextHour(h int64) int64 { return h + hourMicros }

// salesSums are the sums of one row of the sales totals, in the tables' column order.
var salesSums = []string{"receipts", "quantity", "revenue", "vat", "returns", "return_count"}

// totalRow is one addition to a row of sales totals: its time bucket, owner key and sums.
type totalRow struct {
	bucket int64
	owner  []string
	sums   [6]int64
}

// totalsTable names a table of sales totals and its key columns: the bucket first, then the owner.
type totalsTable struct {
	table, bucket string
	owner         []string
}

var (
	salesHours         = totalsTable{table: "sales_hours", bucket: "hour", owner: []string{"warehouse_id", "register_id", "cashier"}}
	salesProductMonths = totalsTable{table: "sales_product_months", bucket: "month", owner: []string{"warehouse_id", "register_id", "product_id"}}
)

// addTotals adds the rows to the table: summed per key first, written in sorted order with one
// multi-row upsert per batch. A sum that would leave int64 within one batch is written in a
// statement of its own, as addMonths does.
func (tx *Tx) addTotals(ctx context.Context, t totalsTable, rows []totalRow) error {
	sums := map[string]*totalRow{}
	flush := func() error {
		if len(sums) == 0 {
			return nil
		}
		keys := make([]string, 0, len(sums))
		for k := range sums {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		width := 1 + len(t.owner) + len(salesSums)
		cols := t.bucket + ", " + strings.Join(t.owner, ", ") + ", " + strings.Join(salesSums, ", ")
		conflict := t.bucket + ", " + strings.Join(t.owner, ", ")
		set := make([]string, len(salesSums))
		for i, c := range salesSums {
			set[i] = c + " = " + t.table + "." + c + " + excluded." + c
		}
		for len(keys) > 0 {
			n := min(len(keys), maxParams/width)
			args := make([]any, 0, n*width)
			for _, k := range keys[:n] {
				r := sums[k]
				args = append(args, r.bucket)
				for _, o := range r.owner {
					args = append(args, o)
				}
				for _, s := range r.sums {
					args = append(args, s)
				}
			}
			if _, err := tx.exec(ctx, "INSERT INTO "+t.table+" ("+cols+") VALUES "+rowsOf(n, width)+
				" ON CONFLICT ("+conflict+") DO UPDATE SET "+strings.Join(set, ", "), args...); err != nil {
				return err
			}
			keys = keys[n:]
		}
		clear(sums)
		return nil
	}
	for _, r := range rows {
		k := itoa64(r.bucket) + "\x00" + strings.Join(r.owner, "\x00")
		s := sums[k]
		if s == nil {
			c := r
			sums[k] = &c
			continue
		}
		next, fits := s.sums, true
		for i := range next {
			var ok bool
			if next[i], ok = add64(next[i], r.sums[i]); !ok {
				fits = false
			}
		}
		if !fits {
			if err := flush(); err != nil {
				return err
			}
			c := r
			sums[k] = &c
			continue
		}
		s.sums = next
	}
	return flush()
}

// addSalesTotals adds the plans' sales invoices and customer returns to the sales totals.
func (tx *Tx) addSalesTotals(ctx context.Context, plans []*plan) error {
	var hours, products []totalRow
	for _, p := range plans {
		w := &p.Source
		date := micros(w.In.ClosedAt)
		if inv := p.Invoice; inv != nil {
			var quantity int64
			seen := map[string]int{} // a product's row of this invoice, by index
			for _, l := range inv.Lines {
				quantity += int64(l.Quantity) // a posted invoice's lines are checked against the stock, far inside int64
				i, ok := seen[l.ProductID]
				if !ok {
					i, seen[l.ProductID] = len(products), len(products)
					products = append(products, totalRow{bucket: monthOf(date), owner: []string{w.WarehouseID, w.RegisterID, l.ProductID}})
					products[i].sums[0] = 1
				}
				r := &products[i]
				r.sums[1] += int64(l.Quantity)
				r.sums[2] += int64(l.Amount)
				r.sums[3] += int64(l.VATAmount)
			}
			hours = append(hours, totalRow{bucket: hourOf(date), owner: []string{w.WarehouseID, w.RegisterID, w.In.Cashier},
				sums: [6]int64{1, quantity, int64(w.In.Total), int64(inv.VATTotal), 0, 0}})
		}
		if ret := p.Return; ret != nil {
			seen := map[string]int{}
			for _, l := range ret.Lines {
				i, ok := seen[l.ProductID]
				if !ok {
					i, seen[l.ProductID] = len(products), len(products)
					products = append(products, totalRow{bucket: monthOf(date), owner: []string{w.WarehouseID, w.RegisterID, l.ProductID}})
					products[i].sums[5] = 1
				}
				products[i].sums[4] += int64(l.Amount)
			}
			hours = append(hours, totalRow{bucket: hourOf(date), owner: []string{w.WarehouseID, w.RegisterID, w.In.Cashier},
				sums: [6]int64{0, 0, 0, 0, int64(w.In.Total), 1}})
		}
	}
	if err := tx.addTotals(ctx, salesHours, hours); err != nil {
		return err
	}
	return tx.addTotals(ctx, salesProductMonths, products)
}
