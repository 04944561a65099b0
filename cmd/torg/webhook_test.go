package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"torg"
	"torg/internal/store/storetest"
)

// receiver is a web shop's webhook endpoint: it checks every signature with the documented
// algorithm, answers as behave says for the n-th request (0, 1, …): a status, or 0 to answer only
// after the sender's timeout, and keeps each event it took, once, in the order they first arrived.
type receiver struct {
	mu       sync.Mutex
	secret   string
	behave   func(n int) int
	calls    int
	arrived  []torg.Event // first arrivals, in order
	seen     map[string]int
	badSigns []string
	url      string
}

func newReceiver(addr string, behave func(n int) int) *receiver {
	return &receiver{behave: behave, seen: map[string]int{}, url: "http://" + addr + "/hook"}
}

// serve answers on the listener until the test ends.
func (r *receiver) serve(t *testing.T, ln net.Listener) {
	srv := &http.Server{Handler: r}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// verify checks a Torg-Signature header as docs/INTEGRATION.md says a receiver should.
func verify(secret, header string, body []byte) bool {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(mac.Sum(nil))
	t, err := strconv.ParseInt(ts, 10, 64)
	return err == nil && hmac.Equal([]byte(sig), []byte(want)) && time.Since(time.Unix(t, 0)).Abs() < 5*time.Minute
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	n := r.calls
	r.calls++
	status := r.behave(n)
	if !verify(r.secret, req.Header.Get("Torg-Signature"), body) {
		r.badSigns = append(r.badSigns, req.Header.Get("Torg-Signature"))
		status = 400
	}
	var ev torg.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID != req.Header.Get("Torg-Event-Id") || ev.Type != req.Header.Get("Torg-Event-Type") {
		r.badSigns = append(r.badSigns, "body "+string(body))
		status = 400
	}
	if status >= 200 && status < 300 {
		if r.seen[ev.ID]++; r.seen[ev.ID] == 1 {
			r.arrived = append(r.arrived, ev)
		}
	}
	r.mu.Unlock()
	if status == 0 {
		time.Sleep(1500 * time.Millisecond) // beyond the sender's timeout
		status = 200
	}
	w.WriteHeader(status)
}

// events are the events taken so far.
func (r *receiver) events() []torg.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.arrived)
}

// waitFor waits until the receiver took n events.
func (r *receiver) waitFor(t *testing.T, n int, within time.Duration) []torg.Event {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if evs := r.events(); len(evs) >= n {
			return evs
		}
	}
	evs := r.events()
	t.Fatalf("the receiver took %d events, want %d: %+v", len(evs), n, evs)
	return nil
}

// webhookFlags are the serve flags of the tests: receivers on loopback, a short timeout and backoff.
var webhookFlags = []string{"--webhooks-allow-private", "--webhooks-timeout", "700ms", "--webhooks-first-retry", "100ms"}

// register registers the receiver for every event.
func (r *receiver) register(t *testing.T, s *testServer) string {
	t.Helper()
	w := s.must(201, "POST", "/api/v1/webhooks", fmt.Sprintf(`{"url":%q,"events":["order.sold","order.closed","order.cancelled","order.returned","transaction.conflict"]}`, r.url))
	r.mu.Lock()
	r.secret = w["secret"].(string)
	r.mu.Unlock()
	return w["id"].(string)
}

// eventsOf lists the types of the events about the order, in the order they arrived.
func eventsOf(evs []torg.Event, orderID string) []string {
	var out []string
	for _, ev := range evs {
		if ev.Data.Order != nil && ev.Data.Order.ID == orderID {
			out = append(out, ev.Type)
		}
	}
	return out
}

