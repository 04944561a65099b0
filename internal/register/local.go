package register

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"torg"
	"torg/internal/backup"
)

//go:embed migrations
var migrations embed.FS

// local is the agent's embedded store: one SQLite file in the agent's data folder, written through
// one connection, so that every local change is one transaction.
type local struct {
	db      *sql.DB
	release func() // lets a restore replace the store again (backup.Hold)
}

func openLocal(ctx context.Context, dir string) (*local, error) {
	if err := keepPrivate(dir); err != nil {
		return nil, fmt.Errorf("register: data folder: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	path := filepath.Join(dir, storeFiles[0])
	release, err := backup.Hold(path)
	if err != nil {
		return nil, fmt.Errorf("register: local store: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		release()
		return nil, err
	}
	db.SetMaxOpenConns(1)
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err == nil {
		_, err = p.Up(ctx)
	}
	if err != nil {
		db.Close()
		release()
		return nil, fmt.Errorf("register: local store: %w", err)
	}
	return &local{db: db, release: release}, nil
}

// LatestSchema is the newest migration of the agent's store: a backup made by a newer agent has a
// higher one, and this build refuses to restore it.
func LatestSchema() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations")
	var latest int64
	for _, e := range entries {
		if v, err := goose.NumericComponent(e.Name()); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// storeFiles are the names of the local store's files: the database (with the fiscal emulator's
// drive number and key), and SQLite's write-ahead log, shared memory and rollback journal.
var storeFiles = []string{"register.db", "register.db-wal", "register.db-shm", "register.db-journal"}

// keepPrivate makes the data folder readable by its owner only (docs/API.md, «The register agent»): the folder 0700 and
// the store's files 0600, tightening what an older agent or a person left wider. The database is
// made 0600 before SQLite opens it, and SQLite gives its other files the database's mode.
func keepPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if err := os.Chmod(dir, st.Mode().Perm()&^0o077); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, storeFiles[0]), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, name := range storeFiles {
		if err := os.Chmod(filepath.Join(dir, name), 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (l *local) close() error {
	defer l.release()
	return l.db.Close()
}

// update runs fn in one local transaction.
func (l *local) update(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// lastSeq is the seq of the newest package applied.
func (l *local) lastSeq(ctx context.Context) (int64, error) {
	var v string
	err := l.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'last_seq'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

func setLastSeq(ctx context.Context, tx *sql.Tx, seq int64) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('last_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		strconv.FormatInt(seq, 10))
	return err
}

// apply applies packages in order, in one local transaction, and returns how many it applied. It
// stops at a gap in seq: the caller reads again from the last one applied.
func (l *local) apply(ctx context.Context, after int64, pkgs []torg.Package) (int, error) {
	n := 0
	err := l.update(ctx, func(tx *sql.Tx) error {
		n = 0
		last := after
		for _, p := range pkgs {
			if p.Seq != last+1 {
				break
			}
			if err := applyOne(ctx, tx, p); err != nil {
				return fmt.Errorf("package %d: %w", p.Seq, err)
			}
			last, n = p.Seq, n+1
		}
		if n == 0 {
			return nil
		}
		return setLastSeq(ctx, tx, last)
	})
	return n, err
}

func applyOne(ctx context.Context, tx *sql.Tx, p torg.Package) error {
	switch p.Kind {
	case torg.PackageUpsert:
		var o torg.OrderSnapshot
		if err := json.Unmarshal(p.Order, &o); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO orders (id, number, version, snapshot, seq) VALUES (?, ?, ?, ?, ?)"+
			" ON CONFLICT (id) DO UPDATE SET number = excluded.number, version = excluded.version, snapshot = excluded.snapshot, seq = excluded.seq",
			o.ID, o.Number, o.Version, string(p.Order), p.Seq)
		return err
	case torg.PackageDelete:
		_, err := tx.ExecContext(ctx, "DELETE FROM orders WHERE id = ?", p.OrderID)
		return err
	case torg.PackageClaimed:
		var until int64
		if p.ExpiresAt != nil {
			until = p.ExpiresAt.UnixMicro()
		}
		_, err := tx.ExecContext(ctx, "UPDATE orders SET taken_by = ?, taken_until = ? WHERE id = ?", p.RegisterName, until, p.OrderID)
		return err
	case torg.PackageReleased:
		_, err := tx.ExecContext(ctx, "UPDATE orders SET taken_by = NULL, taken_until = NULL WHERE id = ?", p.OrderID)
		return err
	}
	return nil // a kind this agent does not know: skipped, as a newer server may send more
}

// reset forgets every order and the cursor: the server's packages start again from the beginning.
func (l *local) reset(ctx context.Context) error {
	return l.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM orders"); err != nil {
			return err
		}
		return setLastSeq(ctx, tx, 0)
	})
}
