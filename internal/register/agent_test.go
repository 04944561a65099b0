package register

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"torg"
)

// fakeServer is a back office that serves scripted packages and counts uploads.
type fakeServer struct {
	mu        sync.Mutex
	pages     map[int64][]torg.Package // the answer to after=N
	afters    []int64                  // the cursors asked for
	failNext  int                      // uploads to answer 503 before accepting
	uploads   map[string]int           // accepted uploads by transaction id
	claims    int
	claimFail string         // a problem slug to answer claims with
	refuse    string         // a problem to answer uploads with, 422
	attempts  map[string]int // upload attempts by transaction id
}

func (f *fakeServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/register/packages", func(w http.ResponseWriter, r *http.Request) {
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		f.mu.Lock()
		f.afters = append(f.afters, after)
		page, ok := f.pages[after]
		f.mu.Unlock()
		if !ok {
			time.Sleep(50 * time.Millisecond) // a short long poll
		}
		json.NewEncoder(w).Encode(torg.Packages{Packages: append([]torg.Package{}, page...), LastSeq: after + int64(len(page))})
	})
	mux.HandleFunc("POST /api/v1/register/orders/{id}/claim", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.claims++
		if f.claimFail != "" {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"type":"/docs/problems/%s","status":409,"detail":"held at register K2"}`, f.claimFail)
			return
		}
		json.NewEncoder(w).Encode(torg.Claim{OrderID: r.PathValue("id"), ExpiresAt: time.Now().Add(time.Minute)})
	})
	mux.HandleFunc("POST /api/v1/register/transactions", func(w http.ResponseWriter, r *http.Request) {
		var t torg.TransactionInput
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &t)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.attempts != nil {
			f.attempts[t.ID]++
		}
		if f.refuse != "" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, f.refuse)
			return
		}
		if f.failNext > 0 {
			f.failNext--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		f.uploads[t.ID]++
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
	return mux
}

func snapshot(id string, version int64) json.RawMessage {
	b, _ := json.Marshal(torg.OrderSnapshot{ID: id, Number: "0000" + id, Version: version, Total: 30000,
		Lines: []torg.SnapshotLine{{LineNo: 1, ProductID: "p1", Quantity: 2000, Price: 15000, Amount: 30000}}})
	return b
}

func startAgent(t *testing.T, f *fakeServer, dir string) (*Agent, context.CancelFunc) {
	t.Helper()
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Start(ctx, Config{Server: srv.URL, Token: "t", Listen: "127.0.0.1:0", DataDir: dir, PollWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return a, cancel
}

// eventually retries cond until it holds or fifteen seconds pass (the retries of an upload back off
// over several seconds, longer on a loaded machine).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s did not happen", what)
}

func orderIDs(t *testing.T, a *Agent) []string {
	os, err := a.orders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

func TestAgentFollowsPackages(t *testing.T) {
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}, {Seq: 3, Kind: torg.PackageUpsert, Order: snapshot("c", 1)}},
		1: {{Seq: 2, Kind: torg.PackageUpsert, Order: snapshot("b", 1)}, {Seq: 3, Kind: torg.PackageUpsert, Order: snapshot("c", 1)}},
		3: {{Seq: 4, Kind: torg.PackageDelete, OrderID: "a", Reason: "sold"}, {Seq: 5, Kind: torg.PackageUpsert, Order: snapshot("b", 2)}},
	}}
	dir := t.TempDir()
	a, stop := startAgent(t, f, dir)
	eventually(t, "applying seq 5", func() bool { return a.lastSeq.Load() == 5 })
	if got := strings.Join(orderIDs(t, a), ","); got != "b,c" {
		t.Fatalf("orders %s, want b,c", got)
	}
	f.mu.Lock()
	afters := fmt.Sprint(f.afters[:3])
	f.mu.Unlock()
	if afters != "[0 1 3]" {
		t.Fatalf("read after %s: the gap after 1 should make it read again from 1", afters)
	}
	os, _ := a.orders(context.Background())
	if os[0].Version != 2 {
		t.Fatalf("order b is at version %d, want 2", os[0].Version)
	}
	stop()
	a.Wait()

	f.mu.Lock()
	f.afters = nil
	f.mu.Unlock()
	b, _ := startAgent(t, f, dir)
	eventually(t, "a poll after a restart", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.afters) > 0 })
	f.mu.Lock()
	first := f.afters[0]
	f.mu.Unlock()
	if first != 5 || strings.Join(orderIDs(t, b), ",") != "b,c" {
		t.Fatalf("after a restart it read after %d with orders %v", first, orderIDs(t, b))
	}
}

func TestAgentSellsAndUploadsExactlyOnce(t *testing.T) {
	f := &fakeServer{uploads: map[string]int{}, failNext: 3, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}},
	}}
	a, _ := startAgent(t, f, t.TempDir())
	ctx := context.Background()
	eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
	r, err := a.pick(ctx, "a")
	if err != nil || r.Total != 30000 || len(r.Lines) != 1 {
		t.Fatalf("pick: %+v %v", r, err)
	}
	if again, err := a.pick(ctx, "a"); err != nil || again.ID != r.ID {
		t.Fatalf("picking again opened another receipt: %+v %v", again, err)
	}
	if os, _ := a.orders(ctx); os[0].State != "picked" {
		t.Fatalf("state %s", os[0].State)
	}
	if _, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: "cash", Amount: 100}}); torg.ErrorCode(err) != torg.CodeValidation {
		t.Fatalf("an underpaid receipt closed: %v", err)
	}
	c, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: "card", Amount: 10000}, {Type: "cash", Amount: 25000}})
	if err != nil || c.Change != 5000 || c.ShiftNumber != 1 || c.ReceiptNumber != 1 {
		t.Fatalf("close: %+v %v", c, err)
	}
	if len(orderIDs(t, a)) != 0 {
		t.Fatal("the sold order is still listed")
	}
	eventually(t, "the upload after three failures", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.uploads[c.TransactionID] == 1
	})
	// The fake server counts the upload before the agent records its answer.
	eventually(t, "the outbox emptying", func() bool { n, _ := a.pendingUploads(ctx); return n == 0 })
	var body string
	a.local.db.QueryRow("SELECT body FROM outbox WHERE id = ?", c.TransactionID).Scan(&body)
	var tr torg.TransactionInput
	json.Unmarshal([]byte(body), &tr)
	if tr.Paid("cash") != 20000 || tr.Paid("card") != 10000 || tr.Fiscal == nil || tr.Fiscal.FD != 1 || len(tr.Fiscal.FP) != 10 || tr.Validate() != nil {
		t.Fatalf("transaction %s (%v)", body, tr.Validate())
	}
	z, err := a.closeShift(ctx)
	if err != nil || z.Number != 1 || z.Receipts != 1 || z.Cash != 20000 || z.Card != 10000 || z.Open {
		t.Fatalf("Z-report %+v %v", z, err)
	}
	if _, err := a.closeShift(ctx); torg.ErrorCode(err) != torg.CodeStateConflict {
		t.Fatalf("closing a closed shift: %v", err)
	}
}

func TestAgentPickRefusals(t *testing.T) {
	f := &fakeServer{uploads: map[string]int{}, claimFail: "claimed", pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}},
	}}
	a, _ := startAgent(t, f, t.TempDir())
	ctx := context.Background()
	eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
	if _, err := a.pick(ctx, "a"); torg.ErrorCode(err) != torg.CodeClaimed || !strings.Contains(err.Error(), "K2") {
		t.Fatalf("claimed elsewhere: %v", err)
	}
	f.mu.Lock()
	f.claimFail = "sold"
	f.mu.Unlock()
	if _, err := a.pick(ctx, "a"); torg.ErrorCode(err) != torg.CodeSold || len(orderIDs(t, a)) != 0 {
		t.Fatalf("sold elsewhere: %v, orders %v", err, orderIDs(t, a))
	}
	if _, err := a.pick(ctx, "zzz"); torg.ErrorCode(err) != torg.CodeNotFound {
		t.Fatalf("an unknown order: %v", err)
	}
}

func TestSettle(t *testing.T) {
	cases := []struct {
		total             torg.Money
		pays              []torg.Payment
		cash, card, chang torg.Money
		ok                bool
	}{
		{30000, []torg.Payment{{Type: "cash", Amount: 50000}}, 30000, 0, 20000, true},
		{30000, []torg.Payment{{Type: "card", Amount: 30000}}, 0, 30000, 0, true},
		{30000, []torg.Payment{{Type: "card", Amount: 10000}, {Type: "cash", Amount: 20000}}, 20000, 10000, 0, true},
		{30000, []torg.Payment{{Type: "cash", Amount: 29999}}, 0, 0, 0, false},
		{30000, []torg.Payment{{Type: "card", Amount: 30001}}, 0, 0, 0, false},
		{30000, []torg.Payment{{Type: "cheque", Amount: 30000}}, 0, 0, 0, false},
		{30000, []torg.Payment{{Type: "cash", Amount: 10000}, {Type: "card", Amount: 10000}, {Type: "cash", Amount: 15000}}, 20000, 10000, 5000, true},
		{30000, []torg.Payment{{Type: "card", Amount: 30000}, {Type: "cash", Amount: 500}}, 0, 0, 0, false},
	}
	a := &Agent{}
	for _, c := range cases {
		r := Receipt{OrderID: "o", OrderVersion: 1, Total: c.total,
			Lines: []torg.SnapshotLine{{LineNo: 1, ProductID: "p1", Quantity: 1000, Price: c.total, Amount: c.total}}}
		tr, change, err := a.transaction(r, c.pays, time.Now())
		cash, card := tr.Paid(torg.PaymentCash), tr.Paid(torg.PaymentCard)
		if (err == nil) != c.ok || (c.ok && (cash != c.cash || card != c.card || change != c.chang)) {
			t.Errorf("settle(%d, %v) = %d %d %d %v", c.total, c.pays, cash, card, change, err)
		}
	}
}
