package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// FreshDatabase makes an empty database beside the one dsn names and returns its --db value and the
// function that removes it: for sqlite:PATH a new file in a new folder beside PATH, for PostgreSQL a
// new schema in the same database (named in the DSN's search_path).
func FreshDatabase(ctx context.Context, dsn string) (string, func() error, error) {
	b := make([]byte, 4)
	rand.Read(b)
	name := "torg_bench_" + hex.EncodeToString(b)
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		dir, err := os.MkdirTemp(filepath.Dir(path), name+"_*")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "torg.db"), func() error { return os.RemoveAll(dir) }, nil
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("database %q: want sqlite:PATH or postgres://…", dsn)
	}
	admin := func(stmt string) error {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(context.WithoutCancel(ctx), stmt)
		return err
	}
	if err := admin("CREATE SCHEMA " + name); err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() error { return admin("DROP SCHEMA " + name + " CASCADE") }, nil
}
