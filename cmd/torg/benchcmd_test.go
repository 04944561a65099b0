package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"torg/internal/store/storetest"
)

// TestBenchCommand runs torg bench at a tiny size as a user would: it starts torg serve as a child
// process (this test binary, as torg) on a fresh database and prints JSON.
func TestBenchCommand(t *testing.T) {
	t.Setenv("TORG_TEST_RUN_MAIN", "1") // the child runs main, see TestMain
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			var out, errs syncBuffer
			args := []string{"bench", "--db", storetest.DSN(t, d), "--json", "--clients", "2", "--orders", "12", "--registers", "5",
				"--fanout-orders", "2", "--sales", "6", "--transactions", "40"}
			if err := run(context.Background(), args, strings.NewReader(""), &out, &errs); err != nil {
				t.Fatalf("%v\n%s", err, errs.String())
			}
			var rep struct {
				Database string
				Machine  struct{ CPUs int }
				Intake   struct{ Orders int }
				Fanout   []struct {
					Deliveries int
					Server     *struct {
						RSSMB   float64 `json:"rss_mb"`
						Threads int
					}
				}
				Sale              struct{ Sales int }
				KKMTransfer       struct{ Result struct{ Processed int } } `json:"kkm_transfer"`
				Ceiling           struct{ Orders int }
				IntakeOverCeiling float64 `json:"intake_over_ceiling"`
			}
			if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
				t.Fatalf("%v:\n%s", err, out.String())
			}
			if rep.Database != d || rep.Machine.CPUs < 1 || rep.Intake.Orders != 12 || len(rep.Fanout) != 1 || rep.Fanout[0].Deliveries != 10 ||
				rep.Sale.Sales != 6 || rep.KKMTransfer.Result.Processed != 46 || rep.Ceiling.Orders != 12 || rep.IntakeOverCeiling <= 0 {
				t.Fatalf("report:\n%s", out.String())
			}
			if s := rep.Fanout[0].Server; s == nil || s.RSSMB <= 0 || s.Threads < 1 {
				t.Fatalf("the server's memory was not read while the registers waited:\n%s", out.String())
			}
			if !strings.Contains(errs.String(), "started torg serve") || !strings.Contains(errs.String(), "kkm-transfer:") {
				t.Fatalf("no progress on stderr:\n%s", errs.String())
			}
		})
	}
}

func TestBenchCommandRefusesWhatItCannotRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"an unknown scenario", []string{"--scenario", "intake,nope"}, `scenario "nope"`},
		{"a size of zero", []string{"--clients", "0"}, "at least 1"},
		{"a server without its admin token", []string{"--server", "http://127.0.0.1:1"}, "--admin-token"},
		{"kkm-transfer against a server whose database is unknown", []string{"--server", "http://127.0.0.1:1", "--admin-token", "x", "--scenario", "kkm-transfer"}, "--db"},
		{"an existing SQLite file", []string{"--db", "sqlite:bench_test.go"}, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs syncBuffer
			err := run(context.Background(), append([]string{"bench"}, tc.args...), strings.NewReader(""), &out, &errs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}
