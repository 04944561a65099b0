// Package bench is the load and latency benchmarks behind torg bench: HTTP clients that drive a real
// torg serve over loopback through five scenarios — intake of orders, fan-out to waiting registers,
// sales at registers, a KKMTransfer run, and the storage ceiling without HTTP — and report
// throughput, latency percentiles and the server's memory as a table or JSON.
package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Scenarios are the scenarios' names, in the order they run.
var Scenarios = []string{"intake", "fanout", "sale", "kkm-transfer", "ceiling"}

// Config is what to run, against which server, and how big.
type Config struct {
	URL        string // the server's base URL, or several separated by commas (servers of one PostgreSQL database), which the clients' requests take turns at
	AdminToken string
	DB         string // the server's --db: kkm-transfer seeds through it, ceiling works beside it; may be empty
	Dialect    string // "sqlite" or "postgres", for the report
	PID        int    // the server's process id when it runs on this machine, else 0

	Scenarios    []string // names from Scenarios; empty runs them all
	Clients      int      // intake: clients at once; sale: registers selling at once
	Orders       int      // intake and ceiling: orders made
	Registers    []int    // fan-out: numbers of waiting registers, one run each
	FanoutOrders int      // fan-out: orders posted to all of them, one after another
	Sales        int      // sale: orders sold
	Transactions int      // kkm-transfer: waiting transactions

	Progress io.Writer // where progress is drawn (stderr); nil for none
}

// Report is the outcome of a run.
type Report struct {
	Machine     Machine        `json:"machine"`
	Database    string         `json:"database"`
	Intake      *IntakeResult  `json:"intake,omitempty"`
	Fanout      []FanoutResult `json:"fanout,omitempty"`
	Sale        *SaleResult    `json:"sale,omitempty"`
	KKMTransfer *KKMResult     `json:"kkm_transfer,omitempty"`
	Ceiling     *CeilingResult `json:"ceiling,omitempty"`
	// IntakeOverCeiling is intake's orders/s divided by the ceiling's, when both ran.
	IntakeOverCeiling float64 `json:"intake_over_ceiling,omitempty"`
}

// Check refuses a configuration that cannot run.
func (cfg *Config) Check() error {
	for _, s := range cfg.Scenarios {
		if !slices.Contains(Scenarios, s) {
			return fmt.Errorf("scenario %q: want one or more of %s", s, strings.Join(Scenarios, ","))
		}
	}
	if (cfg.runs("kkm-transfer") || cfg.runs("ceiling")) && cfg.DB == "" {
		return fmt.Errorf("kkm-transfer and ceiling work on the database: give the server's --db")
	}
	for _, n := range append([]int{cfg.Clients, cfg.Orders, cfg.FanoutOrders, cfg.Sales, cfg.Transactions}, cfg.Registers...) {
		if n < 1 {
			return fmt.Errorf("every size must be at least 1")
		}
	}
	return nil
}

func (cfg *Config) runs(scenario string) bool {
	return len(cfg.Scenarios) == 0 || slices.Contains(cfg.Scenarios, scenario)
}

// Run runs the configured scenarios one after another against the server. It returns what it has
// measured so far along with the first error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	rep := &Report{Machine: thisMachine(), Database: cfg.Dialect}
	c := newClient(cfg.URL, cfg.AdminToken, max(cfg.Clients, 16)+16)
	defer c.close()
	p := newProgress(cfg.Progress)
	prefix := runPrefix()
	var err error
	if cfg.runs("intake") {
		if rep.Intake, err = intake(ctx, c, prefix+"-I", cfg.Orders, cfg.Clients, cfg.PID, p); err != nil {
			return rep, fmt.Errorf("intake: %w", err)
		}
	}
	if cfg.runs("fanout") {
		for _, n := range cfg.Registers {
			r, err := fanout(ctx, c, fmt.Sprintf("%s-F%d", prefix, n), n, cfg.FanoutOrders, cfg.PID, p)
			if err != nil {
				return rep, fmt.Errorf("fan-out to %d registers: %w", n, err)
			}
			rep.Fanout = append(rep.Fanout, *r)
		}
	}
	if cfg.runs("sale") {
		if rep.Sale, err = sale(ctx, c, prefix+"-S", cfg.Sales, cfg.Clients, cfg.PID, p); err != nil {
			return rep, fmt.Errorf("sale: %w", err)
		}
	}
	if cfg.runs("kkm-transfer") {
		if rep.KKMTransfer, err = kkmTransfer(ctx, c, cfg.DB, prefix+"-K", cfg.Transactions, cfg.PID, p); err != nil {
			return rep, fmt.Errorf("kkm-transfer: %w", err)
		}
	}
	if cfg.runs("ceiling") {
		if rep.Ceiling, err = runCeiling(ctx, cfg.DB, cfg.Orders, p); err != nil {
			return rep, fmt.Errorf("ceiling: %w", err)
		}
	}
	if rep.Intake != nil && rep.Ceiling != nil && rep.Ceiling.OrdersPerSec > 0 {
		rep.IntakeOverCeiling = float64(int(rep.Intake.OrdersPerSec/rep.Ceiling.OrdersPerSec*100+0.5)) / 100
	}
	return rep, nil
}

// runCeiling runs the ceiling in a fresh database beside db, and removes it after.
func runCeiling(ctx context.Context, db string, n int, p *progress) (res *CeilingResult, err error) {
	fresh, drop, err := FreshDatabase(ctx, db)
	if err != nil {
		return nil, err
	}
	defer func() {
		if derr := drop(); err == nil && derr != nil {
			err = derr
		}
	}()
	return ceiling(ctx, fresh, n, ceilingBatch, p)
}
