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
