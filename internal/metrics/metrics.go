// Package metrics is what torg serve tells Prometheus (GET /metrics): its HTTP requests, the
// orders, packages and long polls at the edges of the exchange, KKMTransfer's runs, the database
// (counted at scrape time), and the Go runtime. Every name is listed in docs/OPERATIONS.md,
// «Metrics». The functions here are the hooks the rest of the server calls; each is safe to call
// from any goroutine and costs no more than an atomic add.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"torg"
)

// Process is the registry of this process's own metrics: requests, the exchange's edges,
// KKMTransfer, Go runtime and process. Each server adds its database's (Database) when it serves.
var Process = prometheus.NewRegistry()

// latency buckets, in seconds: from a millisecond to a long poll's minute.
var latency = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "torg_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "torg_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method (long polls included).",
		Buckets: latency,
	}, []string{"route", "method"})
	ordersCreated = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "torg_orders_created_total", Help: "Customer orders created, through the API or the web UI.",
	})
	ordersPosted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "torg_orders_posted_total", Help: "Posting requests that succeeded: an order posted on creation, or posted again.",
	})
	registersWoken = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "torg_exchange_registers_woken_total", Help: "Registers told, after a commit, that they have new packages.",
	})
	packagesDelivered = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "torg_packages_delivered_total", Help: "Packages answered to registers' fetches.",
	})
	acks = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "torg_register_acks_total", Help: "Acknowledgements registers sent (after= on a fetch, or POST /register/ack).",
	})
	longPolls = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "torg_long_polls_waiting", Help: "Register long polls waiting for packages now.",
	})
	deliveryLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "torg_package_delivery_seconds", Help: "From a package's commit to the answer that hands it to its register.",
		Buckets: latency,
	})
	kkmRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "torg_kkm_transfer_runs_total", Help: "KKMTransfer runs, by result: ok or error.",
	}, []string{"result"})
	kkmDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "torg_kkm_transfer_duration_seconds", Help: "How long a KKMTransfer run took.", Buckets: latency,
	})
	kkmTransactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "torg_kkm_transfer_transactions_total", Help: "Transactions KKMTransfer took, by outcome: processed or failed.",
	}, []string{"outcome"})
	writeGroups = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "torg_sqlite_write_group_size", Help: "Writes committed together by SQLite's one writer (group commit), per group.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
	})
)

func init() {
	Process.MustRegister(httpRequests, httpDuration, ordersCreated, ordersPosted, registersWoken,
		packagesDelivered, acks, longPolls, deliveryLatency, kkmRuns, kkmDuration, kkmTransactions, writeGroups,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, result := range []string{"ok", "error"} { // every series from the start: a rate needs a zero
		kkmRuns.WithLabelValues(result)
	}
	for _, outcome := range []string{"processed", "failed"} {
		kkmTransactions.WithLabelValues(outcome)
	}
}

// Request counts an answered HTTP request under its route pattern ("/api/v1/orders/{id}"), never its
// raw path, so that ids do not become series.
func Request(route, method string, status int, took time.Duration) {
	httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	httpDuration.WithLabelValues(route, method).Observe(took.Seconds())
}

// OrderCreated counts a customer order created.
func OrderCreated() { ordersCreated.Inc() }

// OrderPosted counts an order posted.
func OrderPosted() { ordersPosted.Inc() }

// RegistersWoken counts registers told, after a commit, that they have new packages.
func RegistersWoken(n int) { registersWoken.Add(float64(n)) }

// Delivered counts packages answered to a register; committed are the times each was written.
func Delivered(committed []time.Time) {
	packagesDelivered.Add(float64(len(committed)))
	now := time.Now()
	for _, t := range committed {
		deliveryLatency.Observe(max(now.Sub(t), 0).Seconds())
	}
}

// Acked counts a register's acknowledgement.
func Acked() { acks.Inc() }

// LongPoll counts a long poll waiting until the function it returns is called.
func LongPoll() (done func()) {
	longPolls.Inc()
	return longPolls.Dec
}

// KKMTransferRun records a run: its duration, its result, and the transactions it took.
func KKMTransferRun(took time.Duration, res torg.TransferResult, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	kkmRuns.WithLabelValues(result).Inc()
	kkmDuration.Observe(took.Seconds())
	kkmTransactions.WithLabelValues("processed").Add(float64(res.Processed))
	kkmTransactions.WithLabelValues("failed").Add(float64(res.Failed))
}

// WriteGroup records the size of a group of writes SQLite's writer committed together.
func WriteGroup(size int) { writeGroups.Observe(float64(size)) }

// Handler serves the process's metrics and those of the gatherers given (a server's database) in
// Prometheus's text format.
func Handler(extra ...prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(append(prometheus.Gatherers{Process}, extra...), promhttp.HandlerOpts{})
}
