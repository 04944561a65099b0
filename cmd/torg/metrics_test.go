package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"torg/internal/store/storetest"
)

// metricValue reads one series from Prometheus's text format: a name, with its labels in the order
// the format writes them (sorted by name), such as `torg_orders{status="new"}`. Missing is -1.
func metricValue(body, series string) float64 {
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// scrape reads GET /metrics with the token.
func (s *testServer) scrape(token string) string {
	s.t.Helper()
	r := s.do("GET", "/metrics", token, "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		s.t.Fatalf("GET /metrics: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	return string(r.body)
}

// TestMetrics: GET /metrics answers an admin or a metrics token (which may read nothing else), or
// anyone on --metrics-listen, and its series follow what the server does.
func TestMetrics(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			s := startServer(t, d, "--metrics-listen", "127.0.0.1:0")
			sh := newShop(t, s)
			shopTok := s.must(201, "POST", "/api/v1/api-tokens", `{"name":"shop","role":"integration"}`)["token"].(string)
			promTok := s.must(201, "POST", "/api/v1/api-tokens", `{"name":"prometheus","role":"metrics"}`)["token"].(string)
			for _, c := range []struct {
				token, path string
				status      int
			}{{"", "/metrics", 401}, {shopTok, "/metrics", 403}, {sh.tok["R1"], "/metrics", 403},
				{promTok, "/api/v1/orders", 403}, {promTok, "/api/v1/api-tokens", 403}} {
				if r := s.do("GET", c.path, c.token, ""); r.status != c.status {
					t.Errorf("GET %s: %d, want %d", c.path, r.status, c.status)
				}
			}

			before := s.scrape(promTok)
			delta := func(after, series string) float64 {
				return metricValue(after, series) - max(metricValue(before, series), 0)
			}
			waiting := make(chan response)
			go func() { waiting <- s.do("GET", "/api/v1/register/packages?after=0&wait=10", sh.tok["R1"], "") }()
			waitFor(t, "a long poll to wait", func() bool { return metricValue(s.scrape(promTok), "torg_long_polls_waiting") >= 1 })
			sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
			if r := <-waiting; r.status != 200 {
				t.Fatalf("long poll: %d %s", r.status, r.body)
			}
			sh.fetch(t, "R1", 1) // acknowledges the package
			sh.sell(t, "R2", `[{"type":"cash","amount":43400}]`)
			s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
			after := s.scrape(promTok)

			for series, atLeast := range map[string]float64{
				"torg_orders_created_total": 2, "torg_orders_posted_total": 2,
				`torg_http_requests_total{method="POST",route="/api/v1/orders",status="201"}`:    2,
				`torg_http_request_duration_seconds_count{method="POST",route="/api/v1/orders"}`: 2,
				"torg_exchange_registers_woken_total":                                            2, "torg_packages_delivered_total": 1,
				"torg_package_delivery_seconds_count": 1, "torg_register_acks_total": 1,
				`torg_kkm_transfer_runs_total{result="ok"}`: 1, "torg_kkm_transfer_duration_seconds_count": 1,
				`torg_kkm_transfer_transactions_total{outcome="processed"}`: 1,
			} {
				if got := delta(after, series); got < atLeast {
					t.Errorf("%s rose by %v, want at least %v", series, got, atLeast)
				}
			}
			for series, want := range map[string]float64{
				`torg_orders{status="agreed"}`: 1, `torg_orders{status="closed"}`: 1, `torg_transactions{state="processed"}`: 1,
				`torg_transactions{state="new"}`: 0, "torg_kkm_transfer_backlog": 0, "torg_long_polls_waiting": 0,
			} {
				if got := metricValue(after, series); got != want {
					t.Errorf("%s is %v, want %v", series, got, want)
				}
			}
			if metricValue(after, "go_goroutines") <= 0 || metricValue(after, "torg_packages_unacknowledged") < 1 {
				t.Errorf("go_goroutines or torg_packages_unacknowledged is missing")
			}
			if d == "sqlite" {
				if metricValue(after, "torg_sqlite_write_queue") < 0 || delta(after, "torg_sqlite_write_group_size_count") < 1 ||
					metricValue(after, `go_sql_open_connections{db_name="write"}`) < 0 {
					t.Errorf("SQLite's writer is not measured")
				}
				checkMetricsDocumented(t, after)
			} else if metricValue(after, `go_sql_open_connections{db_name="postgres"}`) < 1 {
				t.Errorf("PostgreSQL's pool is not measured")
			}

			m := regexp.MustCompile(`metrics on (http://\S+)`).FindStringSubmatch(s.out.String())
			if m == nil {
				t.Fatalf("no metrics address printed:\n%s", s.out.String())
			}
			resp, err := http.Get(m[1])
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("--metrics-listen: %v %v", resp, err)
			}
			resp.Body.Close()
		})
	}
}

