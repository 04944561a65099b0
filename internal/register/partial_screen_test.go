package register

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"torg"
	"torg/internal/browsertest"
)

// twoLines is an order package of 3 kettles at 150.00 less 10.00 and 1 cup at 5.00.
func twoLines() json.RawMessage {
	b, _ := json.Marshal(torg.OrderSnapshot{ID: "p", Number: "000201", Version: 1, Total: 44500,
		Customer: torg.CustomerRef{ID: "c", Code: "C", Name: "Петров"},
		Lines: []torg.SnapshotLine{
			{LineNo: 1, ProductID: "kettle", ProductCode: "KETTLE", Name: "Чайник", Unit: "шт", Quantity: 3000, Price: 15000, Discount: 1000, Amount: 44000, VATRate: "22"},
			{LineNo: 2, ProductID: "cup", ProductCode: "CUP", Name: "Чашка", Unit: "шт", Quantity: 1000, Price: 500, Amount: 500, VATRate: "22"},
		}})
	return b
}

// TestScreenSellsPartOfAnOrder: on the open receipt the cashier lowers a quantity («Изменить
// количество») and removes a line («Удалить строку»); the total, the discount and the payment follow,
// and the closed receipt carries what was sold.
func TestScreenSellsPartOfAnOrder(t *testing.T) {
	s := openScreen(t, 1280, 800, twoLines())
	s.pickOrder("p")
	s.typeInto(`#r-lines tr[data-line="1"] .qty-in`, "1")
	s.do(chromedp.KeyEvent(kb.Enter))
	s.do(chromedp.Poll[chromedp.Void](`document.getElementById("r-total").textContent.startsWith("151")`))
	if got := s.text("#r-total"); got != "151,67" {
		t.Errorf("after lowering the kettles to 1 the total reads %q, want 151,67 (150.00 less 3.33, and the cup)", got)
	}
	if !s.visible("#receipt") {
		t.Fatal("Enter in the quantity closed the receipt")
	}
	s.do(browsertest.Click(`#r-lines tr[data-line="2"] .remove-line`))
	s.do(chromedp.Poll[chromedp.Void](`!document.querySelector('#r-lines tr[data-line="2"]')`))
	if got := s.text("#r-total"); got != "146,67" {
		t.Errorf("after removing the cup the total reads %q, want 146,67", got)
	}
	s.typeInto(`#r-lines tr[data-line="1"] .qty-in`, "5")
	s.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#pay-error"))
	if got := s.text("#pay-error"); got == "" {
		t.Error("raising a quantity above the order says nothing")
	}
	s.do(chromedp.KeyEvent(kb.F6), browsertest.Click("#close-receipt"), chromedp.WaitVisible("#done-change"))
	var body string
	if err := s.a.local.db.QueryRow("SELECT body FROM outbox").Scan(&body); err != nil {
		t.Fatal(err)
	}
	var tr torg.TransactionInput
	json.Unmarshal([]byte(body), &tr)
	if len(tr.Lines) != 1 || tr.Lines[0].Quantity != 1000 || tr.Lines[0].Discount != 333 || tr.Total != 14667 {
		t.Errorf("the closed receipt carries %+v, total %d", tr.Lines, tr.Total)
	}
	s.screenshot("cashier-partial.png")
}
