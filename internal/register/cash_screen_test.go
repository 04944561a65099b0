package register

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"torg/internal/browsertest"
)

// TestScreenReturnsPartOfASaleAndMovesCash: «Возврат» finds a sale by its receipt number, the cashier
// returns one kettle of three, sees what it refunds and pays it back in cash; «Выемка» of more than
// the drawer holds is refused with the reason, one within it goes through, and «Внесение» too; the
// X-report shows returns, cash in and cash out apart with the cash in the drawer.
func TestScreenReturnsPartOfASaleAndMovesCash(t *testing.T) {
	s := openScreen(t, 1280, 800, twoLines())
	s.pickOrder("p")
	s.do(browsertest.Click("#all-cash"), browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"))
	s.do(browsertest.Click("#done button"), chromedp.WaitNotVisible("#done"))

	s.do(browsertest.Click("#return"), chromedp.WaitVisible("#rf-query"))
	s.typeInto("#rf-query", "1")
	s.do(browsertest.Click("#rf-find"), chromedp.WaitVisible(`#rf-lines tr[data-line="1"] input`))
	if name := s.text(`#rf-lines tr[data-line="1"] td:nth-child(2)`); name != "Чайник" {
		t.Errorf("the sale's first line reads %q", name)
	}
	s.typeInto(`#rf-lines tr[data-line="1"] input`, "1")
	eval[chromedp.Void](s, `document.querySelector('#rf-lines tr[data-line="1"] input').dispatchEvent(new Event("change"))`)
	s.do(chromedp.Poll[chromedp.Void](`document.getElementById("rf-total").textContent !== "—" || !document.getElementById("rf-error").hidden`))
	if s.visible("#rf-error") {
		t.Fatalf("the return's preview says %q", s.text("#rf-error"))
	}
	if got := s.text("#rf-total"); got != "146,67" {
		t.Errorf("returning one kettle of three refunds %q, want 146,67 (150.00 less a third of 10.00)", got)
	}
	s.do(browsertest.Click("#rf-all-cash"), chromedp.Poll[chromedp.Void](`!document.getElementById("rf-submit").disabled`),
		browsertest.Click("#rf-submit"), chromedp.WaitNotVisible("#refund"))
	var kind string
	var cash int64
	if err := s.a.local.db.QueryRow("SELECT kind, cash FROM outbox WHERE kind = 'return'").Scan(&kind, &cash); err != nil || cash != 14667 {
		t.Fatalf("the return in the outbox: %q %d, %v", kind, cash, err)
	}

	s.do(browsertest.Click("#cash-out"), chromedp.WaitVisible("#cm-amount"))
	s.do(chromedp.Poll[chromedp.Void](`document.getElementById("cm-drawer").textContent.includes("298,33")`))
	s.typeInto("#cm-amount", "300")
	s.do(browsertest.Click("#cm-submit"), chromedp.WaitVisible("#cm-error"))
	if msg := s.text("#cm-error"); !strings.Contains(msg, "298,33") {
		t.Errorf("a cash out above the drawer says %q", msg)
	}
	s.typeInto("#cm-amount", "200")
	s.typeInto("#cm-counterpart", "Банк")
	s.do(browsertest.Click("#cm-submit"), chromedp.WaitNotVisible("#cashmove"))
	s.do(browsertest.Click("#cash-in"), chromedp.WaitVisible("#cm-amount"))
	s.typeInto("#cm-amount", "1 000")
	s.do(browsertest.Click("#cm-submit"), chromedp.WaitNotVisible("#cashmove"))
	var n int
	s.a.local.db.QueryRow("SELECT COUNT(*) FROM outbox WHERE kind IN ('cash_in', 'cash_out')").Scan(&n)
	if n != 2 {
		t.Fatalf("the outbox holds %d cash moves, want 2", n)
	}

	s.do(browsertest.Click("#xreport"), chromedp.WaitVisible("#z-body"))
	body := s.text("#z-body")
	for _, want := range []string{"Возвраты", "1 · 146,67", "Внесения", "1 · 1 000,00", "Выемки", "1 · 200,00", "Наличных в ящике", "1 098,33"} {
		if !strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), want) {
			t.Errorf("the X-report reads %q, want %q in it", body, want)
		}
	}
	s.screenshot("cashier-cash-moves.png")
}
