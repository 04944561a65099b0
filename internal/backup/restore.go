package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ErrInUse is the error of a restore onto a database that a process has open.
var ErrInUse = errors.New("the database is in use")

// Hold marks the database at path as open by this process until release is called, so that a
// restore refuses to replace it: `torg serve` holds its SQLite database for as long as it runs. It
// fails when a restore is replacing the database right now.
func Hold(path string) (release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is being restored: start again when the restore is done", path)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Restored is what a restore did.
type Restored struct {
	Result
	Aside []string // the files of the database it replaced, kept under new names
}

// Restore puts a copy of the backup at from in place of the database at target. It refuses a
// backup that is not a sound database of kind or whose schema is newer than latest (this build
// could not serve it), and a target that any process has open. The database it replaces, with its
// write-ahead log, is kept beside it as PATH.before-restore-TIME, never deleted.
func Restore(ctx context.Context, from, target string, kind Kind, latest int64, progress Progress) (Restored, error) {
	res, err := Check(ctx, from, kind)
	if err != nil {
		return Restored{}, err
	}
	if res.Schema > latest {
		return Restored{}, fmt.Errorf("%s has schema %d, newer than this build's %d: restore it with the torg that made it", from, res.Schema, latest)
	}
	unlock, err := exclusive(target)
	if err != nil {
		return Restored{}, err
	}
	defer unlock()
	tmp, err := tempName(target)
	if err != nil {
		return Restored{}, err
	}
	copied, err := Copy(ctx, from, tmp, kind, progress)
	if err != nil {
		return Restored{}, err
	}
	out := Restored{Result: copied}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for _, suffix := range []string{"", "-wal"} {
		old := target + suffix
		if _, err := os.Lstat(old); err != nil {
			continue
		}
		aside := old + ".before-restore-" + stamp
		if err := os.Rename(old, aside); err != nil {
			return out, err
		}
		out.Aside = append(out.Aside, aside)
	}
	os.Remove(target + "-shm") // the old database's shared memory; SQLite makes a new one
	if err := os.Rename(tmp, target); err != nil {
		return out, err
	}
	done = true
	return out, syncDir(filepath.Dir(target))
}

// exclusive makes sure no process has the database at path open, and keeps torg processes from
// opening it until unlock: torg serve holds it (Hold), and any SQLite connection, in any process,
// holds a lock on its shared-memory file.
func exclusive(path string) (unlock func(), err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w: a torg process is running on it; stop it first", path, ErrInUse)
	}
	unlock = func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }
	if pid := sqliteUser(path); pid != 0 {
		unlock()
		return nil, fmt.Errorf("%s: %w by process %d; stop it first", path, ErrInUse, pid)
	}
	return unlock, nil
}

// sqliteUser is the id of another process that has the database open, or 0. Every SQLite
// connection to a database in WAL mode holds a read lock on one byte of its shared-memory file
// (the "DMS" byte, at offset 128), and every connection in a transaction a lock on the database
// file's lock bytes, from 2³⁰ on.
func sqliteUser(path string) int {
	probe := func(name string, start, n int64) int {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return 0
		}
		defer f.Close()
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: start, Len: n}
		if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil || lk.Type == syscall.F_UNLCK {
			return 0
		}
		return int(lk.Pid)
	}
	if pid := probe(path+"-shm", 128, 1); pid != 0 {
		return pid
	}
	return probe(path, 1<<30, 512)
}
