package register

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"torg"
)

// raw sends a request to the agent with the headers given, and answers the status and headers.
func raw(t *testing.T, a *Agent, method, path, body string, headers map[string]string) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, a.URL()+path, strings.NewReader(body))
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// port is the port the agent listens on.
func port(a *Agent) string { return a.URL()[strings.LastIndex(a.URL(), ":")+1:] }

// soldOnce has the agent sell order "a" in cash, so that a fiscal shift is open.
func soldOnce(t *testing.T, a *Agent, r Receipt) {
	t.Helper()
	if _, err := a.closeReceipt(context.Background(), r.ID, []torg.Payment{{Type: "cash", Amount: 30000}}); err != nil {
		t.Fatal(err)
	}
}

func shiftOpen(t *testing.T, a *Agent) bool {
	t.Helper()
	st, err := a.status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.ShiftOpen
}

func TestTheLocalAPIIsForItsOwnScreenOnly(t *testing.T) {
	json := map[string]string{"Content-Type": "application/json"}
	t.Run("a POST from a page of another origin is refused, and the shift stays open", func(t *testing.T) {
		a, r := pickedReceipt(t)
		soldOnce(t, a, r)
		for _, ct := range []string{"application/json", "text/plain;charset=UTF-8"} {
			status, _ := raw(t, a, "POST", "/api/shift/close", "", map[string]string{"Origin": "http://evil.example", "Content-Type": ct})
			if status != http.StatusForbidden {
				t.Errorf("a cross-origin shift close with %s: %d", ct, status)
			}
		}
		if status, _ := raw(t, a, "POST", "/api/shift/close", "", map[string]string{"Origin": "null", "Content-Type": "application/json"}); status != http.StatusForbidden {
			t.Errorf("Origin: null: %d", status)
		}
		if !shiftOpen(t, a) {
			t.Fatal("the shift was closed")
		}
		own := map[string]string{"Origin": "http://127.0.0.1:" + port(a), "Content-Type": "application/json"}
		if status, _ := raw(t, a, "POST", "/api/shift/close", "", own); status != http.StatusOK || shiftOpen(t, a) {
			t.Fatalf("the screen's own shift close: %d", status)
		}
	})
	t.Run("a text/plain close gets 415 and nothing is fiscalised", func(t *testing.T) {
		a, r := pickedReceipt(t)
		status, _ := raw(t, a, "POST", "/api/receipts/"+r.ID+"/close", `{"payments":[{"type":"cash","amount":30000}]}`, map[string]string{"Content-Type": "text/plain"})
		if status != http.StatusUnsupportedMediaType || fiscalDocuments(t, a) != 0 {
			t.Fatalf("close: %d, %d fiscal documents", status, fiscalDocuments(t, a))
		}
		if again, _ := a.receiptOf(context.Background(), "id = ?", r.ID); again.State != "open" {
			t.Fatalf("the receipt is %s", again.State)
		}
	})
	t.Run("state-changing calls without a body need the JSON type too", func(t *testing.T) {
		a, r := pickedReceipt(t)
		soldOnce(t, a, r)
		for _, c := range []struct{ method, path string }{{"POST", "/api/shift/close"}, {"POST", "/api/orders/a/pick"}, {"DELETE", "/api/receipts/x"}} {
			if status, _ := raw(t, a, c.method, c.path, "", nil); status != http.StatusUnsupportedMediaType {
				t.Errorf("%s %s without a type: %d", c.method, c.path, status)
			}
		}
		if !shiftOpen(t, a) {
			t.Fatal("the shift was closed")
		}
	})
	t.Run("another Host is refused on every request; its own addresses are answered", func(t *testing.T) {
		a, _ := startAgent(t, &fakeServer{uploads: map[string]int{}}, t.TempDir())
		for _, path := range []string{"/", "/app.js", "/api/status"} {
			for _, host := range []string{"evil.example", "evil.example:" + port(a), "localhost:1", "127.0.0.2:" + port(a)} {
				if status, _ := raw(t, a, "GET", path, "", map[string]string{"Host": host}); status != http.StatusForbidden {
					t.Errorf("GET %s with Host %s: %d", path, host, status)
				}
			}
			for _, host := range []string{"localhost:" + port(a), "LocalHost:" + port(a), "127.0.0.1:" + port(a), "[::1]:" + port(a)} {
				if status, _ := raw(t, a, "GET", path, "", map[string]string{"Host": host}); status != http.StatusOK {
					t.Errorf("GET %s with Host %s: %d", path, host, status)
				}
			}
		}
		h := map[string]string{"Host": "evil.example:" + port(a), "Content-Type": "application/json"}
		if status, _ := raw(t, a, "POST", "/api/shift/close", "", h); status != http.StatusForbidden {
			t.Errorf("POST with Host evil.example: %d", status)
		}
	})
	t.Run("every answer forbids framing and sniffing", func(t *testing.T) {
		a, _ := startAgent(t, &fakeServer{uploads: map[string]int{}}, t.TempDir())
		for _, c := range []struct {
			method, path string
			headers      map[string]string
		}{{"GET", "/", nil}, {"GET", "/style.css", nil}, {"GET", "/api/status", nil}, {"GET", "/api/receipts/nope", nil},
			{"GET", "/", map[string]string{"Host": "evil.example"}}, {"POST", "/api/shift/close", nil}, {"POST", "/api/shift/close", json}} {
			status, h := raw(t, a, c.method, c.path, "", c.headers)
			if h.Get("Content-Security-Policy") != "frame-ancestors 'none'" || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s (%d): %v", c.method, c.path, status, h)
			}
		}
	})
	t.Run("idle connections are kept at most a minute, and headers must come in time", func(t *testing.T) {
		a, _ := startAgent(t, &fakeServer{uploads: map[string]int{}}, t.TempDir())
		if a.http.IdleTimeout <= 0 || a.http.IdleTimeout > time.Minute || a.http.ReadHeaderTimeout <= 0 || a.http.ReadHeaderTimeout > time.Minute {
			t.Fatalf("IdleTimeout %v, ReadHeaderTimeout %v", a.http.IdleTimeout, a.http.ReadHeaderTimeout)
		}
	})
}
