package bench

import (
	"context"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
)

// KKMResult is the kkm-transfer scenario's figures: one run of KKMTransfer through the API.
type KKMResult struct {
	Seeded   int                 `json:"seeded"` // transactions made waiting for this run
	Seconds  float64             `json:"seconds"`
	TxPerSec float64             `json:"transactions_per_sec"` // processed per second
	Result   torg.TransferResult `json:"result"`               // as the run answered
	CPU      CPU                 `json:"cpu"`
	register string
}

// seedBatch is how many transactions one database transaction seeds.
const seedBatch = 1000

// kkmTransfer makes a register with a cash desk through the API and n closed receipts of two lines
// without an order, half paid in cash and half by card, straight through the store on db (not
// timed); then it times one run of POST /api/v1/jobs/kkm-transfer/run, which also takes any other
// transactions left waiting.
func kkmTransfer(ctx context.Context, c *client, db, prefix string, n, pid int, p *progress) (*KKMResult, error) {
	p.phase("kkm-transfer: seed transactions", n)
	sh, err := newShop(ctx, c, prefix, 2)
	if err != nil {
		return nil, err
	}
	var desk struct{ ID string }
	if err := c.adminDo(ctx, "POST", "/api/v1/cash-desks", map[string]string{"code": prefix + "-D", "name": "Касса магазина"}, 201, &desk); err != nil {
		return nil, err
	}
	if err := sh.addRegisters(ctx, c, 1, 1, desk.ID, nil); err != nil {
		return nil, err
	}
	reg := sh.registers[0].id
	if err := seedTransactions(ctx, db, reg, sh.products, n, p); err != nil {
		return nil, err
	}
	p.phase("kkm-transfer: run", 0)
	stopTicks := ticker(p)
	var out torg.TransferResult
	start, cpu := time.Now(), startCPU(pid)
	err = c.adminDo(ctx, "POST", "/api/v1/jobs/kkm-transfer/run", nil, 200, &out)
	took := time.Since(start)
	stopTicks()
	if err != nil {
		return nil, err
	}
	res := &KKMResult{Seeded: n, Seconds: seconds(took), TxPerSec: rate(out.Processed, took), Result: out, CPU: cpu.stop(), register: reg}
	p.end("kkm-transfer", fmtRate(res.TxPerSec, "transactions/s"))
	return res, nil
}

// seedTransactions stores n waiting transactions of the register, seedBatch to a database transaction.
func seedTransactions(ctx context.Context, db, registerID string, products []string, n int, p *progress) error {
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	closed := time.Now().UTC().Add(-time.Duration(n) * time.Millisecond).Truncate(time.Millisecond)
	for done := 0; done < n; done += seedBatch {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+seedBatch, n); i++ {
				pay := torg.PaymentCard
				if i%2 == 0 {
					pay = torg.PaymentCash
				}
				in := torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1),
					ClosedAt: closed.Add(time.Duration(i) * time.Millisecond), Cashier: "Бенчмарк",
					Lines: []torg.TxLine{{ProductID: products[0], Quantity: 1000, Price: 15000, Amount: 15000},
						{ProductID: products[1], Quantity: 2500, Price: 8990, Discount: 25, Amount: 22450}},
					Payments: []torg.Payment{{Type: pay, Amount: 37450}}, Total: 37450}
				if _, _, err := tx.UploadTransaction(ctx, registerID, in); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		p.add(min(seedBatch, n-done))
	}
	return nil
}

// ticker redraws the progress line every second until stopped, for work that counts nothing.
func ticker(p *progress) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.tick()
			}
		}
	}()
	return func() { close(done) }
}
