package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg/internal/browsertest"
)

// text reads an element's visible text, failing the test when it cannot.
func text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// screenshot keeps a picture of the page as a test artifact.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := artifact(t, name)
	os.WriteFile(path, png, 0o644)
	t.Logf("screenshot: %s", path)
}

func do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestCashierScreen(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	// A customer name that is markup: the screen must show it as text, never run it.
	const hostile = `<img src=x onerror="document.title='pwned'">Покупатель`
	s.must(200, "PATCH", "/api/v1/customers/"+retailID(t, s), fmt.Sprintf(`{"name":%q}`, hostile))
	k1 := startAgent(t, s.url, sh.tok["R1"], t.TempDir())
	k2 := startAgent(t, s.url, sh.tok["R2"], t.TempDir())
	o := sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
	id, number := o["id"].(string), o["number"].(string)
	waitFor(t, "the order reaching both registers", func() bool { return has(k1.orderIDs(), id) && has(k2.orderIDs(), id) })

	ctx := newBrowser(t)
	row := `#order-rows tr[data-id="` + id + `"]`
	do(t, ctx, chromedp.Navigate(k1.a.URL()+"/"), chromedp.WaitVisible(row))
	if listed := text(t, ctx, "#order-rows"); !strings.Contains(listed, number) || !strings.Contains(listed, "434,00") || !strings.Contains(listed, hostile) {
		t.Errorf("the order list shows %q", listed)
	}
	do(t, ctx, chromedp.Sleep(300*time.Millisecond)) // time for an injected handler to have run
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "torg — касса" {
		t.Errorf("the page's title is %q (%v): markup in a name ran", title, err)
	}
	do(t, ctx, browsertest.Click(row), chromedp.WaitVisible("#pick"), browsertest.Click("#pick"), chromedp.WaitVisible("#cash"),
		chromedp.SendKeys("#cash", "500"))
	if change := text(t, ctx, "#change"); change != "66,00" {
		t.Errorf("change %q before closing: want 66,00 from 500,00 for 434,00", change)
	}
	screenshot(t, ctx, "cashier-payment.png")
	do(t, ctx, browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"))
	if change := text(t, ctx, "#done-change"); change != "66,00" {
		t.Errorf("change %q after closing", change)
	}
	screenshot(t, ctx, "cashier-closed.png")

	waitFor(t, "the order vanishing from K2", func() bool { return !has(k2.orderIDs(), id) })
	waitFor(t, "the transaction reaching the back office", func() bool { return k1.status()["outbox"] == 0.0 })
	list := s.must(200, "GET", "/api/v1/transactions?order_id="+id, "")["items"].([]any)
	tr := list[0].(map[string]any)
	if len(list) != 1 || tr["total"] != 43400.0 || tr["payments"].([]any)[0].(map[string]any)["amount"] != 43400.0 {
		t.Fatalf("the back office's transaction: %v", list)
	}
	do(t, ctx, chromedp.Navigate(k2.a.URL()+"/"), chromedp.WaitVisible("#no-orders"))
	if rows := text(t, ctx, "#no-orders"); !strings.Contains(rows, "Заказов нет") {
		t.Fatalf("K2's screen: %q", rows)
	}
}
