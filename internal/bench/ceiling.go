package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"torg"
	"torg/internal/store"
)

// CeilingResult is the ceiling scenario's figures: the intake's orders written straight through the
// store, many to a database transaction, without HTTP.
type CeilingResult struct {
	Orders       int     `json:"orders"`
	Batch        int     `json:"batch"`     // orders to a database transaction
	Registers    int     `json:"registers"` // each order is sent to this many registers
	Seconds      float64 `json:"seconds"`
	OrdersPerSec float64 `json:"orders_per_sec"`
	CPU          CPU     `json:"cpu"` // the store works in this process: bench_s is its time

	warehouse string
	registers []string
}

// ceilingBatch is how many orders the ceiling writes in one database transaction.
const ceilingBatch = 500

// ceiling migrates the empty database dsn, makes the intake's warehouse, products and registers in
// it, then times n calls of CreateOrder — agreed, 10 lines, fill and post, as intake sends them —
// in database transactions of batch orders each.
func ceiling(ctx context.Context, dsn string, n, batch int, p *progress) (*CeilingResult, error) {
	p.phase("ceiling: setup", 0)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return nil, err
	}
	res := &CeilingResult{Orders: n, Batch: batch, Registers: intakeRegisters}
	in := torg.OrderInput{CustomerCode: torg.RetailCustomerCode, Status: torg.Of(torg.StatusAgreed), FillRegisters: true, Post: true}
	err = st.Update(ctx, func(tx *store.Tx) error {
		wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of("CEILING"), Name: torg.Of("Склад")})
		if err != nil {
			return err
		}
		res.warehouse, in.WarehouseID = wh.ID, wh.ID
		for i := range orderLines {
			code := fmt.Sprintf("P%d", i)
			_, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of(code), Name: torg.Of("Товар"),
				Price: torg.Of(torg.Money(1000 + i*137)), VATRate: torg.Of(torg.VATRate("22"))})
			if err != nil {
				return err
			}
			in.Lines = append(in.Lines, torg.OrderLineInput{ProductCode: code, Quantity: torg.Quantity((i+1)*1000 + 500)})
		}
		for i := range intakeRegisters {
			r, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: torg.Of(fmt.Sprint("R", i)), Name: torg.Of("Касса"),
				WarehouseID: torg.Of(wh.ID), AcceptsOrders: torg.Of(true), AutoLoadOrders: torg.Of(true)})
			if err != nil {
				return err
			}
			res.registers = append(res.registers, r.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.phase("ceiling: orders", n)
	start, cpu := time.Now(), startCPU(0)
	for done := 0; done < n; done += batch {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for range min(batch, n-done) {
				if _, err := tx.CreateOrder(ctx, in); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		p.add(min(batch, n-done))
	}
	took := time.Since(start)
	res.Seconds, res.OrdersPerSec, res.CPU = seconds(took), rate(n, took), cpu.stop()
	p.end("ceiling", fmtRate(res.OrdersPerSec, "orders/s"))
	return res, nil
}
