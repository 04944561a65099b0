package kkmtransfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// TestARunLogsOneLineWithItsCounts: every run, scheduled or not, writes exactly one log line, with
// what was waiting and what it made, so that a search for "kkm-transfer" shows each run.
func TestARunLogsOneLineWithItsCounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		seed(t, s, 5)
		var buf bytes.Buffer
		job := kkmtransfer.New(s, slog.New(slog.NewJSONHandler(&buf, nil)), 0)
		for range 2 {
			if _, err := job.Run(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("want one line per run, got:\n%s", buf.String())
		}
		var first, second map[string]any
		json.Unmarshal([]byte(lines[0]), &first)
		json.Unmarshal([]byte(lines[1]), &second)
		want := map[string]float64{"waiting": 5, "processed": 5, "sales_invoices": 5, "cash_receipts": 3, "cash_receipts_posted": 3,
			"card_payments": 2, "failed": 0, "conflicts_waiting": 0}
		for k, v := range want {
			if first["msg"] != "kkm-transfer" || first[k] != v {
				t.Errorf("first run: %s is %v, want %v: %s", k, first[k], v, lines[0])
			}
		}
		if second["processed"] != 0.0 || second["waiting"] != 0.0 || second["took"] == nil {
			t.Errorf("second run: %s", lines[1])
		}
	})
}
