package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"torg"
	"torg/internal/store/storetest"
)

// TestNumberingAcrossNodes posts orders through three servers over one PostgreSQL database — one of
// them a process killed with SIGKILL again and again, its clients retrying — while a saboteur
// connection keeps doing part of a sequencer batch and dying before commit. Every register must
// still see seqs from 1 without a gap, every acknowledged order exactly once, and each order's
// packages in the order its changes were made.
func TestNumberingAcrossNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue // one SQLite writer numbers in the transaction that queues
		}
		dsn := storetest.DSN(t, d)
		a, c := startServerOn(t, dsn), startServerOn(t, dsn)
		sh := newShop(t, a)
		env := []string{"TORG_DB=" + dsn, "TORG_ADMIN_TOKEN=" + testAdminToken, "TORG_KKM_TRANSFER_EVERY=0"}
		cmd, bURL, _, _ := startProcess(t, env, "serve", "--listen", "127.0.0.1:0")
		b := &retrier{url: bURL, http: &http.Client{Timeout: 10 * time.Second}}

		var (
			stop    atomic.Bool
			wg      sync.WaitGroup
			acked   sync.Map // order id → "patched" or ""
			created atomic.Int64
		)
		const orders = 1000
		order := func(send func(body, key string) response, key string, patch func(id string)) {
			body := fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed","lines":[{"product_code":"MILK","quantity":1}],"fill_registers":true,"post":true}`, sh.wh)
			r := send(body, key)
			if r.status != 201 {
				t.Errorf("order %s: %d %s", key, r.status, r.body)
				return
			}
			var o struct{ ID string }
			json.Unmarshal(r.body, &o)
			mark := ""
			if created.Add(1)%7 == 0 { // a second version, through another node
				patch(o.ID)
				mark = "patched"
			}
			acked.Store(o.ID, mark)
		}
		patchOn := func(s *testServer) func(string) {
			return func(id string) { s.must(200, "PATCH", "/api/v1/orders/"+id, `{"comment":"второй"}`) }
		}
		for w := range 2 {
			for _, s := range []*testServer{a, c} {
				wg.Go(func() {
					for i := 0; !stop.Load(); i++ {
						order(func(body, key string) response { return s.do("POST", "/api/v1/orders", testAdminToken, body) },
							fmt.Sprint(w, i), patchOn(s))
					}
				})
			}
			wg.Go(func() {
				for i := 0; !stop.Load(); i++ {
					key := fmt.Sprintf("b-%d-%d", w, i)
					order(func(body, key string) response {
						return b.send(t, "POST", "/api/v1/orders", testAdminToken, body, "Idempotency-Key", key)
					}, key, patchOn(a))
				}
			})
		}
		saboteur := make(chan struct{})
		go func() { defer close(saboteur); sabotageBatches(t, dsn, &stop) }()
		for range 6 {
			time.Sleep(400 * time.Millisecond)
			cmd.Process.Kill()
			cmd.Wait()
			cmd, _, _, _ = startProcess(t, env, "serve", "--listen", strings.TrimPrefix(bURL, "http://"))
		}
		for created.Load() < orders {
			time.Sleep(50 * time.Millisecond)
		}
		stop.Store(true)
		wg.Wait()
		<-saboteur

		want := map[string]string{}
		acked.Range(func(k, v any) bool { want[k.(string)] = v.(string); return true })
		for _, code := range []string{"R1", "R2"} {
			var got map[string][]int64
			deadline := time.Now().Add(15 * time.Second)
			for { // what a killed node left queued is numbered by a sweep within a second or so
				got = upsertsOf(t, sh, code)
				if len(got) >= len(want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			for id, mark := range want {
				versions := got[id]
				if wantV := map[string][]int64{"": {1}, "patched": {1, 2}}[mark]; fmt.Sprint(versions) != fmt.Sprint(wantV) {
					t.Errorf("%s got order %s as versions %v, want %v", code, id, versions, wantV)
				}
			}
		}
		t.Logf("%d orders acknowledged, %d through the killed node's retries", len(want), b.retries.Load())
	}
}

// upsertsOf reads all the register's packages and returns the versions of each order it was sent,
// in seq order, failing on any gap.
func upsertsOf(t *testing.T, sh *shop, code string) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	var after int64
	for {
		p := sh.fetch(t, code, after)
		for _, pk := range p.Packages {
			if pk.Seq != after+1 {
				t.Fatalf("%s got seq %d after %d", code, pk.Seq, after)
			}
			after = pk.Seq
			if pk.Kind == torg.PackageUpsert {
				var o torg.OrderSnapshot
				json.Unmarshal(pk.Order, &o)
				out[o.ID] = append(out[o.ID], o.Version)
			}
		}
		if after >= p.LastSeq {
			return out
		}
	}
}

// sabotageBatches keeps doing the first half of a sequencer batch — the lock, the counters moved,
// the queue emptied — and dropping the connection before commit, as a node that dies mid-batch does.
func sabotageBatches(t *testing.T, dsn string, stop *atomic.Bool) {
	ctx := context.Background()
	for !stop.Load() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("saboteur: %v", err)
			return
		}
		_, err = conn.Exec(ctx, "BEGIN; SELECT pg_advisory_xact_lock(74582165, hashtext(current_schema()));"+
			" UPDATE registers SET last_seq = last_seq + 1000; DELETE FROM package_queue;")
		if err != nil {
			t.Errorf("saboteur: %v", err)
		}
		time.Sleep(30 * time.Millisecond)
		conn.Close(ctx) // never committed
		time.Sleep(70 * time.Millisecond)
	}
}

// A principal and an acknowledgement are kept a moment in memory on the node that saw them; another
// node must still refuse a revoked token within a second, and show the acknowledgement as received
// once it is written (within a tenth of a second).
func TestTokensAndAcknowledgementsAcrossNodes(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue
		}
		dsn := storetest.DSN(t, d)
		a, b := startServerOn(t, dsn), startServerOn(t, dsn)
		sh := newShop(t, a)
		o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
		id := o["id"].(string)
		sh.s = b
		sh.ackAll(t, "R1") // on node B
		sh.s = a
		within := func(what string, limit time.Duration, ok func() bool) {
			t.Helper()
			for start := time.Now(); !ok(); time.Sleep(20 * time.Millisecond) {
				if time.Since(start) > limit {
					t.Fatalf("%s did not happen within %v", what, limit)
				}
			}
		}
		within("R1 received, seen from node A", 2*time.Second, func() bool { return sh.states(t, id)["R1"] == "received" })

		tok := a.must(201, "POST", "/api/v1/api-tokens", `{"name":"short-lived","role":"viewer"}`)
		secret := tok["token"].(string)
		if r := b.do("GET", "/api/v1/orders", secret, ""); r.status != 200 { // node B remembers it
			t.Fatalf("a new token on node B: %d", r.status)
		}
		a.must(204, "DELETE", "/api/v1/api-tokens/"+tok["id"].(string), "")
		if r := a.do("GET", "/api/v1/orders", secret, ""); r.status != 401 {
			t.Errorf("the revoked token on the node that revoked it: %d, want 401 at once", r.status)
		}
		within("the revoked token refused on node B", 1500*time.Millisecond, func() bool {
			return b.do("GET", "/api/v1/orders", secret, "").status == 401
		})
	}
}
