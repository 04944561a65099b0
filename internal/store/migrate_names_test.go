package store_test

import (
	"os"
	"slices"
	"testing"
)

// Both dialects' migration folders hold the same file names, so that a version means the same change
// on either database.
func TestBothDialectsHaveTheSameMigrations(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, postgres := names("migrations/sqlite"), names("migrations/postgres")
	if !slices.Equal(sqlite, postgres) || len(sqlite) == 0 {
		t.Errorf("sqlite has %v, postgres %v", sqlite, postgres)
	}
}
