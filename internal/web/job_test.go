package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestRunNowRedirectsAndAReloadRunsNothing(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("admin")
	sh.sell("R1", sh.order(""), `[{"type":"cash","amount":43400}]`)
	page := c.get("/kkm-transfer", 200)
	r := c.post("/kkm-transfer/run", page, url.Values{})
	if strings.Contains(r.url, "/kkm-transfer/run") {
		t.Fatalf("the browser is left on the POST: %s", r.url)
	}
	r.contains(t, "Обработка выполнена.", `id="job-result"`, `id="res-processed">1<`)
	before := strings.Count(section(t, r, `<table class="grid" id="runs">`, "</table>"), "<tr")
	reload := c.get(strings.TrimPrefix(r.url, e.url), 200)
	reload.contains(t, `id="res-processed">1<`)
	if after := strings.Count(section(t, reload, `<table class="grid" id="runs">`, "</table>"), "<tr"); after != before {
		t.Errorf("reloading the result changed the runs from %d rows to %d", before, after)
	}
}

func TestReloadingANewSecretIssuesNoOther(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := browser(t)
	loginAs(t, ctx, e, "admin")
	run(t, ctx, "make an API token, then reload its page",
		chromedp.Navigate(e.url+"/tokens"),
		chromedp.WaitVisible(chromedp.CSS("#token-create")),
		chromedp.SendKeys(chromedp.CSS(`#token-create input[name="name"]`), "web shop"),
		chromedp.Click(chromedp.CSS("#btn-token-create")),
		chromedp.WaitVisible(chromedp.CSS("#secret-value")),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/tokens") {
		t.Errorf("the reload landed on %s, want the tokens page", loc)
	}
	var list struct{ Items []struct{ Name string } }
	if err := json.Unmarshal([]byte(e.api("GET", "/api/v1/api-tokens", "")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Errorf("%d tokens live after a reload of the secret's page, want 1: %+v", len(list.Items), list.Items)
	}
}
