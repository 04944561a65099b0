package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// monthsHistory is a random history of three years of movements, some at the very first instant of
// a month, of two products in two warehouses, two cash desks and two customers.
type monthsHistory struct {
	stock []torg.StockMove
	cash  []torg.MoneyMove
	debt  []torg.MoneyMove
	recv  map[string]bool // the goods receipts among the stock movements' documents
}

func makeMonthsHistory(t *testing.T, s *store.Store) monthsHistory {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(17, 2026))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func() time.Time {
		if rng.IntN(6) == 0 { // the first instant of a month, or the last one before it
			d := start.AddDate(0, rng.IntN(36), 0)
			if rng.IntN(2) == 0 {
				d = d.Add(-time.Microsecond)
			}
			return d
		}
		return start.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
	}
	h := monthsHistory{recv: map[string]bool{}}
	err := s.Update(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			"INSERT INTO warehouses (id, code, name, created_at, updated_at) VALUES ('w1', 'W1', 'w', 0, 0), ('w2', 'W2', 'w', 0, 0)",
			"INSERT INTO cash_desks (id, code, name, created_at, updated_at) VALUES ('d1', 'D1', 'd', 0, 0), ('d2', 'D2', 'd', 0, 0)",
			"INSERT INTO products (id, code, name, unit, vat_rate, price, created_at, updated_at) VALUES ('p1', 'P1', 'p', 'шт', '22', 100, 0, 0), ('p2', 'P2', 'p', 'шт', '22', 100, 0, 0)",
			"INSERT INTO customers (id, code, name, phone, email, inn, created_at, updated_at) VALUES ('c1', 'C1', 'c', '', '', '', 0, 0), ('c2', 'C2', 'c', '', '', '', 0, 0)",
		} {
			if err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		for i := range 600 {
			doc, date := fmt.Sprintf("doc%04d", i), at()
			q := torg.Quantity(rng.Int64N(20_000) - 12_000)
			if q >= 0 && rng.IntN(2) == 0 { // a goods receipt; the other comings in are returns
				q++
				h.recv[doc] = true
				if err := tx.Exec(ctx, "INSERT INTO goods_receipts (id, number, date, warehouse_id, posted, total_cost, created_at) VALUES (?, ?, ?, 'w1', true, 0, 0)",
					doc, i+1, date.UnixMicro()); err != nil {
					return err
				}
			}
			h.stock = append(h.stock, torg.StockMove{DocID: doc, LineNo: 1, Date: date, WarehouseID: []string{"w1", "w2"}[rng.IntN(2)],
				ProductID: []string{"p1", "p2"}[rng.IntN(2)], Quantity: q})
			h.cash = append(h.cash, torg.MoneyMove{DocID: doc, Date: at(), Owner: []string{"d1", "d2"}[rng.IntN(2)], Amount: torg.Money(rng.Int64N(100_000) - 40_000)})
			h.debt = append(h.debt, torg.MoneyMove{DocID: doc, Date: at(), Owner: []string{"c1", "c2"}[rng.IntN(2)], Amount: torg.Money(rng.Int64N(100_000) - 50_000)})
		}
		// In batches, as documents post them.
		for i := 0; i < len(h.stock); i += 50 {
			if err := tx.MoveStock(ctx, h.stock[i:i+50]); err != nil {
				return err
			}
			if err := tx.MoveCashes(ctx, h.cash[i:i+50]); err != nil {
				return err
			}
			if err := tx.MoveDebts(ctx, h.debt[i:i+50]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestPeriodReportsReadMonthTotalsExactly: over random periods — within one month, across a month's
// first instant, over whole months and years, starting or ending exactly at a month — every figure of
// the stock, cash and settlement turnovers equals the sums of the movements.
func TestPeriodReportsReadMonthTotalsExactly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := makeMonthsHistory(t, s)
		rng := rand.New(rand.NewPCG(5, 16))
		start := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
		bound := func() time.Time {
			switch rng.IntN(4) {
			case 0:
				return start.AddDate(0, rng.IntN(40), 0)
			case 1:
				return start.AddDate(0, rng.IntN(40), rng.IntN(28)).In(time.Local)
			}
			return start.Add(time.Duration(rng.Int64N(int64(40 * 31 * 24 * time.Hour))))
		}
		for range 60 {
			p := torg.Period{From: bound(), To: bound()}
			if !p.From.Before(p.To) {
				p.From, p.To = p.To, p.From.Add(time.Duration(rng.IntN(3))*time.Hour+time.Microsecond)
			}
			before := func(d time.Time) bool { return d.Before(p.From) }
			in := func(d time.Time) bool { return !d.Before(p.From) && d.Before(p.To) }
			err := s.View(ctx, func(tx *store.Tx) error {
				stock, err := tx.StockTurnover(ctx, p, "", "")
				if err != nil {
					return err
				}
				type key struct{ w, p string }
				want := map[key]*torg.StockTurnover{}
				for _, m := range h.stock {
					if !m.Date.Before(p.To) {
						continue
					}
					k := key{m.WarehouseID, m.ProductID}
					r := want[k]
					if r == nil {
						r = &torg.StockTurnover{WarehouseID: m.WarehouseID, ProductID: m.ProductID}
						want[k] = r
					}
					switch {
					case before(m.Date):
						r.Opening += m.Quantity
					case in(m.Date) && m.Quantity > 0 && h.recv[m.DocID]:
						r.Receipts += m.Quantity
					case in(m.Date) && m.Quantity > 0:
						r.Returns += m.Quantity
					case in(m.Date):
						r.Shipments -= m.Quantity
					}
				}
				if len(stock) != len(want) {
					t.Errorf("%v – %v: %d stock rows, want %d", p.From, p.To, len(stock), len(want))
				}
				for _, got := range stock {
					w := want[key{got.WarehouseID, got.ProductID}]
					if w == nil {
						t.Errorf("a stock row the history does not have: %+v", got)
						continue
					}
					w.Closing = w.Opening + w.Receipts - w.Shipments + w.Returns
					w.ProductCode, w.Reserved, w.Available = got.ProductCode, got.Reserved, got.Available
					if got != *w {
						t.Errorf("%v – %v: stock %+v, want %+v", p.From, p.To, got, *w)
					}
				}
				cash, err := tx.CashTurnover(ctx, p, "")
				if err != nil {
					return err
				}
				wantCash := map[string]*torg.CashTurnover{"d1": {CashDeskID: "d1"}, "d2": {CashDeskID: "d2"}}
				for _, m := range h.cash {
					r := wantCash[m.Owner]
					switch {
					case before(m.Date):
						r.Opening += m.Amount
					case in(m.Date) && m.Amount > 0:
						r.In += m.Amount
					case in(m.Date):
						r.Out -= m.Amount
					}
				}
				for _, got := range cash {
					w := wantCash[got.CashDeskID]
					w.Closing = w.Opening + w.In - w.Out
					if got != *w {
						t.Errorf("%v – %v: cash %+v, want %+v", p.From, p.To, got, *w)
					}
				}
				debt, err := tx.SettlementTurnover(ctx, p, "")
				if err != nil {
					return err
				}
				wantDebt := map[string]*torg.SettlementTurnover{}
				for _, m := range h.debt {
					if !m.Date.Before(p.To) {
						continue
					}
					r := wantDebt[m.Owner]
					if r == nil {
						r = &torg.SettlementTurnover{CustomerID: m.Owner}
						wantDebt[m.Owner] = r
					}
					if before(m.Date) {
						r.Opening += m.Amount
					} else {
						r.Paid -= m.Amount // no sales invoice nor customer return among these documents
					}
				}
				if len(debt) != len(wantDebt) {
					t.Errorf("%v – %v: %d settlement rows, want %d", p.From, p.To, len(debt), len(wantDebt))
				}
				for _, got := range debt {
					w := wantDebt[got.CustomerID]
					w.Closing = w.Opening - w.Paid
					if got != *w {
						t.Errorf("%v – %v: settlement %+v, want %+v", p.From, p.To, got, *w)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestMonthTotalsAreFilledFromTheMovementsOnUpgrade: a database of the schema before the month
// totals (migration 00017) with movements gets its month totals from them when it migrates, so that
// the reports read the same.
func TestMonthTotalsAreFilledFromTheMovementsOnUpgrade(t *testing.T) {
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, dialect)
			fresh := storetest.New(t, dialect)
			h := makeMonthsHistory(t, fresh)
			old, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			// the schema before 00017_month_totals.sql, whatever migrations came after it
			if err := old.MigrateTo(ctx, 16); err != nil {
				t.Fatal(err)
			}
			// The same history, written as the release before the month totals wrote it: movements and balances only.
			err = old.Update(ctx, func(tx *store.Tx) error {
				for _, q := range []string{
					"INSERT INTO warehouses (id, code, name, created_at, updated_at) VALUES ('w1', 'W1', 'w', 0, 0), ('w2', 'W2', 'w', 0, 0)",
					"INSERT INTO cash_desks (id, code, name, created_at, updated_at) VALUES ('d1', 'D1', 'd', 0, 0), ('d2', 'D2', 'd', 0, 0)",
					"INSERT INTO products (id, code, name, unit, vat_rate, price, created_at, updated_at) VALUES ('p1', 'P1', 'p', 'шт', '22', 100, 0, 0), ('p2', 'P2', 'p', 'шт', '22', 100, 0, 0)",
					"INSERT INTO customers (id, code, name, phone, email, inn, created_at, updated_at) VALUES ('c1', 'C1', 'c', '', '', '', 0, 0), ('c2', 'C2', 'c', '', '', '', 0, 0)",
				} {
					if err := tx.Exec(ctx, q); err != nil {
						return err
					}
				}
				for i, m := range h.stock {
					if h.recv[m.DocID] {
						if err := tx.Exec(ctx, "INSERT INTO goods_receipts (id, number, date, warehouse_id, posted, total_cost, created_at) VALUES (?, ?, ?, 'w1', true, 0, 0)",
							m.DocID, i+1, m.Date.UnixMicro()); err != nil {
							return err
						}
					}
					if err := tx.Exec(ctx, "INSERT INTO stock_moves (doc_id, line_no, date, warehouse_id, product_id, quantity) VALUES (?, 1, ?, ?, ?, ?)",
						m.DocID, m.Date.UnixMicro(), m.WarehouseID, m.ProductID, int64(m.Quantity)); err != nil {
						return err
					}
				}
				for i := range h.cash {
					c, d := h.cash[i], h.debt[i]
					if err := tx.Exec(ctx, "INSERT INTO cash_moves (doc_id, date, cash_desk_id, amount) VALUES (?, ?, ?, ?)", c.DocID, c.Date.UnixMicro(), c.Owner, int64(c.Amount)); err != nil {
						return err
					}
					if err := tx.Exec(ctx, "INSERT INTO debt_moves (doc_id, date, customer_id, amount) VALUES (?, ?, ?, ?)", d.DocID, d.Date.UnixMicro(), d.Owner, int64(d.Amount)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := old.Migrate(ctx, discardLog); err != nil {
				t.Fatal(err)
			}
			periods := []torg.Period{
				{From: time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)},
				{From: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
				{From: time.Date(2026, 6, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 25, 0, 0, 0, 0, time.UTC)},
			}
			type reports struct {
				stock []torg.StockTurnover
				cash  []torg.CashTurnover
				debt  []torg.SettlementTurnover
			}
			read := func(s *store.Store, p torg.Period) (r reports) {
				err := s.View(ctx, func(tx *store.Tx) (err error) {
					if r.stock, err = tx.StockTurnover(ctx, p, "", ""); err != nil {
						return err
					}
					if r.cash, err = tx.CashTurnover(ctx, p, ""); err != nil {
						return err
					}
					r.debt, err = tx.SettlementTurnover(ctx, p, "")
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			for _, p := range periods {
				want, got := read(fresh, p), read(old, p)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%v – %v after the upgrade:\n%v\nwant\n%v", p.From, p.To, got, want)
				}
			}
		})
	}
}
