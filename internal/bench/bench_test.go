package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"torg"
	"torg/internal/api"
	"torg/internal/exchange"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

const testAdmin = "bench-test-admin-token"

// testServer is torg's API served in-process on a random loopback port, on a fresh database.
func testServer(t testing.TB, dialect string) (*client, string) {
	t.Helper()
	dsn := storetest.DSN(t, dialect)
	c, _ := serveOn(t, dsn)
	return c, dsn
}

// serveOn serves torg's API in-process on a random loopback port, on the database, and counts the
// requests it answers.
func serveOn(t testing.TB, dsn string) (*client, *atomic.Int64) {
	t.Helper()
	ctx := context.Background()
	hub := exchange.NewHub()
	st, err := store.Open(ctx, dsn, store.OnPackages(hub.Wake))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := st.Migrate(ctx, log); err != nil {
		t.Fatal(err)
	}
	srv := api.New(api.Config{Store: st, Log: log, AdminToken: testAdmin, Hub: hub, KKM: kkmtransfer.New(st, log, 0)})
	srv.SetReady(true)
	listenCtx, stopListening := context.WithCancel(ctx)
	if st.Dialect() == "postgres" { // as torg serve does: woken by the other processes' packages
		listening := make(chan struct{})
		go hub.ListenPostgres(listenCtx, dsn, store.NotifyChannel, st.Heard, log, listening)
		<-listening
	}
	requests, h := &atomic.Int64{}, srv.Handler(nil)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	c := newClient(hs.URL, testAdmin, 64)
	t.Cleanup(func() {
		srv.Drain()
		c.close()
		hs.Close()
		stopListening()
		st.Close()
	})
	return c, requests
}

// testLog writes the server's warnings and errors to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// tiny is every scenario at a size that runs in a second or two.
func tiny(c *client, dsn, dialect string) Config {
	return Config{URL: c.url, AdminToken: c.admin, DB: dsn, Dialect: dialect, Clients: 3, Orders: 30, Registers: []int{12, 20},
		FanoutOrders: 2, Sales: 24, Transactions: seedBatch + 200}
}

// Two servers of one PostgreSQL database, the clients' requests taking turns at them: every order
// reaches all its registers once and in order, and every sale is made once.
func TestBenchOverTwoServersLeavesConsistentData(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("two servers share a PostgreSQL database; set " + storetest.PostgresEnv)
	}
	dsn := storetest.DSN(t, "postgres")
	a, aRequests := serveOn(t, dsn)
	b, bRequests := serveOn(t, dsn)
	both := newClient(a.url+","+b.url, testAdmin, 64)
	defer both.close()
	cfg := Config{URL: both.url, AdminToken: testAdmin, DB: dsn, Dialect: "postgres", Scenarios: []string{"intake", "fanout", "sale"},
		Clients: 4, Orders: 40, Registers: []int{12}, FanoutOrders: 3, Sales: 24, Transactions: 1}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if aRequests.Load() == 0 || bRequests.Load() == 0 || max(aRequests.Load(), bRequests.Load()) > 2*min(aRequests.Load(), bRequests.Load()) {
		t.Errorf("the servers answered %d and %d requests; want both about half", aRequests.Load(), bRequests.Load())
	}
	orders := listOrders(t, both, rep.Intake.shop.warehouse)
	if len(orders) != cfg.Orders {
		t.Fatalf("%d orders in the warehouse, want %d", len(orders), cfg.Orders)
	}
	for _, o := range orders {
		if o.Status != "agreed" || !o.Posted || len(o.Registers) != intakeRegisters {
			t.Fatalf("order %+v", o)
		}
	}
	checkPackages(t, both, rep.Intake.shop, cfg.Orders)
	if f := rep.Fanout[0]; f.Deliveries != f.Registers*f.Orders {
		t.Fatalf("fan-out %+v", f)
	}
	checkPackages(t, both, rep.Fanout[0].shop, cfg.FanoutOrders)
	sold := 0
	for _, r := range rep.Sale.shop.registers {
		txs := listTransactions(t, both, "register_id="+r.id)
		sold += len(txs)
		if p := fetchPackages(t, both, r.token); int(p.LastSeq) != cfg.Sales+2*(cfg.Sales-len(txs)) {
			t.Fatalf("register %s: last_seq %d after selling %d of %d", r.id, p.LastSeq, len(txs), cfg.Sales)
		}
	}
	for _, o := range listOrders(t, both, rep.Sale.shop.warehouse) {
		if o.Status != "sold" || o.TransactionID == nil {
			t.Fatalf("order %+v", o)
		}
	}
	if sold != cfg.Sales {
		t.Fatalf("%d transactions, want %d", sold, cfg.Sales)
	}
}

