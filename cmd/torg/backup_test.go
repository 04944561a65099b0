package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"torg/internal/backup"
)

// runCmd runs a torg command in-process and returns its output and error.
func runCmd(args ...string) (stdout, stderr string, err error) {
	var out, errOut strings.Builder
	err = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// snapshot copies a sync.Map of acknowledged things.
func snapshot(m *sync.Map) map[string]string {
	out := map[string]string{}
	m.Range(func(k, v any) bool { out[k.(string)] = v.(string); return true })
	return out
}

func countOf(m *sync.Map) int { return len(snapshot(m)) }

// TestBackupWhileSelling takes a backup of a live SQLite back office while a web shop sends orders and
// a register sells them, restores it into a fresh database and serves that: everything acknowledged
// before the backup began is there, and a register whose cursor ran past the restored data starts
// over from the beginning and goes on receiving orders.
func TestBackupWhileSelling(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "torg.db")
	s, stop := startServerAt(t, dsn, "127.0.0.1:0")
	sh := newShop(t, s)
	s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":1000,"cost":9000},{"product_code":"SOAP","quantity":1000,"cost":5000}]}`)
	till := startAgent(t, s.url, sh.tok["R1"], filepath.Join(dir, "till"))
	c := &retrier{url: s.url, http: &http.Client{Timeout: 10 * time.Second}}

	var halt atomic.Bool
	var wg sync.WaitGroup
	orders, transactions := &sync.Map{}, &sync.Map{}
	for w := range 2 {
		wg.Go(func() { crashIntake(t, c, sh, w, &halt, orders) })
	}
	wg.Go(func() { crashSeller(t, c, sh, "R2", &halt, transactions) })
	waitFor(t, "orders and sales before the backup", func() bool { return countOf(orders) >= 20 && countOf(transactions) >= 5 })

	ordersBefore, salesBefore := snapshot(orders), snapshot(transactions)
	file := filepath.Join(t.TempDir(), "torg-backup.db")
	out, _, err := runCmd("backup", "--db", dsn, "--to", file)
	if err != nil || !strings.Contains(out, "integrity_check ok") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	tillSeq := till.status()["last_seq"].(float64)
	waitFor(t, "orders after the backup", func() bool {
		return countOf(orders) >= len(ordersBefore)+15 && till.status()["last_seq"].(float64) > tillSeq+5
	})
	regCopy := filepath.Join(t.TempDir(), "till.db")
	if out, _, err := runCmd("register", "backup", "--data", filepath.Join(dir, "till"), "--to", regCopy); err != nil {
		t.Fatalf("register backup: %v\n%s", err, out)
	}
	if _, err := backup.Check(context.Background(), regCopy, backup.Register); err != nil {
		t.Fatalf("the register's copy: %v", err)
	}
	halt.Store(true)
	wg.Wait()

	if _, _, err := runCmd("restore", "--from", file, "--db", dsn); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restoring over the database the server runs on: %v", err)
	}
	stop()
	fresh := "sqlite:" + filepath.Join(t.TempDir(), "torg.db")
	if out, _, err := runCmd("restore", "--from", file, "--db", fresh); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	s2, _ := startServerAt(t, fresh, strings.TrimPrefix(s.url, "http://"))
	sh.s = s2

	for key, id := range ordersBefore {
		items := s2.must(200, "GET", "/api/v1/orders?external_number="+key, "")["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Errorf("order %s, acknowledged before the backup, is not in the restored database", key)
		}
	}
	for id, orderID := range salesBefore {
		if tr := s2.do("GET", "/api/v1/transactions/"+id, s2.admin, ""); tr.status != 200 || tr.json(t)["order_id"] != orderID {
			t.Errorf("transaction %s, acknowledged before the backup: %d %s", id, tr.status, tr.body)
		}
	}
	if r := s2.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", ""); r["failed"] != 0.0 {
		t.Errorf("KKMTransfer on the restored database: %v", r)
	}
	checkOneSalePerOrder(t, s2)
	checkStockEqualsDocuments(t, sh)

	// The till's cursor is beyond the restored packages: it starts over and takes new orders.
	o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
	waitFor(t, "the till to take an order made after the restore", func() bool { return has(till.orderIDs(), o["id"].(string)) })
	for _, id := range till.orderIDs() {
		if r := s2.do("GET", "/api/v1/orders/"+id, s2.admin, ""); r.status != 200 {
			t.Errorf("the till shows order %s, which the restored back office does not have", id)
		}
	}
	t.Logf("%d orders and %d sales acknowledged before the backup; %d and %d by the end", len(ordersBefore), len(salesBefore), countOf(orders), countOf(transactions))
}

