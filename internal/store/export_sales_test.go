package store

import (
	"context"
	"io/fs"
	"strings"

	"torg"
)

// SalesAnalysisRaw is the sales analysis read from the documents alone, without the sales totals:
// what the report must equal.
func (tx *Tx) SalesAnalysisRaw(ctx context.Context, p torg.Period, by string, f SalesFilters) ([]torg.SalesRow, error) {
	from, to := micros(p.From), micros(p.To)
	if by != "product" {
		return tx.salesRaw(ctx, from, to, by, f)
	}
	var parts salesParts
	parts.productLines(salesEdge{lo: from, hi: to, sign: 1}, f)
	return tx.salesFold(ctx, parts, false)
}

// RebuildSalesTotals empties the sales totals and fills them again with the backfill of migration
// 00020, as an upgraded database gets them.
func (tx *Tx) RebuildSalesTotals(ctx context.Context) error {
	src, err := fs.ReadFile(migrations, "migrations/"+tx.d.name+"/00020_sales_totals.sql")
	if err != nil {
		return err
	}
	up, _, _ := strings.Cut(string(src), "-- +goose Down")
	for _, table := range []string{"sales_hours", "sales_product_months"} {
		if _, err := tx.exec(ctx, "DELETE FROM "+table); err != nil {
			return err
		}
	}
	for _, stmt := range strings.Split(up, ";") {
		if i := strings.Index(stmt, "INSERT INTO sales_"); i >= 0 {
			if _, err := tx.exec(ctx, stmt[i:]); err != nil {
				return err
			}
		}
	}
	return nil
}

// SalesTotals is every row of the sales totals as text, in key order.
func (tx *Tx) SalesTotals(ctx context.Context) ([]string, error) {
	var out []string
	for _, q := range []string{
		"SELECT 'h', hour, warehouse_id, register_id, cashier, receipts, quantity, revenue, vat, returns, return_count FROM sales_hours" +
			" ORDER BY hour, warehouse_id, register_id, cashier",
		"SELECT 'p', month, warehouse_id, register_id, product_id, receipts, quantity, revenue, vat, returns, return_count FROM sales_product_months" +
			" ORDER BY month, warehouse_id, register_id, product_id",
	} {
		err := tx.eachRow(ctx, func(row scanner) error {
			var kind, a, b, c string
			var bucket int64
			var sums [6]int64Cell
			if err := row.Scan(&kind, &bucket, &a, &b, &c, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4], &sums[5]); err != nil {
				return err
			}
			line := kind + " " + itoa64(bucket) + " " + a + " " + b + " " + c
			for _, s := range sums {
				line += " " + itoa64(s.v)
			}
			out = append(out, line)
			return nil
		}, q)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
