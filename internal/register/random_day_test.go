package register

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"torg"
)

// TestASeededRandomShiftAddsUpInTheZReport: a till sells orders whole and in part (a line lowered or
// left out), paid in cash with change, by card or both, takes goods back of its own sales, and puts
// cash in and takes it out, in a random order from a logged seed; the X-report along the way and the
// Z-report at the end equal the sums the test computes itself from what the cashier did.
func TestASeededRandomShiftAddsUpInTheZReport(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if n, _ := strconv.ParseUint(os.Getenv("TORG_SEED"), 10, 64); n != 0 {
		seed = n
	}
	t.Logf("seed %d (TORG_SEED=%d repeats it)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 14))
	var pk []torg.Package
	orders := map[string]torg.OrderSnapshot{}
	for i := range 40 {
		o := randomOrder(r, "o"+strconv.Itoa(i))
		orders[o.ID] = o
		b, _ := json.Marshal(o)
		pk = append(pk, torg.Package{Seq: int64(i + 1), Kind: torg.PackageUpsert, Order: b})
	}
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: pk}}
	a, _ := startAgent(t, f, t.TempDir())
	eventually(t, "receiving the orders", func() bool { return len(orderIDs(t, a)) == len(pk) })
	ctx := context.Background()
	var want ZReport
	var sold []string
	next := 0
	for step := 0; next < len(pk); step++ {
		switch x := r.IntN(10); {
		case x < 5:
			o := orders["o"+strconv.Itoa(next)]
			next++
			id, total := sellRandomly(t, a, r, o)
			sold = append(sold, id)
			cash, card, change := randomPayment(r, total)
			var pays []torg.Payment
			for _, p := range []torg.Payment{{Type: torg.PaymentCash, Amount: cash}, {Type: torg.PaymentCard, Amount: card}} {
				if p.Amount > 0 {
					pays = append(pays, p)
				}
			}
			closed, err := a.closeReceipt(ctx, id, pays)
			if err != nil || closed.Change != change {
				t.Fatalf("closing %s of %s with %v: %+v, %v; want change %s", o.Number, total, pays, closed, err, change)
			}
			sold[len(sold)-1] = closed.TransactionID
			want.Receipts, want.Cash, want.Card, want.Total = want.Receipts+1, want.Cash+cash-change, want.Card+card, want.Total+total
		case x < 7 && len(sold) > 0:
			saleID := sold[r.IntN(len(sold))]
			sale, err := a.findSale(ctx, SaleQuery{TransactionID: saleID})
			if err != nil {
				t.Fatal(err)
			}
			var lines []LineChange
			for _, l := range sale.Returnable {
				if l.Quantity >= 1000 && r.IntN(2) == 0 {
					lines = append(lines, LineChange{LineNo: l.LineNo, Quantity: torg.Quantity(1000 * (1 + r.IntN(int(l.Quantity/1000))))})
				}
			}
			if len(lines) == 0 {
				continue
			}
			p, err := a.previewReturn(ctx, ReturnRequest{OriginalTransactionID: saleID, Lines: lines})
			if err != nil {
				t.Fatal(err)
			}
			cash := min(torg.Money(r.Int64N(int64(p.Total)+1)), want.ExpectedCash)
			pays := []torg.Payment{{Type: torg.PaymentCash, Amount: cash}, {Type: torg.PaymentCard, Amount: p.Total - cash}}
			if cash == 0 {
				pays = pays[1:]
			} else if cash == p.Total {
				pays = pays[:1]
			}
			if _, err := a.makeReturn(ctx, ReturnRequest{OriginalTransactionID: saleID, Lines: lines, Payments: pays}); err != nil {
				t.Fatalf("returning %v of %s: %v", lines, saleID, err)
			}
			want.Returns = KindSums{Count: want.Returns.Count + 1, Cash: want.Returns.Cash + cash, Card: want.Returns.Card + p.Total - cash,
				Total: want.Returns.Total + p.Total}
		case x < 8 || want.ExpectedCash == 0:
			amount := torg.Money(1 + r.IntN(300000))
			if _, err := a.moveCash(ctx, torg.KindCashIn, CashMoveRequest{Amount: amount}); err != nil {
				t.Fatal(err)
			}
			want.CashIn = KindSums{Count: want.CashIn.Count + 1, Cash: want.CashIn.Cash + amount, Total: want.CashIn.Total + amount}
		default:
			amount := torg.Money(1 + r.Int64N(int64(want.ExpectedCash)))
			if _, err := a.moveCash(ctx, torg.KindCashOut, CashMoveRequest{Amount: amount}); err != nil {
				t.Fatal(err)
			}
			want.CashOut = KindSums{Count: want.CashOut.Count + 1, Cash: want.CashOut.Cash + amount, Total: want.CashOut.Total + amount}
			if _, err := a.moveCash(ctx, torg.KindCashOut, CashMoveRequest{Amount: want.ExpectedCash - amount + 1}); torg.ErrorCode(err) != torg.CodeValidation {
				t.Fatalf("a cash out of a kopeck more than the drawer holds: %v", err)
			}
		}
		want.ExpectedCash = want.Cash - want.Returns.Cash + want.CashIn.Cash - want.CashOut.Cash
		if step%10 == 9 {
			x, err := a.xReport(ctx)
			if err != nil || !sameSums(x, want) {
				t.Fatalf("X-report after step %d: %+v, %v; want %+v", step, x, err, want)
			}
		}
	}
	z, err := a.closeShift(ctx)
	if err != nil || !sameSums(z, want) {
		t.Fatalf("Z-report %+v, %v; want %+v", z, err, want)
	}
}

