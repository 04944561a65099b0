package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg/internal/browsertest"
)

// pickIn asks the agent to pick the order as its screen does in the language ("" sends no
// Accept-Language), and returns the status and the problem's detail.
func pickIn(t *testing.T, g *agent, id, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", g.a.URL()+"/api/orders/"+id+"/pick", nil)
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Detail string `json:"detail"`
		Code   string `json:"code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 409 || p.Code != "claimed" {
		t.Fatalf("pick in %q: %d %+v", lang, resp.StatusCode, p)
	}
	return resp.StatusCode, p.Detail
}

// A pick conflict reaches the cashier in the screen's language, with the claim's end in local time;
// without a language the agent answers the back office's English as before.
func TestAPickConflictIsShownInTheScreensLanguage(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	k1 := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
	k2 := startAgent(t, s.url, sh.tok["R2"], t.TempDir())
	o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
	id, number := o["id"].(string), o["number"].(string)
	waitFor(t, "the order reaching both registers", func() bool { return has(k1.orderIDs(), id) && has(k2.orderIDs(), id) })
	if status, body := k1.call("POST", "/api/orders/"+id+"/pick", ""); status != 201 {
		t.Fatalf("K1 pick: %d %v", status, body)
	}
	claim := s.must(200, "GET", "/api/v1/orders/"+id, "")["claim"].(map[string]any)
	until, err := time.Parse(time.RFC3339, claim["expires_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	ru := fmt.Sprintf("Заказ %s продаётся на ККМ R1 (Касса R1) до %s", number, until.Local().Format("02.01.2006 15:04"))
	en := fmt.Sprintf("Order %s is being sold at register R1 (Касса R1) until %s", number, until.Local().Format("2006-01-02 15:04"))
	api := fmt.Sprintf("order %s is being sold at register R1 (Касса R1) until %s", number, until.UTC().Format(time.RFC3339))
	for lang, want := range map[string]string{"ru": ru, "ru-RU,ru;q=0.9,en;q=0.5": ru, "en": en, "": api} {
		if _, detail := pickIn(t, k2, id, lang); detail != want {
			t.Errorf("Accept-Language %q: %q, want %q", lang, detail, want)
		}
	}

	// The screen knows the order is taken before anyone presses «Подобрать чек»: the claim sent it
	// order.claimed. It says so in its language, with the claim's end in local time.
	ctx := newBrowser(t)
	row := `#order-rows tr[data-id="` + id + `"]`
	hhmm := until.Local().Format("15:04")
	do(t, ctx, chromedp.Navigate(k2.a.URL()+"/"), chromedp.WaitVisible(row+" .badge.taken"), browsertest.Click(row), chromedp.WaitVisible("#d-taken"))
	if got := text(t, ctx, "#d-taken"); !strings.Contains(got, "продаётся на Касса R1 до "+hhmm) {
		t.Errorf("the Russian screen says %q, want the register and %s", got, hhmm)
	}
	do(t, ctx, browsertest.Click("#lang"))
	waitFor(t, "the English note", func() bool {
		got, _ := chromedp.Run(ctx, chromedp.Text("#d-taken"))
		return strings.Contains(got, "being sold at Касса R1 until "+hhmm)
	})
}
