package web_test

import (
	"net/url"
	"strings"
	"testing"
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
