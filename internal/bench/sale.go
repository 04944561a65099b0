package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/google/uuid"

	"torg"
)

// SaleResult is the sale scenario's figures: registers claim orders and upload their receipts.
type SaleResult struct {
	Sales       int     `json:"sales"`
	Registers   int     `json:"registers"` // selling at once; every order is offered to all of them
	Seconds     float64 `json:"seconds"`
	SalesPerSec float64 `json:"sales_per_sec"`
	Latency     Latency `json:"latency"` // of one sale: the claim and the upload
	CPU         CPU     `json:"cpu"`

	shop   *shop
	orders []saleOrder
}

// saleOrder is what a register needs of an order to sell it.
type saleOrder struct {
	ID      string        `json:"id"`
	Version int64         `json:"version"`
	Total   torg.Money    `json:"total"`
	Lines   []torg.TxLine `json:"lines"`
}

// sale makes registers registers and n orders offered to all of them (not timed), then each
// register sells its share of the orders at once: it claims an order and uploads the closed receipt,
// and the server withdraws the order from the other registers.
func sale(ctx context.Context, c *client, prefix string, n, registers, pid int, p *progress) (*SaleResult, error) {
	p.phase("sale: setup registers", registers)
	sh, err := newShop(ctx, c, prefix, orderLines)
	if err != nil {
		return nil, err
	}
	if err := sh.addRegisters(ctx, c, registers, 4, "", p); err != nil {
		return nil, err
	}
	p.phase("sale: setup orders", n)
	orders := make([]saleOrder, n)
	body := sh.orderBody()
	err = parallel(ctx, n, registers, func(ctx context.Context, i int) error {
		p.add(1)
		return c.adminDo(ctx, "POST", "/api/v1/orders", body, 201, &orders[i])
	})
	if err != nil {
		return nil, err
	}
	p.phase("sale: claim and upload", n)
	tills := make([]*till, registers)
	for r := range tills {
		tills[r] = newTill(sh.registers[r])
	}
	m, err := timeEach(ctx, n, registers, pid, p, func(ctx context.Context, r, i int) error {
		return tills[r].sell(ctx, c, orders[i])
	})
	if err != nil {
		return nil, err
	}
	res := &SaleResult{Sales: n, Registers: registers, Seconds: seconds(m.took), SalesPerSec: rate(n, m.took),
		Latency: m.latency, CPU: m.cpu, shop: sh, orders: orders}
	p.end("sale", fmtRate(res.SalesPerSec, "sales/s"))
	return res, nil
}

// till is a register selling orders: its token, fiscal drive and receipt counter.
type till struct {
	register
	fn      string // the fiscal drive's number, random for each run
	receipt int64
}

func newTill(r register) *till {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e15))
	return &till{register: r, fn: fmt.Sprintf("9%015d", n)}
}

// sell claims the order and uploads its closed receipt, paid in cash.
func (t *till) sell(ctx context.Context, c *client, o saleOrder) error {
	claim := map[string]int64{"version": o.Version}
	if err := c.do(ctx, "POST", "/api/v1/register/orders/"+o.ID+"/claim", t.token, claim, 200, nil); err != nil {
		return err
	}
	t.receipt++
	id, version := o.ID, o.Version
	lines := append([]torg.TxLine(nil), o.Lines...)
	for i := range lines {
		lines[i].LineNo = 0 // the order's line numbers: a sale's lines do not name them
	}
	tx := torg.TransactionInput{ID: uuid.NewString(), OrderID: &id, OrderVersion: &version, ShiftNumber: 1,
		ReceiptNumber: t.receipt, ClosedAt: time.Now().UTC(), Cashier: "Бенчмарк", Lines: lines,
		Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: o.Total}}, Total: o.Total,
		Fiscal: &torg.Fiscal{FN: t.fn, FD: t.receipt, FP: "1"}}
	return c.do(ctx, "POST", "/api/v1/register/transactions", t.token, tx, 201, nil)
}
