// Package storetest gives tests a fresh, migrated store on every dialect: SQLite always, PostgreSQL
// when TORG_TEST_POSTGRES names a server (each test then gets a schema of its own).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"torg/internal/store"
)

// PostgresEnv names the environment variable with the URL of the PostgreSQL server tests use.
const PostgresEnv = "TORG_TEST_POSTGRES"

// Dialects lists the dialects tests run on here. Under CI (CI=true) PostgreSQL is required.
func Dialects(t testing.TB) []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{"sqlite", "postgres"}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI runs the store suite on PostgreSQL too: set %s", PostgresEnv)
	}
	return []string{"sqlite"}
}

// ForEach runs fn as a subtest on a fresh store of every dialect.
func ForEach(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, New(t, d)) })
	}
}

// New opens a fresh, migrated store of the dialect, closed (and on PostgreSQL dropped) after the test.
func New(t testing.TB, dialect string, opts ...store.Option) *store.Store {
	t.Helper()
	return Open(t, DSN(t, dialect), opts...)
}

// Open opens a migrated store over the database, closed after the test: a second one over the same
// PostgreSQL database stands for another serve process.
func Open(t testing.TB, dsn string, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return s
}

// DSN makes an empty database of the dialect for the test and returns its --db value.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "torg.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set", PostgresEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs a statement on the database of a --db value, past the store: for tests that plant a
// state no API makes.
func Exec(t testing.TB, dsn, q string) {
	t.Helper()
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source = "sqlite", path
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}
