package store_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// dayTill is a register of the random day with what the test counts of it.
type dayTill struct {
	reg     torg.Register
	desk    *torg.CashDesk
	receipt int64
	drawer  torg.Money // the shift's cash in the drawer, by the test's own count
}

// dayTotals is what the test expects of the day.
type dayTotals struct {
	res   torg.TransferResult
	desk  map[string]torg.Money // a cash desk's balance
	debt  torg.Money            // the retail customer's
	stock map[string]torg.Quantity
}

// TestASeededRandomDayAddsUp: three registers of a warehouse (two with their own cash desk, one
// without) sell, take goods back (partly, on another register too), put cash in and take it out, in a
// random order from a logged seed; every upload is accepted as new (no cash out above its drawer, no
// return above what is left), and KKMTransfer's counts, the cash desks' balances, the retail
// customer's debt and the stock equal the sums the test computes itself.
func TestASeededRandomDayAddsUp(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := testingSeed(); s != 0 {
		seed = s
	}
	t.Logf("seed %d (TORG_SEED=%d repeats it)", seed, seed)
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(seed, 14))
		n := strconv.FormatInt(shops.Add(1), 10)
		wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("DW" + n), Name: str("w")})
		var prods []torg.Product
		for i, price := range []int64{1000, 4990, 15000} {
			prods = append(prods, create(t, s, store.Products, torg.ProductInput{Code: str("DP" + n + "-" + strconv.Itoa(i)), Name: str("p"),
				Price: torg.Of(torg.Money(price))}))
		}
		var tills []*dayTill
		for i := range 3 {
			in := torg.RegisterInput{Code: str("DK" + n + "-" + strconv.Itoa(i)), Name: str("k"), WarehouseID: str(wh.ID)}
			var desk *torg.CashDesk
			if i < 2 {
				d := create(t, s, store.CashDesks, torg.CashDeskInput{Code: str("DD" + n + "-" + strconv.Itoa(i)), Name: str("d")})
				desk, in.CashDeskID = &d, torg.Of(d.ID)
			}
			tills = append(tills, &dayTill{reg: create(t, s, store.Registers, in), desk: desk})
		}
		want := dayTotals{desk: map[string]torg.Money{}, stock: map[string]torg.Quantity{}}
		var sales []torg.TransactionInput
		returns := map[string][]torg.TransactionInput{}
		at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		fd := int64(0)
		upload := func(k *dayTill, in torg.TransactionInput) torg.TransactionInput {
			t.Helper()
			k.receipt++
			fd++
			at = at.Add(time.Duration(1+r.IntN(120)) * time.Second)
			in.ID, in.ShiftNumber, in.ReceiptNumber, in.ClosedAt, in.Cashier = uuid.NewString(), 1, k.receipt, at, "Иванова"
			in.Fiscal = &torg.Fiscal{FN: "77770000" + n, FD: fd, FP: "1"}
			var got torg.Transaction
			err := s.Update(ctx, func(tx *store.Tx) (err error) { got, _, err = tx.UploadTransaction(ctx, k.reg.ID, in); return err })
			if err != nil || got.State != torg.TxNew {
				t.Fatalf("%s %+v: %+v, %v", in.Kind, in, got, err)
			}
			want.count(k, in)
			return in
		}
		for range 80 {
			k := tills[r.IntN(len(tills))]
			switch x := r.IntN(10); {
			case x < 5 || len(sales) == 0:
				sales = append(sales, upload(k, randomSale(r, prods)))
			case x < 7:
				sale := sales[r.IntN(len(sales))]
				in, ok := randomReturn(r, sale, returns[sale.ID])
				if !ok || (k.drawer < in.Paid(torg.PaymentCash)) {
					continue // nothing left of it, or not enough cash in this drawer to pay it back
				}
				returns[sale.ID] = append(returns[sale.ID], upload(k, in))
			case x < 8 || k.drawer == 0:
				upload(k, cashMove(torg.KindCashIn, torg.Money(1+r.IntN(500000))))
			default:
				upload(k, cashMove(torg.KindCashOut, torg.Money(1+r.Int64N(int64(k.drawer)))))
			}
		}
		var got torg.TransferResult
		for cur := (store.TransferCursor{}); ; {
			res, next, taken, err := s.TransferBatch(ctx, cur, 37)
			if err != nil {
				t.Fatal(err)
			}
			got.Add(res)
			if taken == 0 {
				break
			}
			cur = next
		}
		if got != want.res {
			t.Errorf("KKMTransfer did %+v, want %+v", got, want.res)
		}
		want.check(t, s, tills, prods)
	})
}

