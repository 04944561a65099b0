package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"torg/internal/backup"
	"torg/internal/register"
	"torg/internal/store"
)

// backupCmd copies a live SQLite database to a new file: torg backup --db sqlite:PATH --to FILE.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	db := dbFlag(fs)
	to := fs.String("to", "", "the new file to write the copy to (never overwritten)")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := sqlitePath(*db)
	if err != nil {
		return err
	}
	if *to == "" {
		return errors.New("--to FILE is required: the new file to write the copy to")
	}
	res, err := backup.Copy(ctx, path, *to, backup.Server, bytesBar(stderr))
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "torg: backup of %s written to %s: %s, schema %d, integrity_check ok\n", path, *to, mib(res.Bytes), res.Schema)
	return nil
}

// restoreCmd puts a backup in place of a database no process has open:
// torg restore --from FILE --db sqlite:PATH.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", stderr)
	db := dbFlag(fs)
	from := fs.String("from", "", "the backup file to restore (torg backup --to)")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := sqlitePath(*db)
	if err != nil {
		return err
	}
	if *from == "" {
		return errors.New("--from FILE is required: the backup to restore")
	}
	res, err := backup.Restore(ctx, *from, path, backup.Server, store.LatestSchema(), bytesBar(stderr))
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "torg: %s restored from %s (schema %d; torg serve migrates it on start)\n", path, *from, res.Schema)
	printAside(stdout, res)
	return nil
}

// printAside names the files of the database a restore replaced, which it kept.
func printAside(stdout io.Writer, res backup.Restored) {
	for _, f := range res.Aside {
		fmt.Fprintf(stdout, "torg: the database it replaced is kept as %s\n", f)
	}
}

// registerRestore puts a backup of a till's store in place of its store, with the agent stopped:
// torg register restore --from FILE --data DIR.
func registerRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("register restore", stderr)
	dir := fs.String("data", "torg-register", "the agent's data folder (torg register --data)")
	from := fs.String("from", "", "the backup file to restore (torg register backup --to)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("--from FILE is required: the backup to restore")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("register restore: %w", err)
	}
	target := filepath.Join(*dir, "register.db")
	res, err := backup.Restore(ctx, *from, target, backup.Register, register.LatestSchema(), bytesBar(stderr))
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("register restore: %w", err)
	}
	fmt.Fprintf(stdout, "torg: the register's store %s restored from %s (schema %d; the agent migrates it on start)\n", target, *from, res.Schema)
	printAside(stdout, res)
	return nil
}

// registerBackup copies a register agent's live store: torg register backup --data DIR --to FILE.
func registerBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("register backup", stderr)
	dir := fs.String("data", "torg-register", "the agent's data folder (torg register --data)")
	to := fs.String("to", "", "the new file to write the copy to (never overwritten)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("--to FILE is required: the new file to write the copy to")
	}
	src := filepath.Join(*dir, "register.db")
	res, err := backup.Copy(ctx, src, *to, backup.Register, bytesBar(stderr))
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("register backup: %w", err)
	}
	fmt.Fprintf(stdout, "torg: backup of the register's store %s written to %s: %s, integrity_check ok\n", src, *to, mib(res.Bytes))
	return nil
}

// sqlitePath is the file of a sqlite: database; PostgreSQL has its own tools (docs/OPERATIONS.md).
func sqlitePath(dsn string) (string, error) {
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return "", errors.New("--db: backup and restore copy an SQLite database (sqlite:PATH); back up PostgreSQL with pg_dump and restore it with pg_restore, as docs/OPERATIONS.md shows")
	}
	if path == "" {
		return "", errors.New("--db sqlite:PATH: the path is empty")
	}
	return path, nil
}

// bytesBar draws a copy's progress on w: "\r[#####.....] 12.5/40.0 MiB".
func bytesBar(w io.Writer) backup.Progress {
	return func(done, total int64) {
		const width = 30
		filled := width
		if total > 0 {
			filled = int(done * width / total)
		}
		fmt.Fprintf(w, "\r[%s%s] %s/%s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), mibNum(done), mib(total))
	}
}

func mibNum(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }

func mib(n int64) string { return mibNum(n) + " MiB" }
