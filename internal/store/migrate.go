package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"syscall"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder per dialect; a migration has the same file name in both.
//
//go:embed migrations
var migrations embed.FS

// Migrate brings the schema up to date. It holds a lock while it works (an advisory lock on
// PostgreSQL, a file lock beside an SQLite database), so processes that start at once migrate one
// after another.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	if !s.d.pg {
		unlock, err := lockFile(s.path + ".migrate-lock")
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		defer unlock()
	}
	p, err := s.migrator()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	s.startSequencer()
	return nil
}

// MigrateTo brings the schema to exactly version, applying migrations or rolling the newest back: the
// upgrade test uses it to make the previous release's schema, with data in it.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	if !s.d.pg {
		unlock, err := lockFile(s.path + ".migrate-lock")
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		defer unlock()
	}
	p, err := s.migrator()
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < current {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	return nil
}

// Migrated reports whether every migration is applied: the readiness check.
func (s *Store) Migrated(ctx context.Context) (bool, error) {
	p, err := s.migrator()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return err == nil && !pending, err
}

// SchemaVersion is the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// LatestSchema is the newest migration this build carries: the schema version it migrates a database
// to. Both dialects' folders hold the same file names.
func LatestSchema() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	var latest int64
	for _, e := range entries {
		if v, err := goose.NumericComponent(e.Name()); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// PreviousSchema is the migration before the newest: the schema of the release before this one.
// Numbers may have gaps (each change takes the numbers it was given), so it is read, not computed.
func PreviousSchema() int64 {
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	var latest, previous int64
	for _, e := range entries {
		if v, err := goose.NumericComponent(e.Name()); err == nil && v > latest {
			latest, previous = v, latest
		} else if err == nil && v > previous && v < latest {
			previous = v
		}
	}
	return previous
}

func (s *Store) migrator() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.d.pg {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.writeDB, dir, opts...)
}

// lockFile takes an exclusive lock on the file, waiting for it; unlock releases it.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
