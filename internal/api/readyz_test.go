package api_test

import (
	"testing"

	"torg/internal/store"
)

func TestReadyzSaysTheDatabasesSchemaVersion(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		got := s.must(200, "GET", "/readyz", "")
		if got["status"] != "ready" || got["schema_version"] != float64(store.LatestSchema()) {
			t.Errorf("/readyz: %v, want schema_version %d", got, store.LatestSchema())
		}
	})
}
