package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as a table for people.
func (r *Report) WriteTable(w io.Writer) error {
	m := r.Machine
	fmt.Fprintf(w, "torg bench on %s: %d CPUs (%s), %s MB memory, %s\n\n", r.Database, m.CPUs, m.Model, thousands(m.MemoryMB), m.Go)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tsize\trate\tp50 ms\tp99 ms\tmax ms\tnotes")
	row := func(name, size, rate string, l *Latency, notes string) {
		p50, p99, mx := "", "", ""
		if l != nil {
			p50, p99, mx = fmt.Sprintf("%.2f", l.P50), fmt.Sprintf("%.2f", l.P99), fmt.Sprintf("%.2f", l.Max)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, size, rate, p50, p99, mx, notes)
	}
	if i := r.Intake; i != nil {
		row("intake", fmt.Sprintf("%s orders, %d clients, %d registers", thousands(int64(i.Orders)), i.Clients, i.Registers),
			fmtRate(i.OrdersPerSec, "orders/s"), &i.Latency, fmt.Sprintf("%.1f s; %s%s", i.Seconds, cpuNote(i.CPU, i.Orders, "order"), tenthsNote(i)))
	}
	for _, f := range r.Fanout {
		notes := fmt.Sprintf("%d before the post's response; %s", f.Early, cpuNote(f.CPU, f.Deliveries, "delivery"))
		if f.Server != nil {
			notes += fmt.Sprintf("; server while waiting: RSS %.1f MB, %d OS threads", f.Server.RSSMB, f.Server.Threads)
		}
		row("fan-out", fmt.Sprintf("%s registers × %d orders", thousands(int64(f.Registers)), f.Orders),
			thousands(int64(f.Deliveries))+" deliveries", &f.Latency, notes)
	}
	if s := r.Sale; s != nil {
		row("sale", fmt.Sprintf("%s sales, %d registers", thousands(int64(s.Sales)), s.Registers),
			fmtRate(s.SalesPerSec, "sales/s"), &s.Latency, fmt.Sprintf("claim + upload; %.1f s; %s", s.Seconds, cpuNote(s.CPU, s.Sales, "sale")))
	}
	if k := r.KKMTransfer; k != nil {
		row("kkm-transfer", thousands(int64(k.Result.Processed))+" transactions", fmtRate(k.TxPerSec, "transactions/s"), nil,
			fmt.Sprintf("%.1f s, %d failed; %s", k.Seconds, k.Result.Failed, cpuNote(k.CPU, k.Result.Processed, "transaction")))
	}
	if c := r.Ceiling; c != nil {
		notes := fmt.Sprintf("store only, %.1f s; store %.2f ms CPU/order, machine %.0f%% busy", c.Seconds,
			c.CPU.Bench*1000/float64(max(c.Orders, 1)), c.CPU.Busy()*100)
		if r.IntakeOverCeiling > 0 {
			notes += fmt.Sprintf("; intake ÷ ceiling = %.2f", r.IntakeOverCeiling)
		}
		row("ceiling", fmt.Sprintf("%s orders, %d to a transaction", thousands(int64(c.Orders)), c.Batch),
			fmtRate(c.OrdersPerSec, "orders/s"), nil, notes)
	}
	return tw.Flush()
}

// cpuNote says how much CPU the server took for each of n things, and how busy the machine was.
func cpuNote(c CPU, n int, unit string) string {
	note := fmt.Sprintf("machine %.0f%% busy", c.Busy()*100)
	if c.Server > 0 && n > 0 {
		note = fmt.Sprintf("server %.2f ms CPU/%s, %s", c.Server*1000/float64(n), unit, note)
	}
	return note
}

// tenthsNote compares the last tenth of the intake with the first.
func tenthsNote(i *IntakeResult) string {
	if i.FirstTenthPerSec == 0 {
		return ""
	}
	return fmt.Sprintf("; last tenth %s ÷ first %s = %.2f", fmtRate(i.LastTenthPerSec, "orders/s"), fmtRate(i.FirstTenthPerSec, "orders/s"),
		i.LastOverFirst)
}
