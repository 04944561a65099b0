package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"torg"
)

// BenchmarkPeriodReportsOverAMillionMovements fills an SQLite store with a year of 1,000,000 stock
// movements (10 warehouses × 1,000 products; one in twenty a goods receipt line, the rest sales), as
// many cash and debt movements, and times each report over that year and over its last month
// (BENCHMARKS: docs/REPORTS.md). Run it with
// go test ./internal/store/ -run '^$' -bench PeriodReports -benchtime 5x
func BenchmarkPeriodReportsOverAMillionMovements(b *testing.B) {
	ctx := context.Background()
	// TORG_BENCH_DB keeps the filled database in that file to run again without filling it.
	path, kept := os.LookupEnv("TORG_BENCH_DB")
	if !kept {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	filled := kept && statErr == nil
	s, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const moves, warehouses, products = 1_000_000, 10, 1000
	step := 365 * 24 * time.Hour / moves
	err = s.Update(ctx, func(tx *Tx) error {
		if filled {
			return nil
		}
		var whs, prods, desks, custs, grs [][]any
		for i := range warehouses {
			whs = append(whs, []any{fmt.Sprintf("w%02d", i), fmt.Sprintf("W%02d", i), "w", 0, 0})
			desks = append(desks, []any{fmt.Sprintf("d%02d", i), fmt.Sprintf("D%02d", i), "d", 0, 0})
		}
		for i := range products {
			prods = append(prods, []any{fmt.Sprintf("p%04d", i), fmt.Sprintf("P%04d", i), "p", "шт", "22", 100, 0, 0})
			custs = append(custs, []any{fmt.Sprintf("c%04d", i), fmt.Sprintf("C%04d", i), "c", "", "", "", 0, 0})
		}
		for i := 0; i < moves; i += 20 {
			grs = append(grs, []any{fmt.Sprintf("m%07d", i), i + 1, micros(start.Add(time.Duration(i) * step)), fmt.Sprintf("w%02d", i%warehouses), true, 0, 0})
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"warehouses", []string{"id", "code", "name", "created_at", "updated_at"}, whs},
			{"cash_desks", []string{"id", "code", "name", "created_at", "updated_at"}, desks},
			{"products", []string{"id", "code", "name", "unit", "vat_rate", "price", "created_at", "updated_at"}, prods},
			{"customers", []string{"id", "code", "name", "phone", "email", "inn", "created_at", "updated_at"}, custs},
			{"goods_receipts", []string{"id", "number", "date", "warehouse_id", "posted", "total_cost", "created_at"}, grs},
		} {
			if err := tx.insertRows(ctx, t.table, t.cols, t.rows); err != nil {
				return err
			}
		}
		stock, cash, debt := make([]stockMove, 0, moves), make([]moneyMove, 0, moves), make([]moneyMove, 0, moves)
		for i := range moves {
			at := start.Add(time.Duration(i) * step)
			q := torg.Quantity(-1000)
			if i%20 == 0 {
				q = 40_000
			}
			doc := fmt.Sprintf("m%07d", i)
			stock = append(stock, stockMove{DocID: doc, LineNo: 1, Date: at, WarehouseID: fmt.Sprintf("w%02d", i%warehouses),
				ProductID: fmt.Sprintf("p%04d", i/warehouses%products), Quantity: q})
			cash = append(cash, moneyMove{DocID: doc, Date: at, Owner: fmt.Sprintf("d%02d", i%warehouses), Amount: 15000})
			debt = append(debt, moneyMove{DocID: doc, Date: at, Owner: fmt.Sprintf("c%04d", i%products), Amount: 15000})
		}
		if err := tx.moveStock(ctx, stock); err != nil {
			return err
		}
		if err := tx.moveCash(ctx, cash...); err != nil {
			return err
		}
		return tx.moveDebt(ctx, debt...)
	})
	if err != nil {
		b.Fatal(err)
	}
	year := torg.Period{From: start, To: start.AddDate(1, 0, 0)}
	month := torg.Period{From: start.AddDate(0, 11, 0), To: start.AddDate(1, 0, 0)}
	// Days as a person picks them: the period starts and ends inside a month.
	days := torg.Period{From: start.AddDate(0, 0, 14), To: start.AddDate(0, 11, 20)}
	for _, r := range []struct {
		name string
		run  func(tx *Tx, p torg.Period) error
	}{
		{"stock", func(tx *Tx, p torg.Period) error { _, err := tx.StockTurnover(ctx, p, "", ""); return err }},
		{"stock-one-warehouse", func(tx *Tx, p torg.Period) error { _, err := tx.StockTurnover(ctx, p, "w03", ""); return err }},
		{"cash", func(tx *Tx, p torg.Period) error { _, err := tx.CashTurnover(ctx, p, ""); return err }},
		{"settlements", func(tx *Tx, p torg.Period) error { _, err := tx.SettlementTurnover(ctx, p, ""); return err }},
	} {
		for _, p := range []struct {
			name string
			p    torg.Period
		}{{"year", year}, {"last-month", month}, {"jan-15-to-dec-20", days}} {
			b.Run(r.name+"/"+p.name, func(b *testing.B) {
				for b.Loop() {
					if err := s.View(ctx, func(tx *Tx) error { return r.run(tx, p.p) }); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSalesAnalysisOverAYear fills an SQLite store with a year of sales as the movements of
// BenchmarkPeriodReportsOverAMillionMovements make them: of 1,000,000 movements over 10 warehouses and
// 1,000 products, the 950,000 that are not goods receipt lines, each a processed transaction of its
// warehouse's register (20 cashiers) and a posted sales invoice of one line, 1 unit at 150.00 with
// 22 % VAT, with the sales totals; and times the sales analysis by day, register, cashier and product, and of one product,
// over the year, its last month, and 15 January to 20 December (BENCHMARKS: docs/REPORTS.md). The
// sales analysis reads the sales totals and the sales invoices alone, so the stock, cash and debt
// movements are not written. Run it with
// go test ./internal/store/ -run '^$' -bench SalesAnalysis -benchtime 3x
func BenchmarkSalesAnalysisOverAYear(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "sales.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const moves = 1_000_000
	step := 365 * 24 * time.Hour / moves
	if err := s.Update(ctx, func(tx *Tx) error { return fillSales(ctx, tx, start, step, moves) }); err != nil {
		b.Fatal(err)
	}
	year := torg.Period{From: start, To: start.AddDate(1, 0, 0)}
	month := torg.Period{From: start.AddDate(0, 11, 0), To: start.AddDate(1, 0, 0)}
	days := torg.Period{From: start.AddDate(0, 0, 14), To: start.AddDate(0, 11, 20)}
	for _, r := range []struct {
		name, by string
		f        SalesFilters
	}{
		{"by-day", "day", SalesFilters{}},
		{"by-register", "register", SalesFilters{}},
		{"by-cashier", "cashier", SalesFilters{}},
		{"by-product", "product", SalesFilters{}},
		{"one-product-by-day", "day", SalesFilters{ProductID: "p0042"}},
		{"one-register-by-day", "day", SalesFilters{RegisterID: "r03"}},
	} {
		for _, p := range []struct {
			name string
			p    torg.Period
		}{{"year", year}, {"last-month", month}, {"jan-15-to-dec-20", days}} {
			b.Run(r.name+"/"+p.name, func(b *testing.B) {
				for b.Loop() {
					if err := s.View(ctx, func(tx *Tx) error { _, err := tx.SalesAnalysis(ctx, p.p, r.by, r.f); return err }); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// fillSales writes the catalogs and the sales of BenchmarkSalesAnalysisOverAYear, the rows made by
// SQLite itself from a series of numbers, and the sales totals from them as migration 00020 fills
// them in an upgraded database.
func fillSales(ctx context.Context, tx *Tx, start time.Time, step time.Duration, moves int) error {
	series := func(n int, insert string, args ...any) error {
		_, err := tx.exec(ctx, fmt.Sprintf("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ", n-1)+insert, args...)
		return err
	}
	at := fmt.Sprintf("%d + i * %d", micros(start), step.Microseconds())
	for _, q := range []struct {
		n      int
		insert string
	}{
		{10, "INSERT INTO warehouses (id, code, name, created_at, updated_at) SELECT printf('w%02d', i), printf('W%02d', i), 'w', 0, 0 FROM n"},
		{10, "INSERT INTO cash_desks (id, code, name, created_at, updated_at) SELECT printf('d%02d', i), printf('D%02d', i), 'd', 0, 0 FROM n"},
		{10, "INSERT INTO registers (id, code, name, warehouse_id, accepts_orders, auto_load_orders, cash_desk_id, created_at, updated_at)" +
			" SELECT printf('r%02d', i), printf('R%02d', i), 'r', printf('w%02d', i), 1, 0, printf('d%02d', i), 0, 0 FROM n"},
		{1000, "INSERT INTO products (id, code, name, unit, vat_rate, price, created_at, updated_at) SELECT printf('p%04d', i), printf('P%04d', i), 'p', 'шт', '22', 15000, 0, 0 FROM n"},
		{1000, "INSERT INTO customers (id, code, name, phone, email, inn, created_at, updated_at) SELECT printf('c%04d', i), printf('C%04d', i), 'c', '', '', '', 0, 0 FROM n"},
		{moves, "INSERT INTO transactions (id, register_id, shift_number, receipt_number, closed_at, cashier, total, cash_amount, card_amount," +
			" body, content_hash, state, received_at, sales_invoice_id) SELECT printf('t%07d', i), printf('r%02d', i % 10), 1, i, " + at +
			", printf('cashier %02d', i % 20), 15000, 15000, 0, '{}', x'00', 'processed', " + at + ", printf('m%07d', i) FROM n WHERE i % 20 <> 0"},
		{moves, "INSERT INTO sales_invoices (id, number, date, posted, transaction_id, register_id, customer_id, warehouse_id, total, vat_total, created_at)" +
			" SELECT printf('m%07d', i), i + 1, " + at + ", 1, printf('t%07d', i), printf('r%02d', i % 10), printf('c%04d', i % 1000)," +
			" printf('w%02d', i % 10), 15000, 2705, " + at + " FROM n WHERE i % 20 <> 0"},
		{moves, "INSERT INTO sales_invoice_lines (invoice_id, line_no, product_id, quantity, price, discount, amount, vat_rate, vat_amount)" +
			" SELECT printf('m%07d', i), 1, printf('p%04d', i / 10 % 1000), 1000, 15000, 0, 15000, '22', 2705 FROM n WHERE i % 20 <> 0"},
	} {
		if err := series(q.n, q.insert); err != nil {
			return err
		}
	}
	return tx.RebuildSalesTotals(ctx)
}
