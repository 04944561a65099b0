package backup

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// liveDB makes a database with the server's tables in WAL mode, as torg serve keeps it.
func liveDB(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "torg.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP)",
		"INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (7, 1)",
		"CREATE TABLE orders (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
		"CREATE TABLE registers (id INTEGER PRIMARY KEY)", "CREATE TABLE packages (id INTEGER PRIMARY KEY)",
		"CREATE TABLE transactions (id INTEGER PRIMARY KEY)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db, path
}

func count(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM orders").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCopyOfALiveDatabase(t *testing.T) {
	db, src := liveDB(t)
	ctx := context.Background()
	var written atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			if _, err := db.Exec("INSERT INTO orders (body) VALUES (?)", strings.Repeat("x", 2000)); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	})
	for written.Load() < 500 {
		time.Sleep(time.Millisecond)
	}
	before := written.Load()
	dst := filepath.Join(t.TempDir(), "copy.db")
	var calls atomic.Int64
	res, err := Copy(ctx, src, dst, Server, func(done, total int64) { calls.Add(1) })
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	n := count(t, dst)
	if int64(n) < before || int64(n) > written.Load() {
		t.Fatalf("the copy holds %d orders; %d were written before it began, %d by the end", n, before, written.Load())
	}
	if res.Schema != 7 || res.Bytes == 0 || calls.Load() == 0 {
		t.Fatalf("result %+v, progress told %d times", res, calls.Load())
	}
	if st, _ := os.Stat(dst); st.Mode().Perm() != 0o600 {
		t.Fatalf("the copy is %v, want owner-only", st.Mode().Perm())
	}
	if left := partials(t, filepath.Dir(dst)); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// partials lists files a copy left in a folder besides finished ones.
func partials(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".partial-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestCopyRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	_, src := liveDB(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("not a database\n", 100)), 0o644)
	other := filepath.Join(dir, "other.db")
	odb, _ := sql.Open("sqlite", "file:"+other)
	odb.Exec("CREATE TABLE songs (id INTEGER PRIMARY KEY)")
	odb.Close()
	for _, c := range []struct {
		name, src, dst, want string
	}{
		{"a destination that exists", src, existing, "already exists"},
		{"a file that is not a database", text, filepath.Join(dir, "a.db"), "not an SQLite database"},
		{"another program's database", other, filepath.Join(dir, "b.db"), "has no table goose_db_version"},
		{"a database that does not exist", filepath.Join(dir, "missing.db"), filepath.Join(dir, "c.db"), "no such file"},
		{"a folder that does not exist", src, filepath.Join(dir, "nowhere", "d.db"), "does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Copy(ctx, c.src, c.dst, Server, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("checking a missing database made one")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("the folder holds more than it did: %v", entries)
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	db, src := liveDB(t)
	db.Exec("INSERT INTO orders (body) VALUES ('first')")
	backupFile := filepath.Join(t.TempDir(), "backup.db")
	if _, err := Copy(ctx, src, backupFile, Server, nil); err != nil {
		t.Fatal(err)
	}
	db.Exec("INSERT INTO orders (body) VALUES ('second')")
	db.Close()

	t.Run("refuses a database a torg process holds", func(t *testing.T) {
		release, err := Hold(src)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		if _, err := Restore(ctx, backupFile, src, Server, 7, nil); !errors.Is(err, ErrInUse) {
			t.Fatalf("error %v, want in use", err)
		}
		if n := count(t, src); n != 2 {
			t.Fatalf("the database now holds %d orders, want its own 2", n)
		}
	})
	t.Run("refuses a backup newer than this build", func(t *testing.T) {
		if _, err := Restore(ctx, backupFile, src, Server, 6, nil); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("replaces a database nothing has open, keeping the old one aside", func(t *testing.T) {
		res, err := Restore(ctx, backupFile, src, Server, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, src); n != 1 {
			t.Fatalf("restored %d orders, want 1", n)
		}
		if len(res.Aside) == 0 || count(t, res.Aside[0]) != 2 {
			t.Fatalf("the old database was not kept: %v", res.Aside)
		}
		if left := partials(t, filepath.Dir(src)); len(left) > 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}