// count adds a transaction to what the day should come to.
func (w *dayTotals) count(k *dayTill, in torg.TransactionInput) {
	cash, card := in.Paid(torg.PaymentCash), in.Paid(torg.PaymentCard)
	if k.desk != nil {
		w.desk[k.desk.ID] += torg.DrawerCash([]torg.TransactionInput{in})
	}
	k.drawer += torg.DrawerCash([]torg.TransactionInput{in})
	posted := k.desk != nil
	switch in.Kind {
	case "", torg.KindSale:
		w.res.SalesInvoices++
		w.res.CashReceipts, w.res.CashReceiptsPosted = w.res.CashReceipts+b2i(cash > 0), w.res.CashReceiptsPosted+b2i(cash > 0 && posted)
		w.res.CardPayments += b2i(card > 0)
		w.debt += in.Total - card
		if posted {
			w.debt -= cash
		}
		for _, l := range in.Lines {
			w.stock[l.ProductID] -= l.Quantity
		}
	case torg.KindReturn:
		w.res.CustomerReturns++
		w.res.CashExpenses, w.res.CashExpensesPosted = w.res.CashExpenses+b2i(cash > 0), w.res.CashExpensesPosted+b2i(cash > 0 && posted)
		w.res.CardRefunds += b2i(card > 0)
		w.debt -= in.Total - card
		if posted {
			w.debt += cash
		}
		for _, l := range in.Lines {
			w.stock[l.ProductID] += l.Quantity
		}
	case torg.KindCashIn:
		w.res.CashReceipts, w.res.CashReceiptsPosted = w.res.CashReceipts+1, w.res.CashReceiptsPosted+b2i(posted)
	case torg.KindCashOut:
		w.res.CashExpenses, w.res.CashExpensesPosted = w.res.CashExpenses+1, w.res.CashExpensesPosted+b2i(posted)
	}
	w.res.Processed++
}

// check compares the balances with the test's sums.
func (w *dayTotals) check(t *testing.T, s *store.Store, tills []*dayTill, prods []torg.Product) {
	ctx := context.Background()
	err := s.View(ctx, func(tx *store.Tx) error {
		for _, k := range tills {
			if k.desk == nil {
				continue
			}
			cash, err := tx.CashReport(ctx, k.desk.ID)
			if err != nil {
				return err
			}
			var have torg.Money
			if len(cash) == 1 {
				have = cash[0].Balance
			}
			if have != w.desk[k.desk.ID] {
				t.Errorf("cash desk of %s holds %s, want %s", k.reg.Code, have, w.desk[k.desk.ID])
			}
		}
		for _, p := range prods {
			stock, err := tx.StockReport(ctx, "", p.ID)
			if err != nil {
				return err
			}
			var have torg.Quantity
			if len(stock) == 1 {
				have = stock[0].OnHand
			}
			if have != w.stock[p.ID] {
				t.Errorf("stock of %s is %s, want %s", p.Code, have, w.stock[p.ID])
			}
		}
		debt, err := tx.SettlementsReport(ctx, retailID(t, s))
		var have torg.Money
		if len(debt) == 1 {
			have = debt[0].Debt
		}
		if have != w.debt {
			t.Errorf("the retail customer owes %s, want %s (the cash of the register without a cash desk)", have, w.debt)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// randomSale is a sale of 1 to 3 lines of whole units with a random discount, paid in cash, by card
// or both.
func randomSale(r *rand.Rand, prods []torg.Product) torg.TransactionInput {
	var in torg.TransactionInput
	for _, i := range r.Perm(len(prods))[:1+r.IntN(len(prods))] {
		p := prods[i]
		q := torg.Quantity(1000 * (1 + r.IntN(5)))
		gross, _ := torg.LineAmount(q, p.Price, 0)
		disc := torg.Money(r.Int64N(int64(gross)/10 + 1))
		amount, _ := torg.LineAmount(q, p.Price, disc)
		in.Lines = append(in.Lines, torg.TxLine{ProductID: p.ID, Quantity: q, Price: p.Price, Discount: disc, Amount: amount})
		in.Total += amount
	}
	in.Payments = split(r, in.Total)
	return in
}

// randomReturn is a return of some of what is left of the sale, paid back in cash, to the card or
// both; false when nothing is left.
func randomReturn(r *rand.Rand, sale torg.TransactionInput, before []torg.TransactionInput) (torg.TransactionInput, bool) {
	returned := torg.Returned(before)
	in := torg.TransactionInput{Kind: torg.KindReturn, OriginalTransactionID: &sale.ID}
	for _, l := range torg.Returnable(&sale, returned) {
		if l.Quantity < 1000 || r.IntN(2) == 0 {
			continue
		}
		part := torg.ReturnPart(&sale, returned, l.LineNo, torg.Quantity(1000*(1+r.IntN(int(l.Quantity/1000)))))
		in.Lines = append(in.Lines, part)
		in.Total += part.Amount
	}
	if len(in.Lines) == 0 || in.Total <= 0 {
		return in, false
	}
	in.Payments = split(r, in.Total)
	return in, true
}

// split pays total in cash, by card, or both.
func split(r *rand.Rand, total torg.Money) []torg.Payment {
	switch cash := torg.Money(r.Int64N(int64(total) + 1)); {
	case r.IntN(3) == 0 || cash == total:
		return []torg.Payment{{Type: torg.PaymentCash, Amount: total}}
	case r.IntN(2) == 0 || cash == 0:
		return []torg.Payment{{Type: torg.PaymentCard, Amount: total}}
	default:
		return []torg.Payment{{Type: torg.PaymentCash, Amount: cash}, {Type: torg.PaymentCard, Amount: total - cash}}
	}
}

func cashMove(kind string, amount torg.Money) torg.TransactionInput {
	return torg.TransactionInput{Kind: kind, Total: amount, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: amount}}}
}

// testingSeed is the seed TORG_SEED names, or 0.
func testingSeed() uint64 {
	n, _ := strconv.ParseUint(os.Getenv("TORG_SEED"), 10, 64)
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
