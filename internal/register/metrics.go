package register

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	outboxDesc      = prometheus.NewDesc("torg_register_outbox", "Closed receipts the back office has not accepted yet, rejected ones included.", nil, nil)
	rejectedDesc    = prometheus.NewDesc("torg_register_outbox_rejected", "Uploads the back office refused as invalid, waiting for a person.", nil, nil)
	lastContactDesc = prometheus.NewDesc("torg_register_last_contact_timestamp_seconds", "When the back office last answered, in Unix time; 0 before the first answer.", nil, nil)
	onlineDesc      = prometheus.NewDesc("torg_register_online", "1 while the back office answers, 0 while it does not.", nil, nil)
	lastSeqDesc     = prometheus.NewDesc("torg_register_last_seq", "The newest exchange package applied.", nil, nil)
	shiftOpenDesc   = prometheus.NewDesc("torg_register_shift_open", "1 while the fiscal shift is open.", nil, nil)
	shiftNumberDesc = prometheus.NewDesc("torg_register_shift_number", "The current, or last, fiscal shift's number.", nil, nil)
)

// metricsHandler serves the agent's own metrics (docs/OPERATIONS.md, «The register agent's
// metrics»), read from its store at every scrape, in the Prometheus text format.
func (a *Agent) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(agentCollector{a})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

type agentCollector struct{ a *Agent }

func (c agentCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{outboxDesc, rejectedDesc, lastContactDesc, onlineDesc, lastSeqDesc, shiftOpenDesc, shiftNumberDesc} {
		ch <- d
	}
}

func (c agentCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	var contact float64
	if ns := c.a.lastContact.Load(); ns > 0 {
		contact = float64(ns) / float64(time.Second)
	}
	gauge(lastContactDesc, contact)
	gauge(onlineDesc, bit(c.a.online.Load()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.a.status(ctx)
	if err != nil {
		c.a.log.Warn("metrics: reading the local store", "err", err)
		return
	}
	gauge(lastSeqDesc, float64(st.LastSeq))
	gauge(outboxDesc, float64(st.Outbox))
	gauge(rejectedDesc, float64(st.Rejected))
	gauge(shiftOpenDesc, bit(st.ShiftOpen))
	gauge(shiftNumberDesc, float64(st.ShiftNumber))
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
