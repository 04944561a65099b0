package register

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"torg"
)

// TestClosedReceiptsAreListed: GET /api/receipts?state=closed lists this register's sale and return
// receipts, the newest first, each with its fiscal numbers, money, order and upload state; a cash in
// is not a receipt and is left out; state=open lists the receipts being rung up; anything else is
// refused with 422 naming the parameter.
func TestClosedReceiptsAreListed(t *testing.T) {
	ctx := context.Background()
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}}}}
	a, r := pickedReceiptWith(t, f)
	if status, m := localCall(t, a, "GET", "/api/receipts?state=open", ""); status != http.StatusOK || len(m["items"].([]any)) != 1 ||
		m["items"].([]any)[0].(map[string]any)["id"] != r.ID {
		t.Errorf("the open receipts: %d %v", status, m)
	}
	sold, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: torg.PaymentCash, Amount: 20000}, {Type: torg.PaymentCard, Amount: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	if status, m := localCall(t, a, "GET", "/api/receipts?state=open", ""); status != http.StatusOK || m["items"] == nil || len(m["items"].([]any)) != 0 {
		t.Errorf("the open receipts after the close: %d %v, want an empty list", status, m)
	}
	if status, m := localCall(t, a, "POST", "/api/cash-in", `{"amount": 5000}`); status != http.StatusCreated {
		t.Fatalf("a cash in: %d %v", status, m)
	}
	status, m := localCall(t, a, "POST", "/api/returns", fmt.Sprintf(`{"original_transaction_id": "%s", "lines": [{"line_no": 1, "quantity": 1}],`+
		` "payments": [{"type": "cash", "amount": 15000}]}`, sold.TransactionID))
	if status != http.StatusCreated {
		t.Fatalf("a return: %d %v", status, m)
	}
	returned := m["transaction_id"].(string)
	eventually(t, "the back office accepting both", func() bool {
		n, err := a.pendingUploads(ctx)
		return err == nil && n == 0
	})

	status, m = localCall(t, a, "GET", "/api/receipts?state=closed", "")
	items, _ := m["items"].([]any)
	if status != http.StatusOK || len(items) != 2 {
		t.Fatalf("the closed receipts: %d %v", status, m)
	}
	ret, sale := items[0].(map[string]any), items[1].(map[string]any)
	want := map[string]any{"transaction_id": returned, "kind": "return", "original_transaction_id": sold.TransactionID,
		"total": 15000.0, "cash": 15000.0, "card": 0.0, "shift_number": float64(sold.ShiftNumber), "upload": "accepted"}
	for k, v := range want {
		if ret[k] != v {
			t.Errorf("the return's %s is %v, want %v (%v)", k, ret[k], v, ret)
		}
	}
	want = map[string]any{"transaction_id": sold.TransactionID, "kind": "sale", "order_id": "a", "order_number": "0000a",
		"total": 30000.0, "cash": 20000.0, "card": 10000.0, "receipt_number": float64(sold.ReceiptNumber), "upload": "accepted"}
	for k, v := range want {
		if sale[k] != v {
			t.Errorf("the sale's %s is %v, want %v (%v)", k, sale[k], v, sale)
		}
	}
	if ret["receipt_number"].(float64) <= sale["receipt_number"].(float64) || ret["closed_at"] == nil {
		t.Errorf("the return, made last, is not first: %v", items)
	}
	if status, m := localCall(t, a, "GET", "/api/receipts?state=closed&limit=1", ""); status != http.StatusOK || len(m["items"].([]any)) != 1 {
		t.Errorf("limit=1: %d %v", status, m)
	}
	if status, m := localCall(t, a, "GET", fmt.Sprintf("/api/receipts?state=closed&shift_number=%d", sold.ShiftNumber+1), ""); status != http.StatusOK || len(m["items"].([]any)) != 0 {
		t.Errorf("another shift: %d %v", status, m)
	}
	for query, field := range map[string]string{
		"":                            "state",
		"state=sold":                  "state",
		"state=closed&limit=0":        "limit",
		"state=closed&limit=x":        "limit",
		"state=closed&shift_number=0": "shift_number",
		"state=closed&colour=red":     "colour",
	} {
		status, m := localCall(t, a, "GET", "/api/receipts?"+query, "")
		if status != http.StatusUnprocessableEntity || problemFields(m)[field] == "" {
			t.Errorf("?%s: %d %v, want 422 naming %s", query, status, m, field)
		}
	}
}
