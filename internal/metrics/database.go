package metrics

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"torg"
	"torg/internal/store"
)

var (
	ordersDesc       = prometheus.NewDesc("torg_orders", "Customer orders in the database, by status.", []string{"status"}, nil)
	transactionsDesc = prometheus.NewDesc("torg_transactions", "Register transactions in the database, by state.", []string{"state"}, nil)
	backlogDesc      = prometheus.NewDesc("torg_kkm_transfer_backlog", "Transactions waiting for KKMTransfer: new and failed.", nil, nil)
	unackedDesc      = prometheus.NewDesc("torg_packages_unacknowledged", "Packages written and not yet acknowledged by their registers, over all registers.", nil, nil)
	writeQueueDesc   = prometheus.NewDesc("torg_sqlite_write_queue", "Writes waiting for SQLite's one writer, or in the group it is committing.", nil, nil)
	writtenDesc      = prometheus.NewDesc("torg_packages_written_total", "Exchange packages this process's sequencer numbered (written for registers).", nil, nil)
	scrapeErrDesc    = prometheus.NewDesc("torg_database_scrape_errors_total", "Scrapes whose counting in the database failed.", nil, nil)
)

// Database is the registry of one server's database: what it holds now (read at every scrape, in one
// snapshot), its connection pools and, on SQLite, its writer's queue and group sizes.
func Database(st *store.Store, log *slog.Logger) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&dbCollector{st: st, log: log})
	for name, db := range st.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(db, name))
	}
	st.OnWriteGroup(WriteGroup)
	return reg
}

type dbCollector struct {
	st     *store.Store
	log    *slog.Logger
	errors atomic.Int64
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{ordersDesc, transactionsDesc, backlogDesc, unackedDesc, writeQueueDesc, writtenDesc, scrapeErrDesc} {
		ch <- d
	}
}

// Collect counts in the database, within 5 seconds; a failure is logged and counted, and the
// scrape goes on with the rest.
func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	if n, ok := c.st.WriteQueue(); ok {
		ch <- prometheus.MustNewConstMetric(writeQueueDesc, prometheus.GaugeValue, float64(n))
	}
	ch <- prometheus.MustNewConstMetric(writtenDesc, prometheus.CounterValue, float64(c.st.PackagesNumbered()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.st.Stats(ctx)
	if err != nil {
		c.errors.Add(1)
		c.log.Warn("metrics: counting in the database", "err", err)
	} else {
		for _, status := range []torg.Status{torg.StatusNew, torg.StatusAgreed, torg.StatusSold, torg.StatusClosed, torg.StatusCancelled} {
			ch <- prometheus.MustNewConstMetric(ordersDesc, prometheus.GaugeValue, float64(s.Orders[string(status)]), string(status))
		}
		for _, state := range []torg.TxState{torg.TxNew, torg.TxProcessed, torg.TxConflict, torg.TxFailed, torg.TxIgnored} {
			ch <- prometheus.MustNewConstMetric(transactionsDesc, prometheus.GaugeValue, float64(s.Transactions[string(state)]), string(state))
		}
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(s.Backlog))
		ch <- prometheus.MustNewConstMetric(unackedDesc, prometheus.GaugeValue, float64(s.PackagesUnacked))
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.CounterValue, float64(c.errors.Load()))
}
