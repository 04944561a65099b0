package register

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"torg"
)

// localCall sends a request to the agent's local API as its own screen does and decodes the answer.
func localCall(t *testing.T, a *Agent, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, a.URL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// fiscalDocuments is how many fiscal documents the emulator has made.
func fiscalDocuments(t *testing.T, a *Agent) int64 {
	t.Helper()
	var fd int64
	if err := a.local.db.QueryRow("SELECT COALESCE(MAX(fd), 0) FROM fiscal").Scan(&fd); err != nil {
		t.Fatal(err)
	}
	return fd
}

// problemFields maps the fields a problem names to their messages.
func problemFields(m map[string]any) map[string]string {
	out := map[string]string{}
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		fe := e.(map[string]any)
		out[fe["field"].(string)] += fe["message"].(string) + "; "
	}
	return out
}

// pickedReceipt starts an agent holding order "a" (300.00) and opens a receipt for it.
func pickedReceipt(t *testing.T) (*Agent, Receipt) {
	t.Helper()
	return pickedReceiptIn(t, t.TempDir())
}

// pickedReceiptIn is pickedReceipt with the agent's data in dir.
func pickedReceiptIn(t *testing.T, dir string) (*Agent, Receipt) {
	t.Helper()
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}},
	}}
	return pickedReceiptFrom(t, f, dir)
}

// pickedReceiptWith is pickedReceipt with the back office f, which must offer order "a".
func pickedReceiptWith(t *testing.T, f *fakeServer) (*Agent, Receipt) {
	t.Helper()
	return pickedReceiptFrom(t, f, t.TempDir())
}

func pickedReceiptFrom(t *testing.T, f *fakeServer, dir string) (*Agent, Receipt) {
	t.Helper()
	a, _ := startAgent(t, f, dir)
	eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
	r, err := a.pick(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	return a, r
}

// paymentsBody is a close request with n payments of one type and amount, then the extra ones.
func paymentsBody(n int, typ string, amount int64, extra ...torg.Payment) string {
	var pays []torg.Payment
	for range n {
		pays = append(pays, torg.Payment{Type: typ, Amount: torg.Money(amount)})
	}
	b, _ := json.Marshal(map[string]any{"payments": append(pays, extra...)})
	return string(b)
}

func TestClosingRefusesWhatTheBackOfficeWouldRefuse(t *testing.T) {
	cases := []struct {
		name, body, field string
	}{
		{"21 payments", paymentsBody(20, "card", 1000, torg.Payment{Type: "cash", Amount: 10000}), "payments"},
		// 18,446 × 10^15 + 744,073,709,541,616 = 2^64 − 10,000: the card sum wraps around to −100.00.
		{"18,447 card payments whose sum wraps around int64", paymentsBody(18446, "card", 1_000_000_000_000_000,
			torg.Payment{Type: "card", Amount: 744_073_709_541_616}, torg.Payment{Type: "cash", Amount: 40000}), "payments"},
		{"a payment of 0", paymentsBody(1, "cash", 30000, torg.Payment{Type: "card", Amount: 0}), "payments[1].amount"},
		{"a negative payment", paymentsBody(1, "cash", 40000, torg.Payment{Type: "card", Amount: -10000}), "payments[1].amount"},
		{"a payment by cheque", paymentsBody(1, "cheque", 30000), "payments[0].type"},
	}
	for _, c := range cases {
		t.Run(c.name+" gets 422 naming "+c.field+", and nothing is fiscalised", func(t *testing.T) {
			a, r := pickedReceipt(t)
			status, m := localCall(t, a, "POST", "/api/receipts/"+r.ID+"/close", c.body)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("close: %d %v", status, m)
			}
			if f := problemFields(m); f[c.field] == "" {
				t.Fatalf("the problem does not name %s: %v", c.field, f)
			}
			if n := fiscalDocuments(t, a); n != 0 {
				t.Fatalf("%d fiscal documents were made", n)
			}
			var outbox int
			a.local.db.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&outbox)
			if again, err := a.receiptOf(context.Background(), "id = ?", r.ID); err != nil || again.State != "open" || outbox != 0 {
				t.Fatalf("the receipt is %q (%v), outbox %d", again.State, err, outbox)
			}
		})
	}
	t.Run("a good close after a refused one fiscalises once", func(t *testing.T) {
		a, r := pickedReceipt(t)
		localCall(t, a, "POST", "/api/receipts/"+r.ID+"/close", paymentsBody(21, "card", 1000))
		status, m := localCall(t, a, "POST", "/api/receipts/"+r.ID+"/close", paymentsBody(1, "card", 10000, torg.Payment{Type: "cash", Amount: 50000}))
		if status != http.StatusOK || m["change"] != 30000.0 || fiscalDocuments(t, a) != 1 {
			t.Fatalf("close: %d %v, %d fiscal documents", status, m, fiscalDocuments(t, a))
		}
	})
}
