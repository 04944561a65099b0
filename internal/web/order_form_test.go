package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
