package store_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// salesHistory uploads and posts a seeded random history of sales and returns over about three
// months, across month ends, on three registers of a warehouse by three cashiers, minutes to a day
// apart, and gives the warehouse, the registers, the products and the span of the history.
func salesHistory(t *testing.T, s *store.Store, r *rand.Rand) (string, []string, []torg.Product, time.Time, time.Time) {
	t.Helper()
	ctx := context.Background()
	n := strconv.FormatInt(shops.Add(1), 10)
	wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("SW" + n), Name: str("w")})
	var prods []torg.Product
	for i, price := range []int64{1000, 4990, 15000} {
		prods = append(prods, create(t, s, store.Products, torg.ProductInput{Code: str("SP" + n + "-" + strconv.Itoa(i)), Name: str("p"),
			Price: torg.Of(torg.Money(price))}))
	}
	var regs []string
	receipts := map[string]int64{}
	for i := range 3 {
		reg := create(t, s, store.Registers, torg.RegisterInput{Code: str("SK" + n + "-" + strconv.Itoa(i)), Name: str("k"), WarehouseID: str(wh.ID)})
		regs = append(regs, reg.ID)
	}
	start := time.Date(2026, 1, 30, 20, 17, 0, 0, time.UTC)
	at, fd := start, int64(0)
	var sales []torg.TransactionInput
	returns := map[string][]torg.TransactionInput{}
	upload := func(reg string, in torg.TransactionInput) torg.TransactionInput {
		t.Helper()
		receipts[reg]++
		fd++
		in.ID, in.ShiftNumber, in.ReceiptNumber, in.ClosedAt, in.Cashier = uuid.NewString(), 1, receipts[reg], at, "Кассир "+strconv.Itoa(r.IntN(3))
		in.Fiscal = &torg.Fiscal{FN: "77780000" + n, FD: fd, FP: "1"}
		var got torg.Transaction
		err := s.Update(ctx, func(tx *store.Tx) (err error) { got, _, err = tx.UploadTransaction(ctx, reg, in); return err })
		if err != nil || got.State != torg.TxNew {
			t.Fatalf("%s %+v: %+v, %v", in.Kind, in, got, err)
		}
		return in
	}
	for range 90 {
		switch r.IntN(3) {
		case 0:
			at = at.Add(time.Duration(1+r.IntN(30)) * time.Minute)
		case 1:
			at = at.Add(time.Duration(1+r.IntN(300)) * time.Minute)
		default:
			at = at.Add(time.Duration(1+r.IntN(36)) * time.Hour)
		}
		reg := regs[r.IntN(len(regs))]
		if r.IntN(10) < 7 || len(sales) == 0 {
			in := randomSale(r, prods)
			in.Payments = []torg.Payment{{Type: torg.PaymentCard, Amount: in.Total}}
			sales = append(sales, upload(reg, in))
			continue
		}
		sale := sales[r.IntN(len(sales))]
		if in, ok := randomReturn(r, sale, returns[sale.ID]); ok {
			in.Payments = []torg.Payment{{Type: torg.PaymentCard, Amount: in.Total}}
			returns[sale.ID] = append(returns[sale.ID], upload(reg, in))
		}
	}
	for cur := (store.TransferCursor{}); ; {
		_, next, taken, err := s.TransferBatch(ctx, cur, 7)
		if err != nil {
			t.Fatal(err)
		}
		if taken == 0 {
			break
		}
		cur = next
	}
	return wh.ID, regs, prods, start, at.Add(time.Minute)
}

// TestSalesAnalysisEqualsTheDocuments: after a random history of sales and returns, the sales
// analysis — whole hours and months from the sales totals, the period's edges from the documents —
// equals the analysis of the documents alone, by every grouping and filter, over random periods
// that cut hours and months in the middle, in zones of whole hours and of half an hour.
func TestSalesAnalysisEqualsTheDocuments(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := testingSeed(); s != 0 {
		seed = s
	}
	t.Logf("seed %d (TORG_SEED=%d repeats it)", seed, seed)
	defer func(l *time.Location) { time.Local = l }(time.Local)
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(seed, 20))
		wh, regs, prods, first, last := salesHistory(t, s, r)
		span := last.Sub(first)
		periods := []torg.Period{
			{From: first, To: last},
			{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
			{From: time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 3, 10, 40, 0, 0, time.UTC)},
		}
		for range 12 {
			from := first.Add(time.Duration(r.Int64N(int64(span))))
			periods = append(periods, torg.Period{From: from, To: from.Add(time.Duration(1 + r.Int64N(int64(last.Sub(from)))))})
		}
		filters := []store.SalesFilters{{}, {WarehouseID: wh}, {RegisterID: regs[1]}, {ProductID: prods[0].ID},
			{WarehouseID: wh, RegisterID: regs[2], ProductID: prods[2].ID}}
		for _, zone := range []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), mustZone(t, "America/New_York")} {
			time.Local = zone
			for _, p := range periods {
				for _, by := range []string{"day", "register", "cashier", "product"} {
					for _, f := range filters {
						var got, want []torg.SalesRow
						err := s.View(ctx, func(tx *store.Tx) (err error) {
							if got, err = tx.SalesAnalysis(ctx, p, by, f); err != nil {
								return err
							}
							want, err = tx.SalesAnalysisRaw(ctx, p, by, f)
							return err
						})
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s, by %s, %+v, %v – %v:\n got %+v\nwant %+v", zone, by, f, p.From, p.To, got, want)
						}
					}
				}
			}
		}
		var whole []torg.SalesRow
		if err := s.View(ctx, func(tx *store.Tx) (err error) {
			whole, err = tx.SalesAnalysis(ctx, periods[0], "register", store.SalesFilters{WarehouseID: wh})
			return err
		}); err != nil || len(whole) == 0 {
			t.Fatalf("the history sold nothing: %v, %v", whole, err)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestSalesTotalsBackfillEqualsTheLiveTotals: the backfill of migration 00020 makes of the posted
// sales invoices and customer returns the same sales totals as posting them wrote.
func TestSalesTotalsBackfillEqualsTheLiveTotals(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := testingSeed(); s != 0 {
		seed = s
	}
	t.Logf("seed %d (TORG_SEED=%d repeats it)", seed, seed)
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		salesHistory(t, s, rand.New(rand.NewPCG(seed, 21)))
		undo := errors.New("undo")
		err := s.Update(ctx, func(tx *store.Tx) error {
			live, err := tx.SalesTotals(ctx)
			if err != nil {
				return err
			}
			if err := tx.RebuildSalesTotals(ctx); err != nil {
				return err
			}
			backfilled, err := tx.SalesTotals(ctx)
			if err != nil {
				return err
			}
			if len(live) == 0 || !reflect.DeepEqual(live, backfilled) {
				t.Errorf("live totals\n%v\nbackfilled\n%v", live, backfilled)
			}
			return undo
		})
		if !errors.Is(err, undo) {
			t.Fatal(err)
		}
	})
}
