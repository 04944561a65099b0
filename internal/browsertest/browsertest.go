// Package browsertest starts Debian's Chromium headless for browser tests, driven with chromedp.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium finds the browser: TORG_CHROMIUM, else chromium on the PATH. Without one a test is
// skipped locally and fails under CI.
func Chromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv("TORG_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs the browser tests: install chromium or set TORG_CHROMIUM")
		}
		t.Skip("no chromium: set TORG_CHROMIUM to run the browser tests")
	}
	return path
}

// New starts a headless Chromium with a 1280×800 window, Russian first, for the test; the context
// drives one tab, for two minutes at most. It stops with the test.
func New(t testing.TB) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "ru-RU"), chromedp.Flag("accept-lang", "ru-RU,ru"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// Click clicks the element as chromedp.Click does, and again when the screen replaced the element
// between finding it and clicking it (it rebuilds a list when what it shows changes): the mouse
// had not been pressed then, so the click is not doubled.
func Click(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for i := 0; ; i++ {
			v, err := chromedp.Click(sel)(ctx, t)
			if err == nil || i == 20 || !replaced(err) {
				return v, err
			}
		}
	}
}

// replaced tells whether Chromium refused an action because its node left the page.
func replaced(err error) bool {
	for _, s := range []string{"Could not find node with given id", "Node is detached", "No node with given id"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}
