package main

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"torg/internal/store/storetest"
)

// TestPostgresRestart restarts the PostgreSQL server under load. Requests meanwhile fail cleanly with
// a 503 problem, the server recovers by itself, and nothing acknowledged is lost. It restarts the
// machine's PostgreSQL, so it runs only when TORG_TEST_PG_RESTART=1 (CI runs it alone, after the
// other tests).
func TestPostgresRestart(t *testing.T) {
	if os.Getenv("TORG_TEST_PG_RESTART") != "1" || os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("set TORG_TEST_PG_RESTART=1 and TORG_TEST_POSTGRES to restart PostgreSQL under load")
	}
	s := startServer(t, "postgres")
	sh := newShop(t, s)
	var stop atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked, failed := map[string]string{}, map[int]int{}
	for w := range 3 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				key := fmt.Sprintf("pg-%d-%d", w, i)
				r := s.do("POST", "/api/v1/orders", s.admin, fmt.Sprintf(`{"external_number":%q,"customer_code":"retail","warehouse_id":%q,"lines":[{"product_code":"MILK","quantity":1}],"status":"agreed","fill_registers":true,"post":true}`, key, sh.wh), "Idempotency-Key", key)
				mu.Lock()
				switch {
				case r.status == 201:
					acked[key] = r.json(t)["id"].(string)
				case r.status == 503 && r.slug(t) == "unavailable":
					failed[503]++
				default:
					failed[r.status]++
					t.Errorf("during the restart: %d %s", r.status, r.body)
				}
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	versions, _ := os.ReadDir("/etc/postgresql")
	if len(versions) == 0 {
		t.Fatal("no PostgreSQL cluster to restart")
	}
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", versions[0].Name(), "main", "restart").CombinedOutput()
	if err != nil {
		t.Fatalf("restarting PostgreSQL: %v %s", err, out)
	}
	waitFor(t, "the server answering again", func() bool {
		return s.do("GET", "/readyz", "", "").status == 200 && s.do("GET", "/api/v1/warehouses", s.admin, "").status == 200
	})
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	for key, id := range acked {
		items := s.must(200, "GET", "/api/v1/orders?external_number="+key, "")["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Errorf("acknowledged order %s: %v", key, items)
		}
	}
	if !contiguous(allSeqs(t, sh, "R1")) {
		t.Error("R1's packages have a gap")
	}
	t.Logf("%d orders acknowledged; refused meanwhile: %v", len(acked), failed)
}