// checkMetricsDocumented: every torg_ metric the server exposes is in docs/OPERATIONS.md's list
// under «Metrics», and every one listed there is exposed.
func checkMetricsDocumented(t *testing.T, body string) {
	t.Helper()
	checkDocumented(t, body, "## Metrics")
}

// checkDocumented compares the torg_ metrics of a scrape with the table of a section of
// docs/OPERATIONS.md.
func checkDocumented(t *testing.T, body, section string) {
	t.Helper()
	all, err := os.ReadFile("../../docs/OPERATIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	_, doc, _ := strings.Cut(string(all), "\n"+section+"\n")
	doc, _, _ = strings.Cut(doc, "\n## ")
	var exposed []string
	for _, m := range regexp.MustCompile(`(?m)^# HELP (torg_\w+) `).FindAllStringSubmatch(body, -1) {
		exposed = append(exposed, m[1])
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(torg_\\w+)`").FindAllStringSubmatch(doc, -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(exposed)
	slices.Sort(listed)
	if !slices.Equal(exposed, listed) {
		t.Errorf("docs/OPERATIONS.md lists %v,\nthe server exposes %v", listed, exposed)
	}
}

// TestRegisterAgentMetrics: the agent's GET /metrics says what its status says, for its own Host
// only, like the rest of its local API.
func TestRegisterAgentMetrics(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	till := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
	id := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)["id"].(string)
	waitFor(t, "the order at the till", func() bool { return has(till.orderIDs(), id) })
	_, picked := till.call("POST", "/api/orders/"+id+"/pick", "")
	receipt := picked["receipt"].(map[string]any)
	if status, m := till.call("POST", "/api/receipts/"+receipt["id"].(string)+"/close", `{"payments":[{"type":"cash","amount":50000}]}`); status != 200 {
		t.Fatalf("close: %d %v", status, m)
	}
	waitFor(t, "the upload", func() bool { return till.status()["outbox"] == 0.0 })

	get := func(host string) (int, string) {
		req, _ := http.NewRequest("GET", till.a.URL()+"/metrics", nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(strings.Builder)
		io.Copy(b, resp.Body)
		return resp.StatusCode, b.String()
	}
	status, body := get("")
	if status != 200 {
		t.Fatalf("GET /metrics: %d %s", status, body)
	}
	st := till.status()
	for series, want := range map[string]float64{
		"torg_register_outbox": 0, "torg_register_outbox_rejected": 0, "torg_register_online": 1,
		"torg_register_shift_open": 1, "torg_register_shift_number": 1, "torg_register_last_seq": st["last_seq"].(float64),
	} {
		if got := metricValue(body, series); got != want {
			t.Errorf("%s is %v, want %v", series, got, want)
		}
	}
	if at := metricValue(body, "torg_register_last_contact_timestamp_seconds"); at < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last contact %v", at)
	}
	checkDocumented(t, body, "## The register agent's metrics")
	if status, _ := get("metrics.example"); status != 403 {
		t.Errorf("another Host: %d, want 403", status)
	}
}
