package register

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"torg"
	"torg/internal/browsertest"
)

// withPhone is the order package with the customer's phone.
func withPhone(order json.RawMessage, phone string) json.RawMessage {
	var o torg.OrderSnapshot
	json.Unmarshal(order, &o)
	o.Customer.Phone = phone
	b, _ := json.Marshal(o)
	return b
}

// TestScreenFindsAnOrderByNumberNameOrPhoneAndByScan: the search narrows the list by number,
// customer or phone digits; a barcode scanner typing an order's number and Enter anywhere on the
// screen selects that order, and Enter then picks it.
func TestScreenFindsAnOrderByNumberNameOrPhoneAndByScan(t *testing.T) {
	s := openScreen(t, 1280, 800, withPhone(sale("a", "000101", "Петров Иван", "", 10000), "+7 916 555-01-02"),
		withPhone(sale("b", "000102", "ООО «Ромашка»", "", 20000), "+7 495 123-45-67"), sale("c", "000113", "Сидоров", "", 30000))
	shown := func() []string {
		return eval[[]string](s, `[...document.querySelectorAll("#order-rows tr")].map((tr) => tr.dataset.id)`)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"ромаш", []string{"b"}},
		{"5550102", []string{"a"}},
		{"495 123", []string{"b"}},
		{"10", []string{"a", "b"}},
		{"нет такого", nil},
	} {
		s.typeInto("#search", c.query)
		if got := shown(); !equalIDs(got, c.want) {
			t.Errorf("searching %q shows %v, want %v", c.query, got, c.want)
		}
	}
	if !s.visible("#no-match") {
		t.Error("an empty search result says nothing")
	}
	s.typeInto("#search", "")
	eval[chromedp.Void](s, `document.getElementById("search").blur()`) // the cashier left the field

	// A scanner types the number of order 000113 and Enter while the search field has no focus.
	s.do(chromedp.KeyEvent("000113"), chromedp.KeyEvent(kb.Enter))
	s.do(chromedp.WaitVisible("#detail"))
	if got := s.text("#d-number"); got != "000113" {
		t.Fatalf("the scan selected %q, want 000113", got)
	}
	s.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#cash"))
	if got := s.text("#r-number"); got != "000113" {
		t.Errorf("Enter after the scan picked %q", got)
	}
	eval[chromedp.Void](s, `document.getElementById("receipt").close()`)

	s.typeInto("#search", "")
	s.do(browsertest.Click(`#order-rows tr[data-id="a"]`))
	if got := s.text("#d-customer"); got != "Петров Иван · +7 916 555-01-02" {
		t.Errorf("the customer reads %q, want the name and the phone", got)
	}
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
