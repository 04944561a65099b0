package register

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"torg"
)

// TestCashInAndOutAtTheTill: a cash in and a cash out are fiscalised and go to the outbox as
// transactions of their kinds, uploaded like a sale; a cash out of more than the shift left in the
// drawer, an amount of 0 or less, or a comment too long is refused with 422 naming the field before
// anything is fiscalised; the X- and Z-reports show cash in and out apart, with the cash expected in
// the drawer.
func TestCashInAndOutAtTheTill(t *testing.T) {
	ctx := context.Background()
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}}}}
	a, r := pickedReceiptWith(t, f)
	status, m := localCall(t, a, "POST", "/api/cash-out", `{"amount": 100}`)
	if status != http.StatusUnprocessableEntity || problemFields(m)["amount"] == "" {
		t.Errorf("a cash out of an empty drawer: %d %v", status, m)
	}
	status, m = localCall(t, a, "POST", "/api/cash-in", `{"amount": 500000, "comment": "размен", "counterpart": "Основная касса"}`)
	if status != http.StatusCreated {
		t.Fatalf("a cash in of 5 000,00: %d %v", status, m)
	}
	inID, _ := m["transaction_id"].(string)
	if _, err := a.closeReceipt(ctx, r.ID, []torg.Payment{{Type: torg.PaymentCash, Amount: 30000}}); err != nil {
		t.Fatal(err)
	}
	before := fiscalDocuments(t, a)
	for body, field := range map[string]string{
		`{"amount": 530001}`: "amount",
		`{"amount": 0}`:      "amount",
		`{"amount": -5}`:     "amount",
		`{"amount": 1, "comment": "` + strings.Repeat("x", 2001) + `"}`: "comment",
	} {
		status, m := localCall(t, a, "POST", "/api/cash-out", body)
		if status != http.StatusUnprocessableEntity || problemFields(m)[field] == "" {
			t.Errorf("%.40s: %d %v, want 422 naming %s", body, status, m, field)
		}
	}
	if fiscalDocuments(t, a) != before {
		t.Fatal("a refused cash out was fiscalised")
	}
	status, m = localCall(t, a, "POST", "/api/cash-out", `{"amount": 430000, "comment": "инкассация", "counterpart": "Банк"}`)
	if status != http.StatusCreated || fiscalDocuments(t, a) != before+1 {
		t.Fatalf("a cash out of 4 300,00: %d %v", status, m)
	}
	outID, _ := m["transaction_id"].(string)
	var body, kind string
	if err := a.local.db.QueryRow("SELECT body, kind FROM outbox WHERE id = ?", outID).Scan(&body, &kind); err != nil || kind != torg.KindCashOut {
		t.Fatalf("the outbox holds %q, %v", kind, err)
	}
	var up torg.TransactionInput
	json.Unmarshal([]byte(body), &up)
	if up.Kind != torg.KindCashOut || up.Total != 430000 || up.Comment != "инкассация" || up.Counterpart != "Банк" || len(up.Lines) != 0 || up.Validate() != nil {
		t.Errorf("the upload: %+v", up)
	}
	eventually(t, "uploading the cash in and out", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.uploads[inID] == 1 && f.uploads[outID] == 1
	})
	x, err := a.xReport(ctx)
	if err != nil || x.Receipts != 1 || x.Cash != 30000 || x.CashIn.Count != 1 || x.CashIn.Total != 500000 || x.CashOut.Count != 1 ||
		x.CashOut.Total != 430000 || x.ExpectedCash != 30000+500000-430000 {
		t.Errorf("X-report %+v, %v", x, err)
	}
	z, err := a.closeShift(ctx)
	if err != nil || z.ExpectedCash != 100000 || z.CashIn.Cash != 500000 || z.CashOut.Cash != 430000 {
		t.Errorf("Z-report %+v, %v", z, err)
	}
}
