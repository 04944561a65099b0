package register

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"torg"
)

// syncBuffer is a log destination the test reads while the agent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

const refusal = `{"type":"/docs/problems/validation","title":"validation","status":422,"detail":"the request has invalid fields",` +
	`"errors":[{"field":"lines[0].product_id","message":"no such product"}]}`

func TestAnUploadTheBackOfficeRefusesStaysVisible(t *testing.T) {
	f := &fakeServer{uploads: map[string]int{}, attempts: map[string]int{}, refuse: refusal, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}},
	}}
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Start(ctx, Config{Server: srv.URL, Token: "t", Listen: "127.0.0.1:0", DataDir: t.TempDir(), PollWait: time.Second,
		Log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
	r, err := a.pick(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: "cash", Amount: 30000}})
	if err != nil {
		t.Fatal(err)
	}

	var st map[string]any
	eventually(t, "the status showing the refusal", func() bool {
		_, st = localCall(t, a, "GET", "/api/status", "")
		return st["rejected"] == 1.0
	})
	t.Run("the status counts it, in the outbox too, with the server's problem", func(t *testing.T) {
		rs, _ := st["rejections"].([]any)
		if st["outbox"] != 1.0 || len(rs) != 1 {
			t.Fatalf("status %v", st)
		}
		rj := rs[0].(map[string]any)
		p, _ := rj["problem"].(map[string]any)
		if rj["transaction_id"] != c.TransactionID || rj["receipt_number"] != 1.0 || p == nil || p["status"] != 422.0 ||
			p["detail"] != "the request has invalid fields" || problemFields(p)["lines[0].product_id"] != "no such product; " {
			t.Fatalf("rejection %v", rj)
		}
	})
	t.Run("a Russian screen reads the back office's problem in Russian", func(t *testing.T) {
		req, _ := http.NewRequest("GET", a.URL()+"/api/status", nil)
		req.Header.Set("Accept-Language", "ru")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ru struct {
			Rejections []Rejection `json:"rejections"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&ru); err != nil || len(ru.Rejections) != 1 {
			t.Fatalf("status: %+v, %v", ru, err)
		}
		if got := ru.Rejections[0].Problem.Detail; got != "В запросе есть ошибки" {
			t.Errorf("the detail reads %q", got)
		}
	})
	t.Run("the outbox keeps the row, in state rejected", func(t *testing.T) {
		var body, state string
		err := a.local.db.QueryRow("SELECT body, CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN rejected IS NOT NULL THEN 'rejected' ELSE 'pending' END FROM outbox WHERE id = ?",
			c.TransactionID).Scan(&body, &state)
		if err != nil || state != "rejected" || !strings.Contains(body, c.TransactionID) {
			t.Fatalf("outbox row: %q %v", state, err)
		}
	})
	t.Run("it is logged at error level", func(t *testing.T) {
		if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, c.TransactionID) || !strings.Contains(l, "no such product") {
			t.Fatalf("log:\n%s", l)
		}
	})
	t.Run("it is not sent again by itself", func(t *testing.T) {
		poke(a.upload)
		time.Sleep(300 * time.Millisecond)
		f.mu.Lock()
		n := f.attempts[c.TransactionID]
		f.mu.Unlock()
		if n != 1 {
			t.Fatalf("%d attempts", n)
		}
	})
	t.Run("a person sends it again once the cause is fixed; then it leaves the outbox", func(t *testing.T) {
		if status, m := localCall(t, a, "POST", "/api/outbox/nope/retry", ""); status != http.StatusNotFound {
			t.Fatalf("retrying an unknown upload: %d %v", status, m)
		}
		f.mu.Lock()
		f.refuse = ""
		f.mu.Unlock()
		if status, m := localCall(t, a, "POST", "/api/outbox/"+c.TransactionID+"/retry", ""); status != http.StatusOK || m["state"] != "pending" {
			t.Fatalf("retry: %d %v", status, m)
		}
		eventually(t, "the upload being accepted", func() bool {
			_, st := localCall(t, a, "GET", "/api/status", "")
			return st["outbox"] == 0.0 && st["rejected"] == 0.0
		})
		if status, _ := localCall(t, a, "POST", "/api/outbox/"+c.TransactionID+"/retry", ""); status != http.StatusConflict {
			t.Fatalf("retrying an accepted upload: %d", status)
		}
	})
}