// TestBackupRefusesBadInput: a backup to a file that exists, onto a full disk, or of a database that
// is not torg's says why and leaves no file behind.
func TestBackupRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "torg.db")
	s, _ := startServerAt(t, dsn, "127.0.0.1:0")
	sh := newShop(t, s)
	for i := range 150 {
		sh.order(t, fmt.Sprintf(`,"comment":%q`, strings.Repeat("комментарий ", 80)+fmt.Sprint(i)))
	}
	out := t.TempDir()
	existing := filepath.Join(out, "existing.db")
	os.WriteFile(existing, []byte("yesterday's backup"), 0o600)
	notTorg := filepath.Join(dir, "notes.db")
	os.WriteFile(notTorg, []byte(strings.Repeat("not a database ", 100)), 0o600)

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"to a file that exists", []string{"backup", "--db", dsn, "--to", existing}, "already exists"},
		{"of a file that is not a database", []string{"backup", "--db", "sqlite:" + notTorg, "--to", filepath.Join(out, "a.db")}, "is not a torg database"},
		{"of a database that is not there", []string{"backup", "--db", "sqlite:" + filepath.Join(dir, "none.db"), "--to", filepath.Join(out, "b.db")}, "no such file"},
		{"of PostgreSQL", []string{"backup", "--db", "postgres://db/torg", "--to", filepath.Join(out, "c.db")}, "pg_dump"},
		{"without --to", []string{"backup", "--db", dsn}, "--to FILE is required"},
		{"a restore of a file that is not a backup", []string{"restore", "--from", notTorg, "--db", "sqlite:" + filepath.Join(out, "d.db")}, "is not a torg database"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := runCmd(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
		})
	}
	t.Run("onto a full disk", func(t *testing.T) {
		bash, err := exec.LookPath("bash")
		if err != nil {
			t.Skip("no bash to limit the file size with")
		}
		// A file size limit of 256 KiB stands in for a full disk: writing beyond it fails with EFBIG.
		cmd := exec.Command(bash, "-c", `ulimit -f 256 && exec "$0" "$@"`, os.Args[0], "backup", "--db", dsn, "--to", filepath.Join(out, "full.db"))
		cmd.Env = append(os.Environ(), "TORG_TEST_RUN_MAIN=1")
		msg, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(msg), "no space left") {
			t.Fatalf("exit %v: %s", err, msg)
		}
	})
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Fatalf("the folder holds more than yesterday's backup: %v", entries)
	}
	if b, _ := os.ReadFile(existing); string(b) != "yesterday's backup" {
		t.Fatalf("the existing file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("a backup of a missing database made one")
	}
}

// TestRegisterRestore: a till's store copied while it runs is put back once the agent is stopped;
// the agent starts on it with the backup's cursor and catches up with the orders made since. A
// restore while the agent runs, or of a file that is not a till's store, changes nothing.
func TestRegisterRestore(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "torg.db")
	s, _ := startServerAt(t, dsn, "127.0.0.1:0")
	sh := newShop(t, s)
	dir := filepath.Join(t.TempDir(), "till")
	till := startAgent(t, s.url, sh.tok["R1"], dir)
	var ids []string
	post := func(n int) {
		for range n {
			ids = append(ids, sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)["id"].(string))
		}
		waitFor(t, "the till to show every order", func() bool { return len(till.orderIDs()) == len(ids) })
	}
	post(3)
	copyFile := filepath.Join(t.TempDir(), "till.db")
	if out, _, err := runCmd("register", "backup", "--data", dir, "--to", copyFile); err != nil {
		t.Fatalf("register backup: %v\n%s", err, out)
	}
	post(2)

	if _, _, err := runCmd("register", "restore", "--from", copyFile, "--data", dir); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a restore under a running agent: %v", err)
	}
	serverCopy := filepath.Join(t.TempDir(), "torg.db")
	if _, _, err := runCmd("backup", "--db", dsn, "--to", serverCopy); err != nil {
		t.Fatalf("backup of the back office: %v", err)
	}
	till.stop()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"of the back office's database", []string{"register", "restore", "--from", serverCopy, "--data", dir}, "has no table"},
		{"without --from", []string{"register", "restore", "--data", dir}, "--from FILE is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := runCmd(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
		})
	}
	out, _, err := runCmd("register", "restore", "--from", copyFile, "--data", dir)
	if err != nil || !strings.Contains(out, "restored from") || !strings.Contains(out, "kept as") {
		t.Fatalf("register restore: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "register.db")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the restored store: %v, mode %v, want 0600", err, st.Mode())
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, "register.db.before-restore-*")); len(aside) == 0 {
		t.Fatal("the store the restore replaced is not kept")
	}
	again := startAgent(t, s.url, sh.tok["R1"], dir)
	waitFor(t, "the restored till to catch up with the orders made after its backup", func() bool {
		return len(again.orderIDs()) == len(ids)
	})
	for _, id := range ids {
		if !has(again.orderIDs(), id) {
			t.Errorf("order %s is not on the restored till", id)
		}
	}
}
