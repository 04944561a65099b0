package register

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"torg/internal/browsertest"
)

func TestScreenFitsATabletAndAPhone(t *testing.T) {
	long := "Общество с ограниченной ответственностью «Ромашка-Опт»"
	orders := []json.RawMessage{sale("a", "000101", long, "Самовывоз до 18:00, позвонить за час", 351940), sale("b", "000102", "Петров", "", 1234567890)}
	s := openScreen(t, 1024, 768, orders...)
	s.pickOrder("b") // a picked order has the longer badge
	s.do(chromedp.Reload(), chromedp.WaitVisible("#order-rows .badge.picked"))
	inCard := func(size string) {
		t.Helper()
		spill := eval[[]string](s, `(() => {
			const card = document.querySelector("section.orders").getBoundingClientRect();
			return [...document.querySelectorAll("#order-rows .badge")].filter((b) => {
				const r = b.getBoundingClientRect();
				return r.right > card.right || r.left < card.left;
			}).map((b) => b.textContent);
		})()`)
		if len(spill) > 0 {
			t.Errorf("at %s these badges spill out of the order card: %q", size, spill)
		}
	}
	inCard("1024 px")
	s.screenshot("cashier-tablet.png")
	fits := func(size, where string) {
		t.Helper()
		got := eval[map[string]any](s, `(() => {
			const d = document.documentElement, w = d.clientWidth;
			// An element inside a box that scrolls or clips sideways is judged by that box.
			const clipped = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true; return false; };
			const wide = [...document.querySelectorAll("body *")].filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > w + 0.5 && !clipped(e))
				.map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className).slice(0, 10);
			return {scroll: d.scrollWidth, client: w, wide: wide};
		})()`)
		if got["scroll"].(float64) > got["client"].(float64) || len(got["wide"].([]any)) > 0 {
			t.Errorf("at %s, %s: scrollWidth %v > clientWidth %v, or wider than the screen: %v", size, where, got["scroll"], got["client"], got["wide"])
		}
	}
	fits("1024 px", "the order list and an order")
	s.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload(), chromedp.WaitVisible("#order-rows tr"))
	s.do(browsertest.Click(`#order-rows tr[data-id="a"]`), chromedp.WaitVisible("#d-comment"))
	fits("390 px", "the order list and an order")
	inCard("390 px")
	s.screenshot("cashier-phone.png")
	s.pickOrder("a")
	fits("390 px", "paying")
	s.screenshot("cashier-phone-payment.png")
	s.setLang("en")
	fits("390 px", "paying, in English")
}
