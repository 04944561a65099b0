package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// orderLines is how many lines every benchmark order has.
const orderLines = 10

// shop is what one scenario makes through the API before it measures anything: a warehouse of
// its own, products, and registers with their tokens. Codes carry a prefix unique to the run, so
// scenarios and runs never meet in one database.
type shop struct {
	prefix    string
	warehouse string   // id
	products  []string // ids, in the order of their codes prefix-P0, prefix-P1, …
	registers []register
}

// register is a register made by a scenario, and its token.
type register struct {
	id, token string
}

// runPrefix makes a prefix for the codes of one run.
func runPrefix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return "B" + strings.ToUpper(hex.EncodeToString(b))
}

// newShop makes a warehouse and n products, priced 10.00 ₽, 11.37 ₽, … .
func newShop(ctx context.Context, c *client, prefix string, products int) (*shop, error) {
	sh := &shop{prefix: prefix}
	var wh struct{ ID string }
	body := map[string]any{"code": prefix + "-W", "name": "Склад " + prefix}
	if err := c.adminDo(ctx, "POST", "/api/v1/warehouses", body, 201, &wh); err != nil {
		return nil, err
	}
	sh.warehouse = wh.ID
	for i := range products {
		var p struct{ ID string }
		body := map[string]any{"code": sh.productCode(i), "name": fmt.Sprintf("Товар %d", i), "price": 1000 + i*137, "vat_rate": "22"}
		if err := c.adminDo(ctx, "POST", "/api/v1/products", body, 201, &p); err != nil {
			return nil, err
		}
		sh.products = append(sh.products, p.ID)
	}
	return sh, nil
}

func (sh *shop) productCode(i int) string { return fmt.Sprintf("%s-P%d", sh.prefix, i) }

// addRegisters makes n registers at the shop's warehouse that load orders automatically, each with
// a token, from several clients at once; cashDesk, when not empty, is their cash desk.
func (sh *shop) addRegisters(ctx context.Context, c *client, n, workers int, cashDesk string, p *progress) error {
	base := len(sh.registers)
	sh.registers = append(sh.registers, make([]register, n)...)
	return parallel(ctx, n, workers, func(ctx context.Context, i int) error {
		body := map[string]any{"code": fmt.Sprintf("%s-R%d", sh.prefix, base+i), "name": fmt.Sprintf("Касса %d", base+i+1),
			"warehouse_id": sh.warehouse, "accepts_orders": true, "auto_load_orders": true}
		if cashDesk != "" {
			body["cash_desk_id"] = cashDesk
		}
		var r struct{ ID string }
		if err := c.adminDo(ctx, "POST", "/api/v1/registers", body, 201, &r); err != nil {
			return err
		}
		var t struct{ Token string }
		if err := c.adminDo(ctx, "POST", "/api/v1/registers/"+r.ID+"/token", nil, 201, &t); err != nil {
			return err
		}
		sh.registers[base+i] = register{id: r.ID, token: t.Token}
		p.add(1)
		return nil
	})
}

// orderBody is an agreed order of orderLines lines at the shop's warehouse, for the retail
// customer, filled with the warehouse's registers and posted in the same request.
func (sh *shop) orderBody() []byte {
	lines := make([]string, orderLines)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"product_code":%q,"quantity":%d.5}`, sh.productCode(i%len(sh.products)), i+1)
	}
	return fmt.Appendf(nil, `{"customer_code":"retail","warehouse_id":%q,"status":"agreed","lines":[%s],"fill_registers":true,"post":true}`,
		sh.warehouse, strings.Join(lines, ","))
}

// parallel calls fn for 0 … n-1 from workers goroutines, stopping at the first error.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range max(min(workers, n), 1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// timed is what a timed load of requests measured.
type timed struct {
	took    time.Duration
	latency Latency
	cpu     CPU
	tenths  [11]time.Duration // when the first k tenths of the items had finished (with 10 items or more)
}

// tenthRates are the rates of the first and the last tenth of the items.
func (t timed) tenthRates(n int) (first, last float64) {
	if n < 10 || t.tenths[1] == 0 || t.tenths[10] <= t.tenths[9] {
		return 0, 0
	}
	return rate(n/10, t.tenths[1]), rate(n/10, t.tenths[10]-t.tenths[9])
}

// timeEach runs n items on workers at once, each worker handing its items to do in turn, and
// measures the whole run and each item.
func timeEach(ctx context.Context, n, workers, pid int, p *progress, do func(ctx context.Context, worker, item int) error) (timed, error) {
	var lat samples
	var next, finished atomic.Int64
	var tenths [11]atomic.Int64
	start, cpu := time.Now(), startCPU(pid)
	err := parallel(ctx, workers, workers, func(ctx context.Context, w int) error {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			t := time.Now()
			if err := do(ctx, w, i); err != nil {
				return err
			}
			lat.add(time.Since(t))
			if f := finished.Add(1); n >= 10 && f%int64(n/10) == 0 && f/int64(n/10) <= 10 {
				tenths[f/int64(n/10)].Store(int64(time.Since(start)))
			}
			p.add(1)
		}
		return nil
	})
	out := timed{took: time.Since(start), latency: lat.summary(), cpu: cpu.stop()}
	for i := range tenths {
		out.tenths[i] = time.Duration(tenths[i].Load())
	}
	return out, err
}
