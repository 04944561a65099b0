package register

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"torg"
)

// langCall sends a request to the local API as the screen does in the language and decodes the problem.
func langCall(t *testing.T, a *Agent, method, path, body, lang string) (int, torg.Problem) {
	t.Helper()
	req, _ := http.NewRequest(method, a.URL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p torg.Problem
	json.NewDecoder(resp.Body).Decode(&p)
	return resp.StatusCode, p
}

func TestTheAgentAnswersItsProblemsInTheScreensLanguage(t *testing.T) {
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}}}}
	a, _ := startAgent(t, f, t.TempDir())
	for lang, want := range map[string]string{
		"ru": "Смена не открыта: смена открывается первой продажей",
		"en": "No shift is open: a shift opens with its first sale",
		"":   "no shift is open: a shift opens with its first sale",
	} {
		status, p := langCall(t, a, "POST", "/api/shift/close", "", lang)
		if status != 409 || p.Detail != want || p.Code != "no_shift" {
			t.Errorf("closing no shift in %q: %d %+v, want %q", lang, status, p, want)
		}
	}
	eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
	r, err := a.pick(t.Context(), "a")
	if err != nil {
		t.Fatal(err)
	}
	status, p := langCall(t, a, "POST", "/api/receipts/"+r.ID+"/close", `{"payments":[{"type":"cash","amount":10000}]}`, "ru")
	if status != 422 || len(p.Errors) != 1 || p.Errors[0].Message != "осталось внести 200,00\u00a0₽" || p.Errors[0].Code != "still_due" ||
		len(p.Errors[0].Params) != 1 || p.Errors[0].Params[0] != 20000.0 {
		t.Errorf("paying too little in Russian: %d %+v", status, p)
	}
}
