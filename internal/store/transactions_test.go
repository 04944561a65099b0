package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// An upload answers what it stored (made without reading it back): its first answer is the
// transaction as read after the commit, and as the same upload is answered again — for every kind
// and outcome.
func TestAnUploadAnswersWhatItStored(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		rs := newReturnShop(t, s)
		exact, other := newSaleShop(t, s), newSaleShop(t, s)
		sale := func(sh *saleShop, p torg.Product, q torg.Quantity, price torg.Money) torg.TransactionInput {
			in := rs.fill(torg.TransactionInput{Lines: []torg.TxLine{{ProductID: p.ID, Quantity: q, Price: price}}}, torg.PaymentCash)
			in.OrderID, in.OrderVersion, in.ClosedAt = &sh.order.ID, &sh.order.Version, torg.Now() // after the order was made
			return in
		}
		cases := []struct {
			name, register string
			in             torg.TransactionInput
			state          torg.TxState
		}{
			{"a sale without an order", rs.k1.ID, rs.fill(torg.TransactionInput{Lines: []torg.TxLine{{ProductID: rs.cup.ID, Quantity: 2000, Price: 500, Discount: 50}}}, torg.PaymentCard), torg.TxNew},
			{"a sale of its order", exact.k1.ID, sale(exact, exact.kettle, 2000, 15000), torg.TxNew},
			{"a sale that differs from its order", other.k1.ID, sale(other, other.cup, 1000, 1), torg.TxConflict},
			{"a return", rs.k2.ID, rs.fill(rs.returnOf(t, rs.sale, map[int]torg.Quantity{1: 1000}), torg.PaymentCash), torg.TxNew},
			{"a return of more than was sold", rs.k1.ID, rs.fill(rs.returnOf(t, rs.sale, map[int]torg.Quantity{2: 1000, 1: 3000}), torg.PaymentCash), torg.TxConflict},
			{"a cash in", rs.k1.ID, rs.fill(torg.TransactionInput{Kind: torg.KindCashIn, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: 5000}}, Comment: "размен", Counterpart: "Основная касса"}, ""), torg.TxNew},
			{"a cash out of more than the drawer holds", rs.k2.ID, rs.fill(torg.TransactionInput{Kind: torg.KindCashOut, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: 900000}}}, ""), torg.TxConflict},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var first, again torg.Transaction
				var created, createdAgain bool
				err := s.Update(ctx, func(tx *store.Tx) (err error) {
					first, created, err = tx.UploadTransaction(ctx, c.register, c.in)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				var stored torg.Transaction
				if err := s.View(ctx, func(tx *store.Tx) (err error) { stored, err = tx.Transaction(ctx, c.in.ID); return err }); err != nil {
					t.Fatal(err)
				}
				err = s.Update(ctx, func(tx *store.Tx) (err error) {
					again, createdAgain, err = tx.UploadTransaction(ctx, c.register, c.in)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if !created || createdAgain || first.State != c.state {
					t.Fatalf("created %v, then %v; state %s, want %s", created, createdAgain, first.State, c.state)
				}
				want, got, gotAgain := jsonOf(t, stored), jsonOf(t, first), jsonOf(t, again)
				if got != want || gotAgain != want {
					t.Fatalf("the first upload answered\n%s\nthe repeat\n%s\nand the store holds\n%s", got, gotAgain, want)
				}
			})
		}
		t.Run("another receipt with a fiscal document already uploaded is refused, and nothing is stored", func(t *testing.T) {
			first := rs.fill(torg.TransactionInput{Lines: []torg.TxLine{{ProductID: rs.cup.ID, Quantity: 1000, Price: 500}}}, torg.PaymentCash)
			if err := s.Update(ctx, func(tx *store.Tx) error { _, _, err := tx.UploadTransaction(ctx, rs.k1.ID, first); return err }); err != nil {
				t.Fatal(err)
			}
			again := rs.fill(torg.TransactionInput{Lines: []torg.TxLine{{ProductID: rs.kettle.ID, Quantity: 1000, Price: 700}}}, torg.PaymentCash)
			again.Fiscal = first.Fiscal
			err := s.Update(ctx, func(tx *store.Tx) error { _, _, err := tx.UploadTransaction(ctx, rs.k2.ID, again); return err })
			var e *torg.Error
			if !asErr(err, &e) || e.Code != torg.CodeDuplicate || len(e.Fields) != 1 || e.Fields[0].Field != "fiscal" || !strings.Contains(e.Message, first.ID) {
				t.Fatalf("got %v", err)
			}
			err = s.View(ctx, func(tx *store.Tx) error { _, err := tx.Transaction(ctx, again.ID); return err })
			if torg.ErrorCode(err) != torg.CodeNotFound {
				t.Fatalf("the refused upload was stored: %v", err)
			}
			// Its lines are checked first: a line naming no product is what it is told.
			again.Lines[0].ProductID = "01900000-0000-7000-8000-000000000000"
			err = s.Update(ctx, func(tx *store.Tx) error { _, _, err := tx.UploadTransaction(ctx, rs.k2.ID, again); return err })
			if torg.ErrorCode(err) != torg.CodeValidation {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("a line naming no product is refused with its field, and nothing is stored", func(t *testing.T) {
			in := rs.fill(torg.TransactionInput{Lines: []torg.TxLine{{ProductID: rs.cup.ID, Quantity: 1000, Price: 500},
				{ProductID: "01900000-0000-7000-8000-000000000000", Quantity: 1000, Price: 500}}}, torg.PaymentCash)
			err := s.Update(ctx, func(tx *store.Tx) error { _, _, err := tx.UploadTransaction(ctx, rs.k1.ID, in); return err })
			var e *torg.Error
			if !asErr(err, &e) || e.Code != torg.CodeValidation || len(e.Fields) != 1 || e.Fields[0].Field != "lines[1].product_id" {
				t.Fatalf("got %v", err)
			}
			err = s.View(ctx, func(tx *store.Tx) error { _, err := tx.Transaction(ctx, in.ID); return err })
			if torg.ErrorCode(err) != torg.CodeNotFound {
				t.Fatalf("the refused upload was stored: %v", err)
			}
		})
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
