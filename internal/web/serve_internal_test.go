package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"torg"
)

// TestTheErrorPageAnswersWithTheCodesStatus: the error page of a code it explains (not found,
// forbidden, a form that cannot be read, the database away) has the status of torg's one mapping;
// any other code is an internal error, 500; a forged form is a 403 that says the form expired.
func TestTheErrorPageAnswersWithTheCodesStatus(t *testing.T) {
	u := New(Config{})
	explained := map[torg.Code]string{
		torg.CodeNotFound: "error.not_found", torg.CodeForbidden: "error.forbidden",
		torg.CodeMalformed: "error.malformed", torg.CodeUnavailable: "error.unavailable",
	}
	show := func(err error) (int, string) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/orders", nil)
		u.fail(&page{w: w, r: r, ctx: r.Context(), lang: "en"}, err)
		return w.Code, w.Body.String()
	}
	for _, c := range torg.Codes {
		status, key := http.StatusInternalServerError, "error.internal"
		if k, ok := explained[c]; ok {
			status, key = c.Status(), k
		}
		got, body := show(torg.Errorf(c, "the request failed"))
		if got != status || !strings.Contains(body, translate("en", key)) {
			t.Errorf("code %q: the error page is %d, want %d with %q", c, got, status, translate("en", key))
		}
	}
	if got, body := show(errCSRF); got != http.StatusForbidden || !strings.Contains(body, translate("en", "error.csrf")) {
		t.Errorf("a forged form: %d, want 403 with %q", got, translate("en", "error.csrf"))
	}
}
