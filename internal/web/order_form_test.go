package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"torg"
)

// value reads the value of the first input the selector finds.
func value(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read the value of %s: %v", sel, err)
	}
	return v
}

// openNewOrder logs in as the manager and opens a new order for the shop's warehouse.
func openNewOrder(t testing.TB, ctx context.Context, e *env, sh *shop) {
	t.Helper()
	loginAs(t, ctx, e, "manager")
	run(t, ctx, "open a new order",
		chromedp.Click(chromedp.CSS("#new-order")),
		chromedp.WaitVisible(chromedp.CSS("#order-form")),
		chromedp.SetValue(chromedp.CSS("#warehouse"), sh.wh),
	)
}

func TestChoosingASuggestionFillsPriceAndAmounts(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	ctx := browser(t)
	openNewOrder(t, ctx, e, sh)
	run(t, ctx, "choose MILK from the suggestions",
		chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .product-input"), "MILK"),
		chromedp.WaitVisible(chromedp.CSS(".suggest button")),
		chromedp.Click(chromedp.CSS(".suggest button")),
	)
	row := "#lines tbody tr:nth-child(1) "
	if got := value(t, ctx, row+"input.price"); got != "150,00" {
		t.Errorf("the price field holds %q, want the product's price 150,00", got)
	}
	if got := value(t, ctx, row+".qty"); got != "1" {
		t.Errorf("the quantity holds %q, want 1", got)
	}
	for sel, want := range map[string]string{row + ".amount": "150,00", row + ".vat": "13,64", "#order-total": "150,00", "#order-vat": "13,64"} {
		if got := text(t, ctx, sel); !strings.HasSuffix(got, want) {
			t.Errorf("%s reads %q, want %s before saving", sel, got, want)
		}
	}
}

// suggestions counts the open suggestion lists.
func suggestions(t testing.TB, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".suggest").length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGoodsTableByKeyboard(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	ctx := browser(t)
	openNewOrder(t, ctx, e, sh)
	row := func(n string) string { return "#lines tbody tr:nth-child(" + n + ") " }

	t.Run("Tab leaves the product for the quantity, and the list closes", func(t *testing.T) {
		run(t, ctx, "type a code, Tab, type a quantity",
			chromedp.SendKeys(chromedp.CSS(row("1")+".product-input"), "MILK"),
			chromedp.WaitVisible(chromedp.CSS(".suggest")),
			chromedp.KeyEvent(kb.Tab),
			chromedp.KeyEvent("3"),
		)
		if got := value(t, ctx, row("1")+"input.qty"); got != "3" {
			t.Errorf("the quantity holds %q after Tab and 3", got)
		}
		if got := value(t, ctx, row("1")+"input.price"); got != "150,00" {
			t.Errorf("Tab after the whole code MILK left the price %q", got)
		}
		if n := suggestions(t, ctx); n != 0 {
			t.Errorf("%d suggestion lists stay open after focus left", n)
		}
	})
	t.Run("arrows choose, Enter takes and moves to the quantity", func(t *testing.T) {
		run(t, ctx, "search, two arrows down, Enter, type a quantity",
			chromedp.Click(chromedp.CSS("#add-line")),
			chromedp.SendKeys(chromedp.CSS(row("2")+".product-input"), "о"),
			chromedp.WaitVisible(chromedp.CSS(".suggest")),
			chromedp.KeyEvent(kb.ArrowDown),
			chromedp.KeyEvent(kb.ArrowDown),
			chromedp.KeyEvent(kb.Enter),
			chromedp.KeyEvent("2"),
		)
		if got := value(t, ctx, row("2")+".product-id"); got != sh.soap {
			t.Errorf("the second suggestion chose %q, want SOAP %q", got, sh.soap)
		}
		if got := value(t, ctx, row("2")+"input.qty"); got != "2" {
			t.Errorf("the quantity holds %q", got)
		}
	})
	t.Run("Esc closes the list", func(t *testing.T) {
		run(t, ctx, "search, Esc",
			chromedp.SendKeys(chromedp.CSS(row("3")+".product-input"), "SOAP"),
			chromedp.WaitVisible(chromedp.CSS(".suggest")),
			chromedp.KeyEvent(kb.Escape),
		)
		if n := suggestions(t, ctx); n != 0 {
			t.Errorf("%d suggestion lists stay open after Esc", n)
		}
	})
	t.Run("the list closes when focus leaves by a click", func(t *testing.T) {
		run(t, ctx, "search, then click the comment",
			chromedp.SendKeys(chromedp.CSS(row("3")+".product-input"), kb.Backspace),
			chromedp.WaitVisible(chromedp.CSS(".suggest")),
			chromedp.Click(chromedp.CSS(`input[name="comment"]`)),
		)
		if n := suggestions(t, ctx); n != 0 {
			t.Errorf("%d suggestion lists stay open after focus left", n)
		}
	})
}