func TestWebhooksReachAReceiverThatFailsThenRecovers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			// The receiver's port is known but nothing listens there yet: the first attempts are refused.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			s := startServer(t, d, webhookFlags...)
			sh := newShop(t, s)
			// Once it listens, it answers after the timeout, then 500, then 503, then takes everything.
			r := newReceiver(addr, func(n int) int {
				switch n {
				case 0:
					return 0
				case 1:
					return 500
				case 2:
					return 503
				}
				return 204
			})
			hookID := r.register(t, s)
			sold, saleID := sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
			sh.run(t)
			cancelled := sh.order(t, "")["id"].(string)
			s.must(200, "POST", "/api/v1/orders/"+cancelled+"/cancel", "")
			conflict := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], sh.receipt(cancelled, 1, `[{"type":"cash","amount":43400}]`))
			if conflict.status != 201 {
				t.Fatalf("a receipt for a cancelled order: %d %s", conflict.status, conflict.body)
			}
			time.Sleep(400 * time.Millisecond) // refused, at least once
			ln, err = net.Listen("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			r.serve(t, ln)
			evs := r.waitFor(t, 4, 60*time.Second)
			if got := eventsOf(evs, sold); !slices.Equal(got, []string{"order.sold", "order.closed"}) {
				t.Errorf("the sold order's events arrived as %v", got)
			}
			if got := eventsOf(evs, cancelled); !slices.Equal(got, []string{"order.cancelled", "transaction.conflict"}) {
				t.Errorf("the cancelled order's events arrived as %v", got)
			}
			for _, ev := range evs {
				if ev.Type == "order.sold" && (ev.Data.TransactionID == nil || *ev.Data.TransactionID != saleID || ev.Data.Order.Status != "sold") {
					t.Errorf("order.sold carries %+v", ev.Data)
				}
				if ev.Type == "transaction.conflict" && (ev.Data.ConflictReason == nil || *ev.Data.ConflictReason != torg.ConflictCancelled) {
					t.Errorf("transaction.conflict carries %+v", ev.Data)
				}
			}
			if len(r.badSigns) > 0 {
				t.Errorf("signatures that do not verify: %v", r.badSigns)
			}

			// The receiver counts an event when it arrives; the server records it delivered once the
			// answer is back, a moment later.
			var log []any
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				log = s.must(200, "GET", "/api/v1/webhooks/"+hookID+"/deliveries", "")["items"].([]any)
				if allDelivered(log) || time.Now().After(deadline) {
					break
				}
			}
			if len(log) != 4 {
				t.Fatalf("the delivery log has %d entries, want 4", len(log))
			}
			var retried bool
			for _, it := range log {
				d := it.(map[string]any)
				if d["state"] != "delivered" {
					t.Errorf("delivery %v", d)
				}
				retried = retried || d["attempts"].(float64) > 1
			}
			if !retried {
				t.Errorf("no delivery needed a second attempt: %v", log)
			}
			first := log[len(log)-1].(map[string]any)["event_id"].(string)
			s.must(202, "POST", "/api/v1/webhooks/"+hookID+"/deliveries/"+first+"/redeliver", "")
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				r.mu.Lock()
				n := r.seen[first]
				r.mu.Unlock()
				if n >= 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the redelivered event %s arrived %d times", first, n)
				}
			}
		})
	}
}

// TestWebhookEventsSurviveSIGKILL kills the server with SIGKILL while it writes and sends events to a
// slow receiver that fails every third request: every order cancelled with an acknowledged answer
// has its event delivered in the end, by the processes that follow.
func TestWebhookEventsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault run")
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			r := newReceiver(ln.Addr().String(), func(n int) int {
				time.Sleep(30 * time.Millisecond)
				if n%3 == 2 {
					return 500
				}
				return 200
			})
			r.serve(t, ln)
			env := []string{"TORG_DB=" + storetest.DSN(t, d), "TORG_ADMIN_TOKEN=" + testAdminToken, "TORG_KKM_TRANSFER_EVERY=0"}
			args := append([]string{"serve", "--listen", "127.0.0.1:0"}, webhookFlags...)
			cmd, url, _, _ := startProcess(t, env, args...)
			s := &testServer{t: t, url: url, admin: testAdminToken}
			sh := newShop(t, s)
			r.register(t, s)
			var cancelled []string
			for round := range 3 {
				for range 8 {
					id := sh.order(t, "")["id"].(string)
					s.must(200, "POST", "/api/v1/orders/"+id+"/cancel", "")
					cancelled = append(cancelled, id)
				}
				time.Sleep(time.Duration(50+round*60) * time.Millisecond) // some sent, some in flight, some waiting
				cmd.Process.Kill()
				cmd.Wait()
				args[2] = strings.TrimPrefix(url, "http://")
				cmd, _, _, _ = startProcess(t, env, args...)
			}
			evs := r.waitFor(t, len(cancelled), 90*time.Second)
			for _, id := range cancelled {
				if got := eventsOf(evs, id); !slices.Equal(got, []string{"order.cancelled"}) {
					t.Errorf("order %s: events %v, want its order.cancelled once", id, got)
				}
			}
			if len(r.badSigns) > 0 {
				t.Errorf("signatures that do not verify: %v", r.badSigns)
			}
			r.mu.Lock()
			t.Logf("%d events, %d requests received (retries and resends after kills included)", len(evs), r.calls)
			r.mu.Unlock()
		})
	}
}

// allDelivered reports whether every entry of a webhook's delivery log is delivered.
func allDelivered(log []any) bool {
	for _, it := range log {
		if it.(map[string]any)["state"] != "delivered" {
			return false
		}
	}
	return true
}
