package register

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"torg"
)

// TestAReturnAtTheTill: a sale of this register is found in its outbox (the back office does not
// know it here), by id, by fiscal data and by the receipt's QR string; a return of part of it is
// fiscalised as a return receipt and goes to the outbox; what the back office would refuse or store
// as a conflict is refused before anything is fiscalised; the X-report shows the return apart.
func TestAReturnAtTheTill(t *testing.T) {
	ctx := context.Background()
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}}}}
	a, r := pickedReceiptWith(t, f)
	sold, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: torg.PaymentCash, Amount: 30000}})
	if err != nil {
		t.Fatal(err)
	}
	var fn string
	var fd int64
	a.local.db.QueryRow("SELECT fn, fd FROM fiscal").Scan(&fn, &fd)
	for name, q := range map[string]string{
		"by id":            "transaction_id=" + sold.TransactionID,
		"by fiscal data":   fmt.Sprintf("fn=%s&fd=%d", fn, fd),
		"by the QR string": "qr=" + urlEscape(fmt.Sprintf("t=20261127T0900&s=300.00&fn=%s&i=%d&fp=1&n=1", fn, fd)),
	} {
		status, m := localCall(t, a, "GET", "/api/sales?"+q, "")
		left, _ := m["returnable"].([]any)
		if status != http.StatusOK || len(left) != 1 {
			t.Errorf("finding the sale %s: %d %v", name, status, m)
		}
	}
	before := fiscalDocuments(t, a)
	refused := map[string]string{
		`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 3}], "payments": [{"type": "cash", "amount": 45000}]}`:  "lines[0].quantity",
		`{"original_transaction_id": "%s", "lines": [{"line_no": 2, "quantity": 1}], "payments": [{"type": "cash", "amount": 15000}]}`:  "lines[0].line_no",
		`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 1}], "payments": [{"type": "cash", "amount": 14000}]}`:  "payments",
		`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 1}], "payments": [{"type": "cash", "amount": -15000}]}`: "payments[0].amount",
	}
	for body, field := range refused {
		status, m := localCall(t, a, "POST", "/api/returns", fmt.Sprintf(body, sold.TransactionID))
		if status != http.StatusUnprocessableEntity || problemFields(m)[field] == "" {
			t.Errorf("%s: %d %v, want 422 naming %s", body, status, m, field)
		}
	}
	if fiscalDocuments(t, a) != before {
		t.Fatal("a refused return was fiscalised")
	}
	status, m := localCall(t, a, "POST", "/api/returns", fmt.Sprintf(`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 1}],`+
		` "payments": [{"type": "cash", "amount": 10000}, {"type": "card", "amount": 5000}]}`, sold.TransactionID))
	if status != http.StatusCreated || fiscalDocuments(t, a) != before+1 {
		t.Fatalf("a return of one kettle: %d %v", status, m)
	}
	retID, _ := m["transaction_id"].(string)
	var body, kind string
	if err := a.local.db.QueryRow("SELECT body, kind FROM outbox WHERE id = ?", retID).Scan(&body, &kind); err != nil || kind != torg.KindReturn {
		t.Fatalf("the outbox holds %q, %v", kind, err)
	}
	var up torg.TransactionInput
	json.Unmarshal([]byte(body), &up)
	if up.Kind != torg.KindReturn || *up.OriginalTransactionID != sold.TransactionID || up.Total != 15000 || up.Lines[0].LineNo != 1 || up.Validate() != nil {
		t.Errorf("the upload: %+v", up)
	}
	eventually(t, "uploading the return", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.uploads[retID] == 1 })
	status, m = localCall(t, a, "POST", "/api/returns", fmt.Sprintf(`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 1}],`+
		` "payments": [{"type": "cash", "amount": 15000}]}`, retID))
	if status != http.StatusUnprocessableEntity || problemFields(m)["original_transaction_id"] == "" {
		t.Errorf("a return of a return: %d %v", status, m)
	}
	status, m = localCall(t, a, "GET", "/api/sales?transaction_id="+sold.TransactionID, "")
	if left := m["returnable"].([]any); status != http.StatusOK || left[0].(map[string]any)["quantity"] != 1.0 {
		t.Errorf("after the return, left: %v", m)
	}
	x, err := a.xReport(ctx)
	if err != nil || x.Receipts != 1 || x.Cash != 30000 || x.Returns.Count != 1 || x.Returns.Cash != 10000 || x.Returns.Card != 5000 || x.ExpectedCash != 20000 {
		t.Errorf("X-report %+v, %v", x, err)
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }
