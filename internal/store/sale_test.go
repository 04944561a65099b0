package store_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// saleShop is a warehouse with two registers that both hold one agreed order of 2 × 150.00 ₽.
type saleShop struct {
	s           *store.Store
	k1, k2      torg.Register
	kettle, cup torg.Product
	order       torg.Order
}

var shops atomic.Int64

func newSaleShop(t *testing.T, s *store.Store) *saleShop {
	ctx := context.Background()
	sh := &saleShop{s: s}
	n := strconv.FormatInt(shops.Add(1), 10) // the shops of one test share its database
	wh := create(t, s, store.Warehouses, torg.WarehouseInput{Code: str("W" + n), Name: str("w")})
	sh.kettle = create(t, s, store.Products, torg.ProductInput{Code: str("KETTLE" + n), Name: str("Чайник"), Price: torg.Of(torg.Money(15000))})
	sh.cup = create(t, s, store.Products, torg.ProductInput{Code: str("CUP" + n), Name: str("Чашка"), Price: torg.Of(torg.Money(1))})
	for i, r := range []*torg.Register{&sh.k1, &sh.k2} {
		*r = create(t, s, store.Registers, torg.RegisterInput{Code: str("K" + string(rune('1'+i)) + "-" + n), Name: str("k"),
			WarehouseID: str(wh.ID), AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
	}
	sh.update(t, func(tx *store.Tx) (err error) {
		sh.order, err = tx.CreateOrder(ctx, torg.OrderInput{CustomerCode: "retail", WarehouseID: wh.ID, Status: torg.Of(torg.StatusAgreed),
			Lines: []torg.OrderLineInput{{ProductID: sh.kettle.ID, Quantity: 2000}}, FillRegisters: true, Post: true})
		return err
	})
	return sh
}

func (sh *saleShop) update(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := sh.s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// sell uploads a receipt of the lines from K1 for the order, closed at the time.
func (sh *saleShop) sell(t *testing.T, closedAt time.Time, lines ...torg.TxLine) torg.Transaction {
	t.Helper()
	var total torg.Money
	for i := range lines {
		lines[i].Amount, _ = torg.LineAmount(lines[i].Quantity, lines[i].Price, lines[i].Discount)
		total += lines[i].Amount
	}
	in := torg.TransactionInput{ID: uuid.NewString(), OrderID: &sh.order.ID, OrderVersion: &sh.order.Version, ShiftNumber: 1,
		ReceiptNumber: 1, ClosedAt: closedAt, Cashier: "Иванова", Lines: lines, Total: total,
		Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: total}}}
	var out torg.Transaction
	sh.update(t, func(tx *store.Tx) (err error) {
		out, _, err = tx.UploadTransaction(context.Background(), sh.k1.ID, in)
		return err
	})
	return out
}

func (sh *saleShop) orderNow(t *testing.T) torg.Order {
	t.Helper()
	var o torg.Order
	if err := sh.s.View(context.Background(), func(tx *store.Tx) (err error) { o, err = tx.Order(context.Background(), sh.order.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return o
}

func (sh *saleShop) transaction(t *testing.T, id string) torg.Transaction {
	t.Helper()
	var tr torg.Transaction
	if err := sh.s.View(context.Background(), func(tx *store.Tx) (err error) { tr, err = tx.Transaction(context.Background(), id); return err }); err != nil {
		t.Fatal(err)
	}
	return tr
}

func (sh *saleShop) resolve(t *testing.T, id string, r torg.Resolution) (torg.Transaction, error) {
	var out torg.Transaction
	err := sh.s.Update(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.ResolveTransaction(context.Background(), id, r)
		return err
	})
	return out, err
}

func (sh *saleShop) transfer(t *testing.T) {
	t.Helper()
	if _, _, _, err := sh.s.TransferBatch(context.Background(), store.TransferCursor{}, 100); err != nil {
		t.Fatal(err)
	}
}

// lastPackage is the newest package K2 has.
func (sh *saleShop) lastPackage(t *testing.T) torg.Package {
	t.Helper()
	p, err := sh.s.Packages(context.Background(), sh.k2.ID, 0)
	if err != nil || len(p.Packages) == 0 {
		t.Fatalf("K2's packages: %v, %v", p, err)
	}
	return p.Packages[len(p.Packages)-1]
}

func TestSaleComparedWithItsOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		t.Run("an exact sale is new and sells its order", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			if tr.State != torg.TxNew || tr.ConflictReason != nil || len(tr.Mismatches) != 0 || tr.Kind != torg.KindSale {
				t.Fatalf("transaction %+v", tr)
			}
		})
		t.Run("another product, backdated, is a mismatch that still sells the order", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), torg.TxLine{ProductID: sh.cup.ID, Quantity: 1000000, Price: 1})
			if tr.State != torg.TxConflict || tr.ConflictReason == nil || *tr.ConflictReason != torg.ConflictMismatch {
				t.Fatalf("transaction %+v", tr)
			}
			fields := map[string]bool{}
			for _, m := range tr.Mismatches {
				fields[m.Field] = true
			}
			for _, f := range []string{"closed_at", "lines[0].product_id", "lines"} {
				if !fields[f] {
					t.Errorf("mismatches %v do not name %s", tr.Mismatches, f)
				}
			}
			if o := sh.orderNow(t); o.Status != torg.StatusSold || o.TransactionID == nil || *o.TransactionID != tr.ID {
				t.Errorf("order %s, transaction %v: want sold by the receipt", o.Status, o.TransactionID)
			}
			if p := sh.lastPackage(t); p.Kind != torg.PackageDelete || p.Reason != torg.ReasonSold {
				t.Errorf("K2's last package %+v, want order.delete sold", p)
			}
			sh.transfer(t)
			if after := sh.transaction(t, tr.ID); after.State != torg.TxConflict || after.SalesInvoiceID != nil {
				t.Errorf("after KKMTransfer %+v: a mismatch must wait for a person", after)
			}
		})
		t.Run("a partial sale is new, partial, and closes its order with what was sold", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 1000, Price: 15000})
			if tr.State != torg.TxNew || tr.ConflictReason != nil || !tr.Partial || len(tr.Mismatches) != 0 {
				t.Fatalf("transaction %+v", tr)
			}
			if o := sh.orderNow(t); o.Status != torg.StatusSold || o.SoldTotal == nil || *o.SoldTotal != 15000 || o.Total != 30000 {
				t.Fatalf("order %s, sold %v of %d: want sold for 150.00 of 300.00", o.Status, o.SoldTotal, o.Total)
			}
			sh.transfer(t)
			if after := sh.transaction(t, tr.ID); after.State != torg.TxProcessed || after.SalesInvoiceID == nil {
				t.Fatalf("after KKMTransfer %+v", after)
			}
			var reserved torg.Quantity
			err := s.View(context.Background(), func(tx *store.Tx) (err error) {
				reserved, err = tx.Reserved(context.Background(), sh.order.WarehouseID, sh.kettle.ID)
				return err
			})
			if o := sh.orderNow(t); err != nil || o.Status != torg.StatusClosed || reserved != 0 {
				t.Errorf("order %s, reserved %d (%v): want closed with its whole reservation ended", o.Status, reserved, err)
			}
		})
		t.Run("accepting a mismatch invoices the receipt against its order and closes it", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000, Discount: 100})
			if _, err := sh.resolve(t, tr.ID, torg.Resolution{Action: torg.ResolveAccept}); err != nil {
				t.Fatal(err)
			}
			sh.transfer(t)
			if after := sh.transaction(t, tr.ID); after.State != torg.TxProcessed || after.SalesInvoiceID == nil {
				t.Fatalf("after KKMTransfer %+v", after)
			}
			if o := sh.orderNow(t); o.Status != torg.StatusClosed || o.SalesInvoiceID == nil {
				t.Errorf("order %s, invoice %v: want closed with an invoice", o.Status, o.SalesInvoiceID)
			}
		})
		t.Run("detaching a mismatch sells to the retail customer and offers the order again", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.cup.ID, Quantity: 1000, Price: 1})
			if _, err := sh.resolve(t, tr.ID, torg.Resolution{Action: torg.ResolveWithoutOrder}); err != nil {
				t.Fatal(err)
			}
			o := sh.orderNow(t)
			if o.Status != torg.StatusAgreed || o.TransactionID != nil {
				t.Fatalf("order %s, transaction %v: want agreed again", o.Status, o.TransactionID)
			}
			if p := sh.lastPackage(t); p.Kind != torg.PackageUpsert {
				t.Errorf("K2's last package %+v, want the order again", p)
			}
			sh.transfer(t)
			if after := sh.transaction(t, tr.ID); after.State != torg.TxProcessed {
				t.Fatalf("after KKMTransfer %+v", after)
			}
			if o := sh.orderNow(t); o.Status != torg.StatusAgreed {
				t.Errorf("the detached sale changed the order: %s", o.Status)
			}
			sh.order = o
			if again := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000}); again.State != torg.TxNew {
				t.Errorf("the order sold again: %+v", again)
			}
		})
		t.Run("ignoring a mismatch frees the order for another sale", func(t *testing.T) {
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 3000, Price: 15000})
			if _, err := sh.resolve(t, tr.ID, torg.Resolution{Action: torg.ResolveIgnore, Comment: "wrong order picked"}); err != nil {
				t.Fatal(err)
			}
			sh.order = sh.orderNow(t)
			if again := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000}); again.State != torg.TxNew {
				t.Errorf("the order sold again: %+v", again)
			}
		})
		t.Run("only a mismatch can be accepted", func(t *testing.T) {
			sh := newSaleShop(t, s)
			sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			late := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			if *late.ConflictReason != torg.ConflictAlreadySold {
				t.Fatalf("second sale %+v", late)
			}
			if _, err := sh.resolve(t, late.ID, torg.Resolution{Action: torg.ResolveAccept}); torg.ErrorCode(err) != torg.CodeStateConflict {
				t.Errorf("accepting an already_sold conflict: %v, want state-conflict", err)
			}
		})
	})
}

