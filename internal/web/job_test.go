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

func TestEmptyRunsAreCollapsed(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	for range 12 {
		e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	}
	sh.sell("R1", sh.order(""), `[{"type":"cash","amount":43400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	for range 3 {
		e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	}
	rows := strings.Split(section(t, c.get("/kkm-transfer", 200), `<tbody>`, "</tbody>"), "<tr")[1:]
	if len(rows) != 3 {
		t.Fatalf("the run list has %d rows, want 3 empty runs, the run that processed the sale, 12 empty runs:\n%s", len(rows), rows)
	}
	if !strings.Contains(rows[0], "3 пустых запуска") || !strings.Contains(rows[2], "12 пустых запусков") {
		t.Errorf("the empty runs are not collapsed:\n%s\n%s", rows[0], rows[2])
	}
	if !strings.Contains(rows[1], `<td class="num">1</td>`) {
		t.Errorf("the run that processed the sale is not shown between them:\n%s", rows[1])
	}
}

func TestTheCashReceiptFilterShowsItsChoice(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.login("manager")
	for path, active := range map[string]string{"/cash-receipts": "all-receipts", "/cash-receipts?posted=false": "unposted-receipts"} {
		filters := section(t, c.get(path, 200), `class="filters"`, "</span>")
		for _, id := range []string{"all-receipts", "unposted-receipts"} {
			link := section(t, result{body: filters, url: path}, `id="`+id+`"`, ">")
			if on := strings.Contains(link, `aria-current="page"`); on != (id == active) {
				t.Errorf("on %s the filter %s is marked active: %v (%s)", path, id, on, link)
			}
		}
	}
}
