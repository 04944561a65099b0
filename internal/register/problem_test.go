package register

import (
	"io"
	"log/slog"
	"testing"

	"torg"
)

// TestTheLocalAPIAnswersEveryCodeAsTheBackOfficeExceptPicks: the local API answers an error code with
// the status of torg's one mapping, except that a pick of an order withdrawn from this register or
// changed since it came is a 409, like one held or sold elsewhere.
func TestTheLocalAPIAnswersEveryCodeAsTheBackOfficeExceptPicks(t *testing.T) {
	a := &Agent{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, c := range torg.Codes {
		want := c.Status()
		if c == torg.CodeWithdrawn || c == torg.CodeStaleVersion {
			want = 409
		}
		status, v := a.problemOf(torg.Errorf(c, "the request failed"), "")
		p := v.(torg.Problem)
		if status != want || p.Status != want || p.Type != "/problems/"+c.Slug() || p.Title != c.Slug() {
			t.Errorf("code %q is answered with %d %+v, want %d", c, status, p, want)
		}
	}
}
