package api

import (
	"io"
	"log/slog"
	"testing"

	"torg"
)

// TestEveryCodeIsAnsweredWithItsStatusAndSlug: the API answers every error code with the status and
// slug of torg's one mapping, and a title of its own.
func TestEveryCodeIsAnsweredWithItsStatusAndSlug(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if len(problemKinds) != len(torg.Codes) {
		t.Errorf("problemKinds has %d codes, torg.Codes %d", len(problemKinds), len(torg.Codes))
	}
	for _, c := range torg.Codes {
		p := toProblem(torg.Errorf(c, "the request failed"), log)
		if p.Status != c.Status() || p.Type != problemTypeBase+c.Slug() || p.Title == "" {
			t.Errorf("code %q is answered with %d %q titled %q, want %d %q", c, p.Status, p.Type, p.Title, c.Status(), problemTypeBase+c.Slug())
		}
	}
}