func TestBenchEveryScenarioLeavesConsistentData(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			c, dsn := testServer(t, d)
			cfg := tiny(c, dsn, d)
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Run("intake posted every order to its ten registers", func(t *testing.T) {
				in := rep.Intake
				if in == nil || in.Orders != cfg.Orders || in.Clients != cfg.Clients || in.OrdersPerSec <= 0 {
					t.Fatalf("intake %+v", in)
				}
				checkLatency(t, in.Latency, cfg.Orders)
				if cfg.Orders >= 10 && (in.FirstTenthPerSec <= 0 || in.LastTenthPerSec <= 0 || in.LastOverFirst <= 0) {
					t.Errorf("intake's tenths: first %v, last %v, ratio %v", in.FirstTenthPerSec, in.LastTenthPerSec, in.LastOverFirst)
				}
				orders := listOrders(t, c, in.shop.warehouse)
				if len(orders) != cfg.Orders {
					t.Fatalf("%d orders in the warehouse, want %d", len(orders), cfg.Orders)
				}
				for _, o := range orders {
					if o.Status != "agreed" || !o.Posted || len(o.Registers) != intakeRegisters {
						t.Fatalf("order %+v", o)
					}
				}
				checkPackages(t, c, in.shop, cfg.Orders)
			})
			t.Run("fan-out delivered every order to every waiting register once", func(t *testing.T) {
				if len(rep.Fanout) != len(cfg.Registers) {
					t.Fatalf("fan-out %+v", rep.Fanout)
				}
				for i, f := range rep.Fanout {
					if f.Registers != cfg.Registers[i] || f.Orders != cfg.FanoutOrders || f.Deliveries != f.Registers*f.Orders ||
						f.Early > f.Deliveries || f.Server != nil {
						t.Fatalf("fan-out %+v", f)
					}
					checkLatency(t, f.Latency, f.Deliveries)
					checkPackages(t, c, f.shop, cfg.FanoutOrders)
				}
			})
			t.Run("sale sold every order once, and KKMTransfer closed them", func(t *testing.T) {
				s := rep.Sale
				if s == nil || s.Sales != cfg.Sales || s.Registers != cfg.Clients || s.SalesPerSec <= 0 {
					t.Fatalf("sale %+v", s)
				}
				checkLatency(t, s.Latency, cfg.Sales)
				orders := listOrders(t, c, s.shop.warehouse)
				if len(orders) != cfg.Sales {
					t.Fatalf("%d orders, want %d", len(orders), cfg.Sales)
				}
				for _, o := range orders {
					if o.Status != "closed" || o.TransactionID == nil || o.SalesInvoiceID == nil {
						t.Fatalf("order %+v", o)
					}
				}
				sold := 0
				for _, r := range s.shop.registers {
					txs := listTransactions(t, c, "register_id="+r.id)
					for _, tx := range txs {
						if tx.State != "processed" {
							t.Fatalf("transaction %+v", tx)
						}
					}
					sold += len(txs)
					// every order came to every register; each one another register sold was announced
					// as claimed there, then withdrawn from it
					p := fetchPackages(t, c, r.token)
					if want := cfg.Sales + 2*(cfg.Sales-len(txs)); int(p.LastSeq) != want {
						t.Fatalf("register %s: last_seq %d, want %d", r.id, p.LastSeq, want)
					}
				}
				if sold != cfg.Sales {
					t.Fatalf("%d transactions, want %d", sold, cfg.Sales)
				}
			})
			t.Run("kkm-transfer processed every waiting transaction", func(t *testing.T) {
				k := rep.KKMTransfer
				want := cfg.Transactions + cfg.Sales // the sales' transactions were waiting too
				if k == nil || k.Seeded != cfg.Transactions || k.Result.Processed != want || k.Result.SalesInvoices != want ||
					k.Result.Failed != 0 || k.TxPerSec <= 0 {
					t.Fatalf("kkm-transfer %+v", k)
				}
				if n := len(listTransactions(t, c, "register_id="+k.register+"&state=processed")); n != cfg.Transactions {
					t.Fatalf("%d processed transactions of the seeded register, want %d", n, cfg.Transactions)
				}
				if waiting := listTransactions(t, c, "state=new"); len(waiting) != 0 {
					t.Fatalf("%d transactions still waiting", len(waiting))
				}
			})
			t.Run("ceiling ran beside the database, and the table and JSON show every scenario", func(t *testing.T) {
				if cl := rep.Ceiling; cl == nil || cl.Orders != cfg.Orders || cl.OrdersPerSec <= 0 || rep.IntakeOverCeiling <= 0 {
					t.Fatalf("ceiling %+v, ratio %v", cl, rep.IntakeOverCeiling)
				}
				var table bytes.Buffer
				if err := rep.WriteTable(&table); err != nil {
					t.Fatal(err)
				}
				for _, s := range []string{"intake", "fan-out", "sale", "kkm-transfer", "ceiling", "intake ÷ ceiling"} {
					if !strings.Contains(table.String(), s) {
						t.Fatalf("the table lacks %q:\n%s", s, table.String())
					}
				}
				var js bytes.Buffer
				if err := rep.WriteJSON(&js); err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal(js.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"machine", "database", "intake", "fanout", "sale", "kkm_transfer", "ceiling", "intake_over_ceiling"} {
					if m[k] == nil {
						t.Fatalf("the JSON lacks %q: %s", k, js.String())
					}
				}
			})
		})
	}
}

