package register

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"torg"
	"torg/internal/browsertest"
)

// screen is the cashier screen of an agent fed by a scripted back office, open in Chromium.
type screen struct {
	t   *testing.T
	a   *Agent
	f   *fakeServer
	ctx context.Context
}

// sale is an order package of one line for the screen tests.
func sale(id, number, customer, comment string, total torg.Money) json.RawMessage {
	b, _ := json.Marshal(torg.OrderSnapshot{ID: id, Number: number, Version: 1, Comment: comment,
		Customer: torg.CustomerRef{ID: "c-" + id, Code: "C" + id, Name: customer}, Total: total,
		Lines: []torg.SnapshotLine{{LineNo: 1, ProductID: "p1", ProductCode: "COFFEE", Name: "Кофемашина", Unit: "шт",
			Quantity: 1000, Price: total, Amount: total, VATRate: "22"}}})
	return b
}

// httptestServer serves the scripted back office until the test ends.
func httptestServer(t *testing.T, f *fakeServer) string {
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// openScreen starts an agent whose back office offers the orders, with the cashier Иванова, and
// opens its screen in Chromium at the viewport's size.
func openScreen(t *testing.T, width, height int64, orders ...json.RawMessage) *screen {
	t.Helper()
	var pk []torg.Package
	for i, o := range orders {
		pk = append(pk, torg.Package{Seq: int64(i + 1), Kind: torg.PackageUpsert, Order: o})
	}
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: pk}}
	srv := httptestServer(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Start(ctx, Config{Server: srv, Token: "t", Listen: "127.0.0.1:0", DataDir: t.TempDir(), PollWait: time.Second, Cashier: "Иванова"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	eventually(t, "receiving the orders", func() bool { return len(orderIDs(t, a)) == len(orders) })
	s := &screen{t: t, a: a, f: f, ctx: browsertest.New(t)}
	s.do(chromedp.EmulateViewport(width, height), chromedp.Navigate(a.URL()+"/"))
	if len(orders) > 0 {
		s.do(chromedp.WaitVisible("#order-rows tr"))
	}
	return s
}

func (s *screen) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatal(err)
	}
}

// eval runs the script in the page and decodes its value.
func eval[T any](s *screen, script string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](script))
	if err != nil {
		s.t.Fatalf("%s: %v", script, err)
	}
	return v
}

func (s *screen) text(sel string) string {
	s.t.Helper()
	return eval[string](s, fmt.Sprintf(`document.querySelector(%q).textContent.trim()`, sel))
}

func (s *screen) visible(sel string) bool {
	s.t.Helper()
	return eval[bool](s, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.checkVisibility(); })()`, sel))
}

// screenshot keeps a picture of the page in TORG_ARTIFACTS, when it is set, for people to look at.
func (s *screen) screenshot(name string) {
	s.t.Helper()
	dir := os.Getenv("TORG_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// setLang switches the screen to the language with its own button.
func (s *screen) setLang(lang string) {
	s.t.Helper()
	eval[chromedp.Void](s, fmt.Sprintf(`if (document.documentElement.lang !== %q) document.getElementById("lang").click()`, lang))
}

// pickOrder selects the order's row and picks its receipt.
func (s *screen) pickOrder(id string) {
	s.t.Helper()
	s.do(browsertest.Click(`#order-rows tr[data-id="`+id+`"]`), chromedp.WaitVisible("#pick"), browsertest.Click("#pick"), chromedp.WaitVisible("#cash"))
}

