package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo starts torg demo and checks that its history is one a real store could have: the order
// sold at K2 went through K2's own agent (its fiscal counters, its outbox, the packages that remove
// it from K1), after the order was made, and was processed by KKMTransfer.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--register1", "127.0.0.1:0",
			"--register2", "127.0.0.1:0"}, nil, out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "the demo's welcome", func() bool { return strings.Contains(out.String(), "Ctrl-C") })
	urls := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindAllString(out.String(), -1)
	server, k1, k2 := urls[0], urls[2], urls[3]
	get := func(url, token string, v any) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var orders struct {
		Items []struct {
			ID, Comment, Status string
			CreatedAt           time.Time `json:"created_at"`
			TransactionID       *string   `json:"transaction_id"`
		}
	}
	get(server+"/api/v1/orders", "demo-admin-token", &orders)
	var sold string
	for _, o := range orders.Items {
		if o.Comment != "Продан на кассе 2" {
			continue
		}
		sold = o.ID
		if o.Status != "closed" || o.TransactionID == nil {
			t.Fatalf("the sold order is %s with transaction %v, want closed by KKMTransfer", o.Status, o.TransactionID)
		}
		var tr struct {
			State         string
			ShiftNumber   int64     `json:"shift_number"`
			ReceiptNumber int64     `json:"receipt_number"`
			ClosedAt      time.Time `json:"closed_at"`
			Cashier       string
		}
		get(server+"/api/v1/transactions/"+*o.TransactionID, "demo-admin-token", &tr)
		if tr.State != "processed" || tr.Cashier != "Петров" || tr.ShiftNumber != 1 || tr.ReceiptNumber != 1 || tr.ClosedAt.Before(o.CreatedAt) {
			t.Errorf("its transaction %+v; the order was made at %v", tr, o.CreatedAt)
		}
	}
	for _, k := range []string{k1, k2} {
		var local struct{ Items []struct{ ID string } }
		get(k+"/api/orders", "", &local)
		for _, o := range local.Items {
			if o.ID == sold {
				t.Errorf("%s still offers the order sold at K2", k)
			}
		}
		if len(local.Items) == 0 {
			t.Errorf("%s offers no orders", k)
		}
	}
	// K2's next sale continues its fiscal counters instead of repeating shift 1, receipt 1.
	post := func(url, body string, v any) {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
		}
		json.NewDecoder(resp.Body).Decode(v)
	}
	var local struct{ Items []struct{ ID string } }
	get(k2+"/api/orders", "", &local)
	var picked struct {
		Receipt struct {
			ID    string
			Total int64
		}
	}
	post(k2+"/api/orders/"+local.Items[0].ID+"/pick", "{}", &picked)
	var closed struct {
		ShiftNumber   int64 `json:"shift_number"`
		ReceiptNumber int64 `json:"receipt_number"`
	}
	post(k2+"/api/receipts/"+picked.Receipt.ID+"/close", fmt.Sprintf(`{"payments":[{"type":"cash","amount":%d}]}`, picked.Receipt.Total), &closed)
	if closed.ShiftNumber != 1 || closed.ReceiptNumber != 2 {
		t.Errorf("K2's next sale is %d/%d, want 1/2", closed.ShiftNumber, closed.ReceiptNumber)
	}
}

func TestDemoFlags(t *testing.T) {
	t.Run("--help is not an error", func(t *testing.T) {
		var stderr strings.Builder
		if err := run(context.Background(), []string{"demo", "--help"}, nil, io.Discard, &stderr); err != nil {
			t.Fatalf("demo --help: %v", err)
		}
		for _, f := range []string{"-listen", "-register1", "-register2", "-data"} {
			if !strings.Contains(stderr.String(), f) {
				t.Errorf("the help does not list %s:\n%s", f, stderr.String())
			}
		}
	})
	t.Run("a busy port names the flag that picks another", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		err = run(context.Background(), []string{"demo", "--data", t.TempDir(), "--listen", ln.Addr().String()}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--listen") || !strings.Contains(err.Error(), ln.Addr().String()) {
			t.Fatalf("got %v, want the address and --listen named", err)
		}
		var ne *net.OpError
		if errors.As(err, &ne) {
			t.Errorf("the bare network error is shown: %v", err)
		}
	})
}