// BenchmarkScenarios runs each scenario once per operation with the server and its clients in this
// one process, for a CPU profile of the server's work (go test -bench Scenarios -cpuprofile); the
// figures of record come from torg bench, which measures a separate server process.
func BenchmarkScenarios(b *testing.B) {
	sizes := Config{Clients: 8, Orders: 3000, Registers: []int{1000}, FanoutOrders: 5, Sales: 2000, Transactions: 20000}
	for _, d := range storetest.Dialects(b) {
		for _, sc := range Scenarios {
			b.Run(d+"/"+sc, func(b *testing.B) {
				c, dsn := testServer(b, d)
				cfg := sizes
				cfg.URL, cfg.AdminToken, cfg.DB, cfg.Dialect, cfg.Scenarios = c.url, c.admin, dsn, d, []string{sc}
				for b.Loop() {
					rep, err := Run(context.Background(), cfg)
					if err != nil {
						b.Fatal(err)
					}
					switch {
					case rep.Intake != nil:
						b.ReportMetric(rep.Intake.OrdersPerSec, "orders/s")
					case rep.Fanout != nil:
						b.ReportMetric(rep.Fanout[0].Latency.P99, "p99-ms")
					case rep.Sale != nil:
						b.ReportMetric(rep.Sale.SalesPerSec, "sales/s")
					case rep.KKMTransfer != nil:
						b.ReportMetric(rep.KKMTransfer.TxPerSec, "transactions/s")
					case rep.Ceiling != nil:
						b.ReportMetric(rep.Ceiling.OrdersPerSec, "orders/s")
					}
				}
			})
		}
	}
}