// sameSums compares a shift report's sums.
func sameSums(z, want ZReport) bool {
	return z.Receipts == want.Receipts && z.Cash == want.Cash && z.Card == want.Card && z.Total == want.Total && z.Returns == want.Returns &&
		z.CashIn == want.CashIn && z.CashOut == want.CashOut && z.ExpectedCash == want.ExpectedCash
}

// randomOrder is an order of 1 to 3 lines with random quantities and discounts.
func randomOrder(r *rand.Rand, id string) torg.OrderSnapshot {
	o := torg.OrderSnapshot{ID: id, Number: "R" + id, Version: 1, Customer: torg.CustomerRef{ID: "c", Code: "C", Name: "Петров"}}
	for i := range 1 + r.IntN(3) {
		q, price := torg.Quantity(1000*(1+r.IntN(4))), torg.Money(100+r.IntN(20000))
		gross, _ := torg.LineAmount(q, price, 0)
		disc := torg.Money(r.Int64N(int64(gross)/5 + 1))
		amount, _ := torg.LineAmount(q, price, disc)
		o.Lines = append(o.Lines, torg.SnapshotLine{LineNo: i + 1, ProductID: "p" + strconv.Itoa(i), ProductCode: "P", Name: "Товар", Unit: "шт",
			Quantity: q, Price: price, Discount: disc, Amount: amount, VATRate: "22"})
		o.Total += amount
	}
	return o
}

// sellRandomly picks the order and, one time in three, sells part of it: a line lowered, or left
// out when another stays. It answers the receipt and its total as the test computes it.
func sellRandomly(t *testing.T, a *Agent, r *rand.Rand, o torg.OrderSnapshot) (string, torg.Money) {
	t.Helper()
	ctx := context.Background()
	rc, err := a.pick(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	qs := map[int]torg.Quantity{}
	if r.IntN(3) == 0 {
		l := o.Lines[r.IntN(len(o.Lines))]
		q := torg.Quantity(1000 * r.IntN(int(l.Quantity/1000)))
		if q == 0 && len(o.Lines) == 1 {
			q = 1000
		}
		if q < l.Quantity {
			if _, err := a.changeReceipt(ctx, rc.ID, []LineChange{{LineNo: l.LineNo, Quantity: q}}); err != nil {
				t.Fatalf("selling %s of line %d of %s: %v", q, l.LineNo, o.Number, err)
			}
			qs[l.LineNo] = q
		}
	}
	var total torg.Money
	for _, l := range o.Lines {
		q, ok := qs[l.LineNo]
		if !ok {
			total += l.Amount
			continue
		}
		amount, _ := torg.LineAmount(q, l.Price, torg.ScaleDiscount(l.Discount, q, l.Quantity))
		total += amount
	}
	return rc.ID, total
}

// randomPayment pays the total in cash (perhaps with change), by card, or both.
func randomPayment(r *rand.Rand, total torg.Money) (cash, card, change torg.Money) {
	switch r.IntN(3) {
	case 0:
		cash = total + torg.Money(r.IntN(2)*r.IntN(100000))
		return cash, 0, cash - total
	case 1:
		return 0, total, 0
	}
	card = torg.Money(r.Int64N(int64(total)))
	return total - card, card, 0
}
