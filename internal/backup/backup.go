// Package backup copies a live SQLite database — the back office's or a register agent's — into a
// new file, consistently and without stopping the process that writes it, checks the copy, and
// puts a copy back in place of a database that nothing has open (docs/OPERATIONS.md).
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Kind says whose database a file must be: the tables it must hold, and what to call it.
type Kind struct {
	Name   string   // "torg" or "torg register"
	Tables []string // tables every database of this kind has
}

// Server is the back office's database; Register is a register agent's.
var (
	Server   = Kind{Name: "torg", Tables: []string{"goose_db_version", "orders", "registers", "packages", "transactions"}}
	Register = Kind{Name: "torg register", Tables: []string{"goose_db_version", "meta", "orders", "receipts", "fiscal", "outbox"}}
)

// Progress is told how many bytes of the copy are written, of about how many in all.
type Progress func(done, total int64)

// Result is what a finished copy holds.
type Result struct {
	Bytes  int64 // size of the copy
	Schema int64 // the newest migration applied to it
}

// Copy writes a consistent copy of the database at src into the new file dst, while other
// processes may keep writing src. It refuses a dst that exists and a src that is not a database of
// kind; it checks the copy with PRAGMA integrity_check; and on any failure it leaves nothing at dst
// and no partial file beside it. The copy is readable by its owner only: it holds token and
// password hashes, and a register's fiscal key.
func Copy(ctx context.Context, src, dst string, kind Kind, progress Progress) (Result, error) {
	if _, err := os.Lstat(dst); err == nil {
		return Result{}, fmt.Errorf("%s already exists: a backup never overwrites a file; name a new one", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return Result{}, err
	}
	db, err := openChecked(ctx, src, kind)
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	tmp, err := tempName(dst)
	if err != nil {
		return Result{}, err
	}
	defer removeTemp(tmp)
	if err := vacuumInto(ctx, db, src, tmp, progress); err != nil {
		return Result{}, fmt.Errorf("copying %s: %w", src, explain(err))
	}
	res, err := check(ctx, tmp, kind)
	if err != nil {
		return Result{}, fmt.Errorf("the copy failed its check: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, explain(err)
	}
	// A link, not a rename: it fails rather than replace a file that appeared at dst meanwhile.
	if err := os.Link(tmp, dst); err != nil {
		return Result{}, explain(err)
	}
	return res, syncDir(filepath.Dir(dst))
}

// Check opens the database at path read-only and reports whether it is a sound database of kind:
// its tables are there and PRAGMA integrity_check finds nothing wrong.
func Check(ctx context.Context, path string, kind Kind) (Result, error) {
	db, err := openChecked(ctx, path, kind)
	if err != nil {
		return Result{}, err
	}
	db.Close()
	return check(ctx, path, kind)
}

// openChecked opens an existing database read-only (never making one) and checks that it is of kind.
func openChecked(ctx context.Context, path string, kind Kind) (*sql.DB, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, explain(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file", path)
	}
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := hasTables(ctx, db, kind); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s is not a %s database: %w", path, kind.Name, err)
	}
	return db, nil
}

// hasTables checks that the database holds every table of kind.
func hasTables(ctx context.Context, db *sql.DB, kind Kind) error {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return errors.New("it is not an SQLite database")
		}
		return err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return errors.New("it is not an SQLite database")
		}
		return err
	}
	var missing []string
	for _, t := range kind.Tables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("it has no table %s", strings.Join(missing, ", "))
	}
	return nil
}

// vacuumInto writes the database into the file tmp in one read transaction (VACUUM INTO), telling
// progress how far the new file has grown against the size of the source.
func vacuumInto(ctx context.Context, db *sql.DB, src, tmp string, progress Progress) error {
	total := size(src) + size(src+"-wal")
	done := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp)
		done <- err
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err == nil && progress != nil {
				n := size(tmp)
				progress(n, n)
			}
			return err
		case <-tick.C:
			if progress != nil {
				progress(min(size(tmp), total), total)
			}
		}
	}
}

// check runs PRAGMA integrity_check on a finished copy and reads its schema version.
func check(ctx context.Context, path string, kind Kind) (Result, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return Result{}, err
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return Result{}, err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	if len(problems) > 0 {
		return Result{}, fmt.Errorf("integrity_check: %s", strings.Join(problems, "; "))
	}
	if err := hasTables(ctx, db, kind); err != nil {
		return Result{}, err
	}
	res := Result{Bytes: size(path)}
	err = db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&res.Schema)
	return res, err
}

// tempName is a new name in dst's folder for the copy while it is made: ".NAME.partial-…".
func tempName(dst string) (string, error) {
	dir, base := filepath.Split(dst)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s: the folder does not exist", dir)
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-*")
	if err != nil {
		return "", explain(err)
	}
	name := f.Name()
	f.Close()
	// VACUUM INTO wants a file that does not exist yet; the name stays ours, being unguessable.
	if err := os.Remove(name); err != nil {
		return "", err
	}
	return name, nil
}

// removeTemp deletes the copy in progress and any journal SQLite made beside it.
func removeTemp(tmp string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// syncFile makes the file owner-only and flushes it to the disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir flushes a folder, so that a new name in it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// explain says in words what an out-of-space, file-size or write error means. SQLite reports a
// full disk as SQLITE_FULL, and a write cut short by a file size limit as SQLITE_IOERR_WRITE (778).
func explain(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EFBIG), strings.Contains(err.Error(), "database or disk is full"):
		return fmt.Errorf("no space left for the copy (the disk is full or the file is larger than allowed): %w", err)
	case strings.Contains(err.Error(), "(778)"):
		return fmt.Errorf("the copy could not be written: no space left on the disk, a file size limit, or a failing disk: %w", err)
	}
	return err
}