// lastSeq is the newest seq the register has.
func (sh *saleShop) lastSeq(t *testing.T, registerID string) int64 {
	t.Helper()
	p, err := sh.s.Packages(context.Background(), registerID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p.LastSeq
}

// On SQLite a sale is two requests through the single writer, the claim and the upload, and each
// statement in them costs the writer: this counts them for an order of 10 lines on 10 registers,
// sold with its fiscal data, as the sale benchmark sells.
func TestTheWriterRunsFewStatementsPerSale(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite")
	in := tenLineShop(t, s)
	var registers []torg.Register
	if err := s.View(ctx, func(tx *store.Tx) (err error) {
		l, err := store.Registers.List(ctx, tx, "", torg.Page{Limit: 10})
		registers = l.Items
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var claims, uploads []int64
	for i := range 3 { // the first prepares the writer's statements
		o, err := createDrafted(t, s, in)
		if err != nil {
			t.Fatal(err)
		}
		k := registers[i].ID
		before := s.WriterStatements()
		if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.Claim(ctx, k, o.ID, &o.Version, time.Minute); return err }); err != nil {
			t.Fatal(err)
		}
		claims = append(claims, s.WriterStatements()-before)
		sale := torg.TransactionInput{ID: uuid.NewString(), OrderID: &o.ID, OrderVersion: &o.Version, ShiftNumber: 1, ReceiptNumber: int64(i + 1),
			ClosedAt: torg.Now(), Cashier: "Иванова", Total: o.Total, Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: o.Total}},
			Fiscal: &torg.Fiscal{FN: "9999000011112222", FD: int64(i + 1), FP: "1"}}
		for _, l := range o.Lines {
			sale.Lines = append(sale.Lines, torg.TxLine{ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount})
		}
		before = s.WriterStatements()
		var tr torg.Transaction
		if err := s.Update(ctx, func(tx *store.Tx) (err error) { tr, _, err = tx.UploadTransaction(ctx, k, sale); return err }); err != nil {
			t.Fatal(err)
		}
		uploads = append(uploads, s.WriterStatements()-before)
		if tr.State != torg.TxNew || len(tr.Mismatches) != 0 {
			t.Fatalf("the sale is %+v", tr)
		}
	}
	// The claim: SAVEPOINT, the order with its lines and registers (two), the claim, RELEASE; the
	// numbering of its 9 notices: the counters, the packages. The upload: SAVEPOINT, the id's and the
	// fiscal document's uploads, the products, the order (two), its registers' withdrawal, the sale,
	// the webhooks that want it, the transaction, RELEASE; the numbering: the counters, the
	// packages, their seqs. It was 8 and 17.
	if c, u := claims[len(claims)-1], uploads[len(uploads)-1]; c > 7 || u > 13 {
		t.Errorf("statements the writer ran for each claim: %v, and each upload: %v; want at most 7 and 13", claims, uploads)
	}
	t.Logf("statements the writer ran for each claim: %v, and each upload: %v", claims, uploads)
}
