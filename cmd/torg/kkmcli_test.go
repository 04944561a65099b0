package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"torg/internal/store/storetest"
)

func TestKKMTransferCommand(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	s := startServerOn(t, dsn)
	sh := newShop(t, s)
	for i := range 3 {
		pays := `[{"type":"cash","amount":43400}]`
		if i > 0 {
			pays = fmt.Sprintf(`[{"type":"cash","amount":%d},{"type":"card","amount":%d}]`, 43400-i*100, i*100)
		}
		body := sh.receipt("", 0, pays)
		if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body); r.status != 201 {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
	}
	var out, errOut strings.Builder
	if err := run(context.Background(), []string{"kkm-transfer", "--db", dsn}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var res map[string]float64
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || res["processed"] != 3 || res["sales_invoices"] != 3 || res["card_payments"] != 2 {
		t.Fatalf("printed %q (%v)", out.String(), err)
	}
	if !strings.Contains(errOut.String(), "[##############################] 3/3") {
		t.Fatalf("progress %q", errOut.String())
	}
}