func TestBenchCeilingWritesEveryOrderInBatches(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			res, err := ceiling(ctx, dsn, 23, 5, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Orders != 23 || res.Batch != 5 || res.OrdersPerSec <= 0 || len(res.registers) != intakeRegisters {
				t.Fatalf("ceiling %+v", res)
			}
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			err = st.View(ctx, func(tx *store.Tx) error {
				list, err := tx.Orders(ctx, store.OrderFilter{WarehouseID: res.warehouse}, torg.Page{Limit: 100})
				if err != nil {
					return err
				}
				if len(list.Items) != 23 {
					return fmt.Errorf("%d orders, want 23", len(list.Items))
				}
				for _, r := range res.registers {
					p, err := st.Packages(ctx, r, 0)
					if err != nil {
						return err
					}
					if p.LastSeq != 23 || len(p.Packages) != 23 {
						return fmt.Errorf("register %s has %d packages, last_seq %d, want 23", r, len(p.Packages), p.LastSeq)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBenchPercentiles(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want Latency
	}{
		{"nothing gives zeros", nil, Latency{}},
		{"one sample is every percentile", ms(7), Latency{Count: 1, P50: 7, P99: 7, Max: 7}},
		{"the nearest rank is taken, unsorted input is sorted", ms(4, 1, 3, 2), Latency{Count: 4, P50: 2, P99: 4, Max: 4}},
		{"p99 of a hundred is the 99th", ms(seq(100)...), Latency{Count: 100, P50: 50, P99: 99, Max: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := summarize(tc.in); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestBenchProcStatsOfThisProcess(t *testing.T) {
	st, err := readProcStats(os.Getpid())
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	if st.RSSMB <= 0 || st.PeakRSSMB < st.RSSMB || st.Threads < 1 {
		t.Fatalf("%+v", st)
	}
	if _, err := cpuTime(os.Getpid()); err != nil {
		t.Fatal(err)
	}
}

// listedOrder is what the tests check of an order.
type listedOrder struct {
	Status         string  `json:"status"`
	Posted         bool    `json:"posted"`
	TransactionID  *string `json:"transaction_id"`
	SalesInvoiceID *string `json:"sales_invoice_id"`
	Registers      []struct {
		State string `json:"state"`
	} `json:"registers"`
}

// listOrders reads every order of the warehouse, page by page.
func listOrders(t *testing.T, c *client, warehouse string) []listedOrder {
	return listAll[listedOrder](t, c, "/api/v1/orders?warehouse_id="+warehouse)
}

type listedTransaction struct {
	State string `json:"state"`
}

func listTransactions(t *testing.T, c *client, query string) []listedTransaction {
	return listAll[listedTransaction](t, c, "/api/v1/transactions?"+query)
}

func listAll[T any](t *testing.T, c *client, path string) []T {
	t.Helper()
	var out []T
	after := ""
	for {
		var page struct {
			Items []T     `json:"items"`
			Next  *string `json:"next"`
		}
		if err := c.adminDo(context.Background(), "GET", path+"&limit=500"+after, nil, 200, &page); err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if page.Next == nil {
			return out
		}
		after = "&after=" + *page.Next
	}
}

type fetched struct {
	Packages []json.RawMessage `json:"packages"`
	LastSeq  int64             `json:"last_seq"`
}

func fetchPackages(t *testing.T, c *client, token string) fetched {
	t.Helper()
	var p fetched
	if err := c.do(context.Background(), "GET", "/api/v1/register/packages?after=0", token, nil, 200, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkPackages checks that each of the shop's registers has exactly n packages.
func checkPackages(t *testing.T, c *client, sh *shop, n int) {
	t.Helper()
	for _, r := range sh.registers {
		if p := fetchPackages(t, c, r.token); p.LastSeq != int64(n) || len(p.Packages) != n {
			t.Fatalf("register %s: %d packages, last_seq %d, want %d", r.id, len(p.Packages), p.LastSeq, n)
		}
	}
}

// checkLatency checks that n samples were summarised and p50 ≤ p99 ≤ max.
func checkLatency(t *testing.T, l Latency, n int) {
	t.Helper()
	if l.Count != n || l.P50 < 0 || l.P50 > l.P99 || l.P99 > l.Max {
		t.Fatalf("latency %+v of %d samples", l, n)
	}
}