// retype empties the input and types the text into it, as a person does.
func retype(sel, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(ctx,
			chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Evaluate[bool](`(document.querySelector(`+strconv.Quote(sel)+`).value = "") === ""`)(ctx, tg)
				return chromedp.Void{}, err
			}),
			chromedp.SendKeys(chromedp.CSS(sel), text))
	}
}

// rub writes kopecks as the Russian page does: grouped roubles, a comma and kopecks.
func rub(m torg.Money) string {
	s := m.String()
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "\u00a0" + whole[i:]
	}
	if m < 0 {
		whole = "-" + whole
	}
	return whole + "," + frac
}

func TestLivePreviewOfLargeNumbersIsExact(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	ctx := browser(t)
	openNewOrder(t, ctx, e, sh)
	row := "#lines tbody tr:nth-child(1) "
	run(t, ctx, "choose MILK",
		chromedp.SendKeys(chromedp.CSS(row+".product-input"), "MILK"),
		chromedp.WaitVisible(chromedp.CSS(".suggest button")),
		chromedp.Click(chromedp.CSS(".suggest button")),
	)
	// 999 999,999 × 1 000 005,01: the product's last digits are …499 thousandths of a kopeck, which a
	// binary float rounds up to …500.
	qty, price := torg.Quantity(999_999_999), torg.Money(100_000_501)
	amount, ok := torg.LineAmount(qty, price, 0)
	if !ok {
		t.Fatal("the test's line is beyond the limits")
	}
	run(t, ctx, "type a large quantity and price",
		retype(row+"input.qty", "999999,999"),
		retype(row+"input.price", "1 000 005,01"),
	)
	for sel, want := range map[string]string{row + ".amount": rub(amount), "#order-total": rub(amount),
		row + ".vat": rub(torg.VATRate("10").VATAmount(amount)), "#order-vat": rub(torg.VATRate("10").VATAmount(amount))} {
		if got := text(t, ctx, sel); !strings.HasSuffix(got, want) {
			t.Errorf("%s reads %q, want %q", sel, got, want)
		}
	}
	run(t, ctx, "type a line beyond the limits: 1 000 000 × 999 999 999 999,99",
		retype(row+"input.qty", "1000000"),
		retype(row+"input.price", "999999999999,99"),
	)
	for _, sel := range []string{row + ".amount", row + ".vat", "#order-total", "#order-vat"} {
		if got := text(t, ctx, sel); got != "—" {
			t.Errorf("%s reads %q beyond the limits, want —", sel, got)
		}
	}
}

func TestThePickerAndTheGoodsTabShowAvailableStock(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	ctx := browser(t)
	openNewOrder(t, ctx, e, sh)
	row := "#lines tbody tr:nth-child(1) "
	run(t, ctx, "search MILK",
		chromedp.SendKeys(chromedp.CSS(row+".product-input"), "MILK"),
		chromedp.WaitVisible(chromedp.CSS(".suggest button")),
	)
	if got := text(t, ctx, ".suggest button"); !strings.Contains(got, "доступно 40") {
		t.Errorf("the suggestion reads %q, without the 40 in stock", got)
	}
	run(t, ctx, "choose it and ask for 50",
		chromedp.Click(chromedp.CSS(".suggest button")),
		retype(row+"input.qty", "50"),
	)
	if got := text(t, ctx, row+".avail"); got != "доступно 40" {
		t.Errorf("the line shows %q under the quantity", got)
	}
	short, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#lines tbody tr:nth-child(1) .avail").classList.contains("short")`))
	if err != nil || !short {
		t.Errorf("50 of 40 available is not marked short (%v)", err)
	}
}

func TestSuggestionsAreNotClippedByTheTable(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	ctx := browser(t)
	openNewOrder(t, ctx, e, sh)
	run(t, ctx, "search in the only line",
		chromedp.SendKeys(chromedp.CSS("#lines tbody tr:nth-child(1) .product-input"), "о"),
		chromedp.WaitVisible(chromedp.CSS(".suggest button:nth-child(2)")),
	)
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const b = document.querySelector(".suggest button:nth-child(2)"), r = b.getBoundingClientRect();
		return b.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
	})()`))
	if err != nil || !seen {
		t.Errorf("the second suggestion is hidden under the table's edge (%v)", err)
	}
}
