package register

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"torg"
	"torg/internal/browsertest"
)

// TestScreenShowsAnOrderTakenElsewhere: when another register picks an order, this screen shows it
// as taken by that register, does not offer «Подобрать чек», and offers it again once released.
func TestScreenShowsAnOrderTakenElsewhere(t *testing.T) {
	s := openScreen(t, 1280, 800, sale("a", "000101", "Петров", "", 351940), sale("b", "000102", "Сидоров", "", 10000))
	until := time.Now().Add(10 * time.Minute)
	s.f.mu.Lock()
	s.f.pages[2] = []torg.Package{{Seq: 3, Kind: torg.PackageClaimed, OrderID: "a", RegisterID: "k1", RegisterName: "К1", ExpiresAt: &until}}
	s.f.mu.Unlock()
	row := `#order-rows tr[data-id="a"]`
	s.do(chromedp.Poll[chromedp.Void](`document.querySelector('` + row + ` .badge.taken') !== null`))
	if got := s.text(row + " .badge"); got != "Подобран на К1" {
		t.Errorf("the badge reads %q, want «Подобран на К1»", got)
	}
	s.do(browsertest.Click(row), chromedp.WaitVisible("#d-taken"))
	if s.visible("#pick") {
		t.Error("«Подобрать чек» is offered for an order taken elsewhere")
	}
	if got := s.text("#d-taken"); !strings.Contains(got, "К1") {
		t.Errorf("the note reads %q", got)
	}
	s.setLang("en")
	if got := s.text(row + " .badge"); got != "Taken at К1" {
		t.Errorf("in English the badge reads %q", got)
	}
	s.screenshot("cashier-taken")

	s.f.mu.Lock()
	s.f.pages[3] = []torg.Package{{Seq: 4, Kind: torg.PackageReleased, OrderID: "a"}}
	s.f.mu.Unlock()
	s.do(chromedp.Poll[chromedp.Void](`document.querySelector('`+row+` .badge.available') !== null`), chromedp.WaitVisible("#pick"))
	if s.visible("#d-taken") {
		t.Error("the released order still says it is taken")
	}
}
