package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg/internal/browsertest"
)

// browser starts a headless Chromium for the test; the returned context drives one tab.
func browser(t testing.TB) context.Context { return browsertest.New(t) }

// run performs browser actions and fails the test, naming the step, when one fails.
func run(t testing.TB, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(stepCtx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s (at %s): %v\n%s", step, loc, err, body)
	}
}

// location is the address of the tab's page.
func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// text reads the text of the first element the selector finds.
func text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// loginAs opens the site and logs in through the login form.
func loginAs(t testing.TB, ctx context.Context, e *env, name string) {
	t.Helper()
	run(t, ctx, "log in",
		chromedp.Navigate(e.url+"/orders"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#orders")),
	)
}

// screenshot saves the viewport as docs/screenshots/NAME.png when TORG_SCREENSHOTS is set.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("TORG_SCREENSHOTS") == "" {
		return
	}
	run(t, ctx, "settle before "+name, chromedp.Sleep(300*time.Millisecond))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
