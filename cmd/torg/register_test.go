package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"torg/internal/register"
	"torg/internal/store/storetest"
)

// agent is a running register agent and its local API.
type agent struct {
	t    testing.TB
	a    *register.Agent
	stop func()
}

// startAgent runs a register agent with the token against the server, keeping its store in dir.
func startAgent(t testing.TB, serverURL, token, dir string) *agent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := register.Start(ctx, register.Config{Server: serverURL, Token: token, Listen: "127.0.0.1:0", DataDir: dir, PollWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			a.Wait()
		}
	}
	t.Cleanup(stop)
	return &agent{t: t, a: a, stop: stop}
}

// call sends a request to the agent's local API and decodes the answer.
func (g *agent) call(method, path, body string) (int, map[string]any) {
	g.t.Helper()
	req, _ := http.NewRequest(method, g.a.URL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json") // as the cashier screen sends it, a body or not
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// orderIDs lists the ids of the orders the agent shows.
func (g *agent) orderIDs() []string {
	_, m := g.call("GET", "/api/orders", "")
	var ids []string
	for _, it := range m["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

func (g *agent) status() map[string]any {
	_, m := g.call("GET", "/api/status", "")
	return m
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s did not happen", what)
}

func has(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func TestRegistersSellAnOrderEndToEnd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		k1 := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
		k2 := startAgent(t, s.url, sh.tok["R2"], t.TempDir())
		o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
		id := o["id"].(string)
		waitFor(t, "the order reaching both registers", func() bool { return has(k1.orderIDs(), id) && has(k2.orderIDs(), id) })
		waitFor(t, "both registers acknowledging it", func() bool {
			st := sh.states(t, id)
			return st["R1"] == "received" && st["R2"] == "received"
		})

		status, picked := k1.call("POST", "/api/orders/"+id+"/pick", "")
		if status != 201 {
			t.Fatalf("pick at K1: %d %v", status, picked)
		}
		receipt := picked["receipt"].(map[string]any)
		if receipt["total"] != 43400.0 || len(receipt["lines"].([]any)) != 2 {
			t.Fatalf("receipt %v", receipt)
		}
		waitFor(t, "K2 showing the order as taken by K1", func() bool {
			_, m := k2.call("GET", "/api/orders", "")
			for _, it := range m["items"].([]any) {
				if o := it.(map[string]any); o["id"] == id {
					return o["state"] == "taken" && o["taken_by"] == "Касса R1"
				}
			}
			return false
		})
		if status, m := k2.call("POST", "/api/orders/"+id+"/pick", ""); status != 409 || !strings.Contains(fmt.Sprint(m["detail"]), "R1") {
			t.Fatalf("pick at K2: %d %v", status, m)
		}
		status, closed := k1.call("POST", "/api/receipts/"+receipt["id"].(string)+"/close", `{"payments":[{"type":"cash","amount":50000}]}`)
		if status != 200 || closed["change"] != 6600.0 || closed["shift_number"] != 1.0 || closed["receipt_number"] != 1.0 {
			t.Fatalf("close: %d %v", status, closed)
		}
		waitFor(t, "the order vanishing from K2", func() bool { return !has(k2.orderIDs(), id) })
		waitFor(t, "K1's outbox emptying", func() bool { return k1.status()["outbox"] == 0.0 })
		tr := s.must(200, "GET", "/api/v1/transactions/"+closed["transaction_id"].(string), "")
		if tr["state"] != "new" || tr["order_id"] != id || tr["fiscal"] == nil || tr["register_id"] != sh.reg["R1"] {
			t.Fatalf("the server's transaction: %v", tr)
		}
		if got := s.must(200, "GET", "/api/v1/orders/"+id, ""); got["status"] != "sold" {
			t.Fatalf("order %v", got["status"])
		}
		if has(k1.orderIDs(), id) {
			t.Fatal("K1 still lists the order it sold")
		}
	})
}

func TestRegisterOutboxSurvivesOutagesAndRestarts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			s, stopServer := startServerAt(t, dsn, "127.0.0.1:0")
			addr := strings.TrimPrefix(s.url, "http://")
			sh := newShop(t, s)
			dir := t.TempDir()
			k1 := startAgent(t, s.url, sh.tok["R1"], dir)
			o1 := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)["id"].(string)
			o2 := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)["id"].(string)
			waitFor(t, "both orders reaching K1", func() bool { return has(k1.orderIDs(), o1) && has(k1.orderIDs(), o2) })
			_, p1 := k1.call("POST", "/api/orders/"+o1+"/pick", "")
			_, p2 := k1.call("POST", "/api/orders/"+o2+"/pick", "")

			t.Run("the server stopped: a picked receipt closes into the outbox, and uploads once the server is back", func(t *testing.T) {
				stopServer()
				waitFor(t, "K1 seeing the server offline", func() bool { return k1.status()["server"] == "offline" })
				status, closed := k1.call("POST", "/api/receipts/"+p1["receipt"].(map[string]any)["id"].(string)+"/close", `{"payments":[{"type":"card","amount":43400}]}`)
				if status != 200 || k1.status()["outbox"] != 1.0 {
					t.Fatalf("close offline: %d %v, status %v", status, closed, k1.status())
				}
				if status, _ := k1.call("POST", "/api/orders/"+o2+"/pick", ""); status != 201 {
					t.Fatalf("a receipt already open is answered offline too: %d", status)
				}
				s, stopServer = startServerAt(t, dsn, addr)
				waitFor(t, "the outbox draining", func() bool { return k1.status()["outbox"] == 0.0 && k1.status()["server"] == "online" })
				list := s.must(200, "GET", "/api/v1/transactions?order_id="+o1, "")["items"].([]any)
				if len(list) != 1 || list[0].(map[string]any)["id"] != closed["transaction_id"] {
					t.Fatalf("transactions of the order: %v", list)
				}
			})
			t.Run("the agent killed with a non-empty outbox uploads it once after a restart", func(t *testing.T) {
				stopServer()
				waitFor(t, "K1 seeing the server offline", func() bool { return k1.status()["server"] == "offline" })
				_, closed := k1.call("POST", "/api/receipts/"+p2["receipt"].(map[string]any)["id"].(string)+"/close", `{"payments":[{"type":"cash","amount":43400}]}`)
				if k1.status()["outbox"] != 1.0 {
					t.Fatalf("outbox %v", k1.status())
				}
				k1.stop()
				s, stopServer = startServerAt(t, dsn, addr)
				k1 = startAgent(t, s.url, sh.tok["R1"], dir)
				waitFor(t, "the restarted agent's outbox draining", func() bool { return k1.status()["outbox"] == 0.0 })
				list := s.must(200, "GET", "/api/v1/transactions?order_id="+o2, "")["items"].([]any)
				if len(list) != 1 || list[0].(map[string]any)["id"] != closed["transaction_id"] || list[0].(map[string]any)["state"] != "new" {
					t.Fatalf("transactions of the order: %v", list)
				}
				if st := k1.status(); st["shift_number"] != 1.0 || st["shift_open"] != true {
					t.Fatalf("the fiscal shift after a restart: %v", st)
				}
			})
		})
	}
}

func TestRegisterListensForOtherMachinesOnlyWhenToldTo(t *testing.T) {
	dir := t.TempDir() + "/data"
	args := []string{"register", "--server", "http://127.0.0.1:1", "--token", "t", "--listen", "0.0.0.0:0", "--data", dir}
	t.Run("--listen 0.0.0.0:0 alone is refused with a message that says what to do", func(t *testing.T) {
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--allow-remote") || !strings.Contains(err.Error(), "0.0.0.0:0") {
			t.Fatalf("run: %v", err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("the refused agent made its data folder: %v", err)
		}
	})
	t.Run("with --allow-remote it starts and warns that anyone who reaches the port can sell", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out, logs := &syncBuffer{}, &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- run(ctx, append(args, "--allow-remote"), strings.NewReader(""), out, logs) }()
		waitFor(t, "the agent starting", func() bool { return strings.Contains(out.String(), "cashier screen is at") })
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "anyone who reaches this port can sell") {
			t.Fatalf("log:\n%s", l)
		}
	})
}
