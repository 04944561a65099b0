package bench

import (
	"context"
)

// IntakeResult is the intake scenario's figures: orders made, filled and posted over HTTP.
type IntakeResult struct {
	Orders       int     `json:"orders"`
	Clients      int     `json:"clients"`
	Registers    int     `json:"registers"` // each order is sent to this many registers
	Seconds      float64 `json:"seconds"`
	OrdersPerSec float64 `json:"orders_per_sec"`
	Latency      Latency `json:"latency"` // of one POST /api/v1/orders
	// The rates of the first and the last tenth of the orders, and last ÷ first: whether intake
	// slows down as the database grows.
	FirstTenthPerSec float64 `json:"first_tenth_orders_per_sec"`
	LastTenthPerSec  float64 `json:"last_tenth_orders_per_sec"`
	LastOverFirst    float64 `json:"last_over_first"`
	CPU              CPU     `json:"cpu"`

	shop *shop
}

// intakeRegisters is how many registers every intake order goes to.
const intakeRegisters = 10

// intake makes a warehouse with intakeRegisters registers that load orders automatically, then
// has clients make orders agreed 10-line orders with fill_registers and post, all at once, and
// times each request.
func intake(ctx context.Context, c *client, prefix string, orders, clients, pid int, p *progress) (*IntakeResult, error) {
	p.phase("intake: setup", intakeRegisters)
	sh, err := newShop(ctx, c, prefix, orderLines)
	if err != nil {
		return nil, err
	}
	if err := sh.addRegisters(ctx, c, intakeRegisters, 4, "", p); err != nil {
		return nil, err
	}
	body := sh.orderBody()
	p.phase("intake: orders", orders)
	m, err := timeEach(ctx, orders, clients, pid, p, func(ctx context.Context, _, _ int) error {
		return c.adminDo(ctx, "POST", "/api/v1/orders", body, 201, nil)
	})
	if err != nil {
		return nil, err
	}
	res := &IntakeResult{Orders: orders, Clients: clients, Registers: intakeRegisters, Seconds: seconds(m.took),
		OrdersPerSec: rate(orders, m.took), Latency: m.latency, CPU: m.cpu, shop: sh}
	res.FirstTenthPerSec, res.LastTenthPerSec = m.tenthRates(orders)
	if res.FirstTenthPerSec > 0 {
		res.LastOverFirst = res.LastTenthPerSec / res.FirstTenthPerSec
	}
	p.end("intake", fmtRate(res.OrdersPerSec, "orders/s"))
	return res, nil
}