// typeInto replaces the field's text as a cashier would, key by key.
func (s *screen) typeInto(sel, text string) {
	s.t.Helper()
	eval[chromedp.Void](s, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ""; e.focus(); e.dispatchEvent(new Event("input")); })()`, sel))
	if text != "" {
		s.do(chromedp.KeyEvent(text))
	}
}

func TestScreenParsesAndFormatsMoneyInBothLanguages(t *testing.T) {
	s := openScreen(t, 1280, 800)
	parse := []struct {
		lang, text string
		want       any // kopecks, or nil when the text is refused
	}{
		{"ru", "3 519,40", 351940.0}, {"ru", "3\u00a0519,40", 351940.0}, {"ru", "3\u202f519,40", 351940.0},
		{"ru", "3519,4", 351940.0}, {"ru", " 500 ", 50000.0}, {"ru", "500.50", 50050.0}, {"ru", "", 0.0},
		{"ru", "1 234 567,89", 123456789.0}, {"ru", "9 999 999 999 999,99", 999999999999999.0},
		{"ru", "1,234", nil}, {"ru", "3,519.40", nil}, {"ru", "1 23,00", nil}, {"ru", "1.234,56", nil},
		{"ru", "-5", nil}, {"ru", "1e3", nil}, {"ru", "0,001", nil}, {"ru", "10 000 000 000 000", nil}, {"ru", "12а", nil},
		{"en", "3,519.40", 351940.0}, {"en", "3519.4", 351940.0}, {"en", "3 519.40", 351940.0}, {"en", "3\u00a0519.40", 351940.0},
		{"en", "3\u202f519.40", 351940.0}, {"en", "1,234,567.89", 123456789.0}, {"en", "1,234", 123400.0}, {"en", "0.05", 5.0},
		{"en", "500,50", nil}, {"en", "1,23", nil}, {"en", "12,34.5", nil}, {"en", "3.519,40", nil}, {"en", "1,,234", nil},
		{"en", ",5", nil}, {"en", "1,234.", nil}, {"en", "1.2.3", nil}, {"en", "+5", nil}, {"en", "Infinity", nil},
	}
	format := []struct {
		lang    string
		kopecks int64
		want    string
	}{
		{"ru", 351940, "3\u00a0519,40"}, {"ru", 0, "0,00"}, {"ru", 5, "0,05"}, {"ru", 123456789, "1\u00a0234\u00a0567,89"}, {"ru", 43400, "434,00"},
		{"en", 351940, "3,519.40"}, {"en", 0, "0.00"}, {"en", 999999999999999, "9,999,999,999,999.99"}, {"en", -150, "−1.50"},
	}
	// Every amount, from a kopeck to the limit, reads back from its own text in both languages.
	lost := eval[[]string](s, `(() => {
		const lost = [], some = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 100000, 99999999, 999999999999999];
		for (let i = 0; i < 20000; i++) some.push(Math.floor(Math.random() * 10 ** (1 + i % 15)));
		for (const k of some) for (const lg of ["ru", "en"]) if (parseMoney(formatMoney(k, lg), lg) !== k) lost.push(lg + " " + k);
		return lost.slice(0, 10);
	})()`)
	if len(lost) > 0 {
		t.Errorf("amounts that do not read back from their own text: %v", lost)
	}
	for _, c := range parse {
		got := eval[any](s, fmt.Sprintf(`parseMoney(%q, %q)`, c.text, c.lang))
		if got != c.want {
			t.Errorf("in %s %q reads as %v, want %v", c.lang, c.text, got, c.want)
		}
	}
	for _, c := range format {
		if got := eval[string](s, fmt.Sprintf(`formatMoney(%d, %q)`, c.kopecks, c.lang)); got != c.want {
			t.Errorf("in %s %d kopecks show as %q, want %q", c.lang, c.kopecks, got, c.want)
		}
		for _, lang := range []string{"ru", "en"} {
			if back := eval[any](s, fmt.Sprintf(`parseMoney(formatMoney(%d, %[2]q), %[2]q)`, c.kopecks, lang)); c.kopecks >= 0 && back != float64(c.kopecks) {
				t.Errorf("in %s %d kopecks do not read back from their own text: %v", lang, c.kopecks, back)
			}
		}
	}
}

func TestScreenPaysAnOrderOverAThousandAllCash(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 351940), sale("b", "000102", "Сидоров", "", 351940))
	for _, c := range []struct{ lang, id, field, change, label string }{
		{"en", "a", "3,519.40", "0.00", "Change"},
		{"ru", "b", "3\u00a0519,40", "0,00", "Сдача"},
	} {
		s.setLang(c.lang)
		s.pickOrder(c.id)
		s.do(chromedp.KeyEvent(kb.F6))
		field := eval[string](s, `document.getElementById("cash").value`)
		if field != c.field || s.text("#change") != c.change || s.text("#change-label") != c.label {
			t.Errorf("%s: F6 wrote %q; %s %q", c.lang, field, s.text("#change-label"), s.text("#change"))
		}
		if eval[bool](s, `document.getElementById("close-receipt").disabled`) {
			t.Fatalf("%s: Close is disabled after F6 (%q)", c.lang, s.text("#pay-error"))
		}
		s.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#done-change"))
		if got := s.text("#done-change"); got != c.change {
			t.Errorf("%s: change after closing %q", c.lang, got)
		}
		s.do(browsertest.Click("#done button"), chromedp.WaitNotVisible("#done"))
	}
	if n, _ := s.a.pendingUploads(context.Background()); len(orderIDs(t, s.a)) != 0 || n > 2 {
		t.Fatalf("after two sales the register holds %v", orderIDs(t, s.a))
	}
}

func TestScreenClosesOnlyValidPaymentsThatCoverTheTotal(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 300000))
	s.pickOrder("a")
	for _, c := range []struct {
		cash, card string
		ok         bool
		change     string // the change or what is still due, as shown; "" not checked
		why        string // a word the visible reason holds
	}{
		{"5000", "", true, "2\u00a0000,00", ""},
		{"5000x", "", false, "—", "наличные"}, // typed on from a valid 5000
		{"2000", "", false, "1\u00a0000,00", ""},
		{"", "3480,60", false, "", "карт"},
		{"1000", "2000", true, "0,00", ""},
		{"500", "3000", true, "500,00", ""},
		{"", "3000", true, "0,00", ""},
		{"", "3 000,01", false, "", "карт"},
		{"1 000", "2 000", true, "0,00", ""},
		{"", "2000,5x", false, "—", "карта"},
	} {
		s.typeInto("#cash", c.cash)
		s.typeInto("#card", c.card)
		closable := !eval[bool](s, `document.getElementById("close-receipt").disabled`)
		change, why := s.text("#change"), ""
		if s.visible("#pay-error") {
			why = strings.ToLower(s.text("#pay-error"))
		}
		if closable != c.ok || (c.change != "" && change != c.change) {
			t.Errorf("cash %q, card %q: Close enabled %v (want %v), %s %q (want %q), reason %q", c.cash, c.card, closable, c.ok, s.text("#change-label"), change, c.change, why)
		}
		if !c.ok && c.why != "" && !strings.Contains(why, c.why) {
			t.Errorf("cash %q, card %q: the visible reason is %q, want one about %q", c.cash, c.card, why, c.why)
		}
		if c.ok && why != "" {
			t.Errorf("cash %q, card %q: a reason %q is shown for valid payments", c.cash, c.card, why)
		}
	}
}

func TestScreenClosesTheShiftOnlyAfterConfirmation(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 351940))
	s.do(chromedp.Poll[chromedp.Void](`document.getElementById("cashier").textContent === "Иванова"`), browsertest.Click("#zreport"), chromedp.WaitVisible("#message"))
	if got := s.text("#message"); !strings.Contains(got, "Смена не открыта") || s.visible("#confirm-z") {
		t.Errorf("with no shift open «Закрыть смену» says %q (confirmation open: %v)", got, s.visible("#confirm-z"))
	}
	s.pickOrder("a")
	s.typeInto("#card", "1519,40")
	s.typeInto("#cash", "2500")
	s.do(browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"), browsertest.Click("#done button"), chromedp.WaitNotVisible("#done"))
	shiftOpen := func() bool {
		st, err := s.a.status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.ShiftOpen
	}
	s.do(browsertest.Click("#zreport"), chromedp.WaitVisible("#confirm-z"))
	s.screenshot("cashier-confirm-shift.png")
	if !shiftOpen() {
		t.Fatal("one click on «Закрыть смену» closed the shift without confirmation")
	}
	s.do(chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#confirm-z"))
	if !shiftOpen() || s.visible("#z") {
		t.Fatal("Esc did not cancel closing the shift")
	}
	s.do(browsertest.Click("#zreport"), chromedp.WaitVisible("#confirm-z"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#z"))
	if shiftOpen() {
		t.Fatal("Enter did not close the shift")
	}
	s.screenshot("cashier-z-report.png")
	report := strings.Join(strings.Fields(strings.ReplaceAll(s.text("#z-body"), "\u00a0", " ")), " ")
	for _, want := range []string{"Чеков1", "Продажи3 519,40", "Наличными2 000,00", "Картой1 519,40", "Всего3 519,40"} {
		if !strings.Contains(strings.ReplaceAll(report, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the Z-report shows %q, want %q in it", report, want)
		}
	}
}

func TestScreenShowsTheOrderAndTheCashierInTheChosenLanguage(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "Самовывоз до 18:00", 351940))
	s.do(chromedp.WaitVisible("#d-comment"))
	eventually(t, "the status in the header", func() bool { return s.text("#server-text") == "Связь есть" })
	if got := s.text("#d-comment"); got != "Самовывоз до 18:00" {
		t.Errorf("the order's comment shows as %q", got)
	}
	if got := s.text("#cashier"); got != "Иванова" {
		t.Errorf("the cashier shows as %q", got)
	}
	s.setLang("en")
	// Read at once, before the screen's next poll of its agent could repaint anything.
	got := eval[map[string]string](s, `(() => {
		const page = document.body.cloneNode(true);
		// Names, the comment and units come from the back office as they are; the rest is the screen's.
		page.querySelectorAll("#d-customer, #d-comment, #cashier, #order-rows td:nth-child(2), #d-lines td:nth-child(2), #d-lines td:nth-child(3), #r-lines td:first-child, script").forEach((e) => e.remove());
		const attrs = [...document.querySelectorAll("[placeholder], [title], [aria-label]")].map((e) => [e.placeholder, e.title, e.getAttribute("aria-label")].join(" "));
		return {server: document.getElementById("server-text").textContent, cash: document.getElementById("cash").placeholder,
			text: page.textContent + " " + attrs.join(" ") + " " + document.title};
	})()`)
	if got["server"] != "Online" || got["cash"] != "0.00" {
		t.Errorf("after switching to English: status %q, cash placeholder %q", got["server"], got["cash"])
	}
	if ru := regexp.MustCompile(`[А-Яа-яЁё][А-Яа-яЁё ,.()-]*`).FindAllString(got["text"], -1); len(ru) > 0 {
		t.Errorf("Russian text left after switching to English: %q", ru)
	}
	if got := s.text("#d-comment"); got != "Самовывоз до 18:00" {
		t.Errorf("the comment after switching: %q", got)
	}
}

func TestScreenSendsJSONOnEveryChange(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 351940))
	eval[chromedp.Void](s, `window.sent = []; const plain = window.fetch;
		window.fetch = (url, init = {}) => { window.sent.push({url: String(url), method: init.method || "GET", type: new Headers(init.headers).get("Content-Type")}); return plain(url, init); }`)
	s.pickOrder("a")
	s.do(browsertest.Click("#cancel-receipt"), chromedp.WaitNotVisible("#receipt"))
	eventually(t, "the order free again", func() bool {
		os, _ := s.a.orders(context.Background())
		return len(os) == 1 && os[0].State == "available"
	})
	s.pickOrder("a")
	s.do(chromedp.KeyEvent(kb.F6), browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"))
	s.do(browsertest.Click("#done button"), chromedp.WaitNotVisible("#done"))
	s.do(browsertest.Click("#zreport"), chromedp.WaitVisible("#confirm-z"))
	s.do(browsertest.Click("#confirm-z button[value=yes]"), chromedp.WaitVisible("#z"))
	type req struct{ URL, Method, Type string }
	sent := eval[[]req](s, `window.sent`)
	changes := 0
	for _, r := range sent {
		if r.Method == "GET" {
			continue
		}
		changes++
		if r.Type != "application/json" {
			t.Errorf("%s %s went with Content-Type %q", r.Method, r.URL, r.Type)
		}
	}
	if changes < 5 {
		t.Errorf("the screen sent %d changes, want pick, cancel, pick, close and the shift's close: %v", changes, sent)
	}
}

func TestScreenExplainsARefusedPickInItsLanguage(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 351940), sale("b", "000102", "Сидоров", "", 10000))
	for _, c := range []struct{ lang, slug, id, want string }{
		{"ru", "claimed", "a", "Заказ 000101 сейчас продают на другой кассе"},
		{"en", "claimed", "a", "Order 000101 is being sold at another register"},
		{"en", "sold", "a", "Order 000101 is already sold"},
		{"ru", "sold", "b", "Заказ 000102 уже продан"},
	} {
		s.f.mu.Lock()
		s.f.claimFail = c.slug
		s.f.mu.Unlock()
		s.setLang(c.lang)
		s.do(browsertest.Click(`#order-rows tr[data-id="`+c.id+`"]`), chromedp.WaitVisible("#pick"), browsertest.Click("#pick"), chromedp.WaitVisible("#message"))
		if got := s.text("#message"); !strings.Contains(got, c.want) {
			t.Errorf("%s, %s: the screen says %q, want %q", c.lang, c.slug, got, c.want)
		}
		if c.slug == "sold" {
			s.do(chromedp.Poll[chromedp.Void](`!document.querySelector('#order-rows tr[data-id="` + c.id + `"]')`))
			if got := s.text("#message"); !strings.Contains(got, c.want) {
				t.Errorf("%s: once the sold order left the list the screen says %q, want still %q", c.lang, got, c.want)
			}
		}
		eval[chromedp.Void](s, `document.getElementById("message").hidden = true`)
	}
}
