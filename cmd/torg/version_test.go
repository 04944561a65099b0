package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"torg/internal/store"
)

func TestVersionNamesTheBuildAndItsSchema(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"version"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("), schema %d\n", store.LatestSchema())
	if !strings.HasPrefix(out.String(), "torg ") || !strings.Contains(out.String(), "(commit ") || !strings.HasSuffix(out.String(), want) {
		t.Errorf("torg version printed %q", out.String())
	}
	if store.LatestSchema() < 10 {
		t.Errorf("the latest schema is %d: the migrations were not found", store.LatestSchema())
	}
}

func TestReadyzSaysTheDatabasesSchemaVersion(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		got := s.must(200, "GET", "/readyz", "")
		if got["status"] != "ready" || got["schema_version"] != float64(store.LatestSchema()) {
			t.Errorf("/readyz: %v, want schema_version %d", got, store.LatestSchema())
		}
	})
}
