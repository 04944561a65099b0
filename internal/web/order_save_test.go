package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// section is the part of the page from the first match of start to the end marker after it.
func section(t testing.TB, r result, start, end string) string {
	t.Helper()
	i := strings.Index(r.body, start)
	if i < 0 {
		t.Fatalf("the page %s has no %q:\n%s", r.url, start, r.body)
	}
	rest := r.body[i:]
	if j := strings.Index(rest, end); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// goodsRows are the rows of the goods table, as HTML.
func goodsRows(t testing.TB, r result) []string {
	t.Helper()
	table := section(t, r, `<table class="grid lines" id="lines">`, "</tbody>")
	return regexp.MustCompile(`<tr class="line"`).Split(table, -1)[1:]
}

// orderForm is a new order's form of the shop with the lines given as product, quantity, price, discount.
func orderForm(sh *shop, lines ...[4]string) url.Values {
	v := url.Values{"customer_id": {sh.retail}, "warehouse_id": {sh.wh}, "status": {"new"}, "action": {"save"}}
	for _, l := range lines {
		v.Add("line_product_id", "")
		v.Add("line_product", l[0])
		v.Add("line_qty", l[1])
		v.Add("line_price", l[2])
		v.Add("line_discount", l[3])
	}
	return v
}

func TestAFailedSaveShowsEveryErrorAtOnce(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	form := c.get("/orders/new", 200)
	r := c.post("/orders/new", form, orderForm(sh,
		[4]string{"MILK", "два", "", ""},  // a quantity that is not a number
		[4]string{"SOAP", "1", "", "100"}, // a discount above the line's 89,90
		[4]string{"MILK", "2", "", ""},    // a valid line
	))
	if r.status != 422 {
		t.Fatalf("status %d", r.status)
	}
	rows := goodsRows(t, r)
	if len(rows) < 3 {
		t.Fatalf("the goods table has %d rows", len(rows))
	}
	if !strings.Contains(rows[0], `<div class="ferr">должно быть числом`) {
		t.Errorf("the first line does not name its quantity:\n%s", rows[0])
	}
	if !strings.Contains(rows[1], `<div class="ferr">не может быть больше суммы строки</div>`) {
		t.Errorf("the second line's discount is not named in the same round as the first line's quantity:\n%s", rows[1])
	}
	for _, want := range []string{">шт<", "300,00", "27,27"} {
		if !strings.Contains(rows[2], want) {
			t.Errorf("the valid line lost %q after the failed save:\n%s", want, rows[2])
		}
	}
	r.contains(t, `id="order-total">300,00<`)
	banner := section(t, r, `id="form-errors"`, "</div>")
	for _, want := range []string{"Строка 1", "Количество", "должно быть числом", "Строка 2", "Скидка", "не может быть больше суммы строки"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q: %s", want, banner)
		}
	}
}

func TestANewOrdersRegisterTab(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	form := c.get("/orders/new", 200)
	picker := section(t, form, `id="register-picker"`, "</select>")
	for _, code := range []string{"R1", "R2", "R3"} {
		if !strings.Contains(picker, `value="`+sh.reg[code]+`"`) {
			t.Errorf("Add does not offer %s before the first save:\n%s", code, picker)
		}
	}
	if strings.Contains(picker, sh.reg["R4"]) {
		t.Error("Add offers R4, which does not work with orders")
	}

	t.Run("Add on an unsaved order saves it with the register", func(t *testing.T) {
		v := orderForm(sh, [4]string{"MILK", "1", "", ""})
		v.Set("action", "add")
		v.Set("register_id", sh.reg["R3"])
		r := c.post("/orders/new", form, v)
		r.contains(t, `data-register="`+sh.reg["R3"]+`"`, "ККМ добавлена.")
	})
	t.Run("Fill says how many registers it added", func(t *testing.T) {
		v := orderForm(sh, [4]string{"MILK", "1", "", ""})
		v.Set("action", "fill")
		r := c.post("/orders/new", form, v)
		r.contains(t, `data-register="`+sh.reg["R1"]+`"`, `data-register="`+sh.reg["R2"]+`"`, "Добавлено ККМ: 2.")
		again := url.Values{"customer_id": {sh.retail}, "status": {"new"}, "action": {"fill"}, "version": {"1"},
			"line_product_id": {sh.milk}, "line_product": {"MILK"}, "line_qty": {"1"}, "line_price": {""}, "line_discount": {""}}
		path := strings.TrimPrefix(strings.SplitN(r.url, "?", 2)[0], e.url)
		r = c.post(path, r, again)
		r.contains(t, "«Заполнить» не добавила ККМ")
		if strings.Contains(r.body, "Список ККМ заполнен") {
			t.Error("a Fill that added nothing says the list is filled")
		}
	})
}

func TestPostingBeyondStockWarnsAndPosts(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sh := newShop(t, e)
			c := e.login("manager")
			found := c.get("/products/find?q=MILK&warehouse="+sh.wh, 200)
			if !strings.Contains(found.body, `"available":"40"`) {
				t.Errorf("the product picker does not show the 40 MILK in stock: %s", found.body)
			}
			form := c.get("/orders/new", 200)
			v := orderForm(sh, [4]string{"MILK", "50", "", ""}, [4]string{"SOAP", "2", "", ""})
			v.Set("status", "agreed")
			v.Set("action", "post")
			r := c.post("/orders/new", form, v)
			if r.status != 200 {
				t.Fatalf("posting beyond stock answered %d", r.status)
			}
			r.contains(t, "Проведено.", `id="posted-badge">Проведён`, `id="stock-warning"`)
			warning := section(t, r, `id="stock-warning"`, "</div>")
			for _, want := range []string{"MILK", "50", "40"} {
				if !strings.Contains(warning, want) {
					t.Errorf("the warning lacks %q: %s", want, warning)
				}
			}
			if strings.Contains(warning, "SOAP") {
				t.Errorf("the warning names SOAP, which is in stock: %s", warning)
			}
			rows := goodsRows(t, r)
			if !strings.Contains(rows[0], `class="avail short"`) || !strings.Contains(rows[0], "40") {
				t.Errorf("the goods tab does not show MILK's 40 available, marked short:\n%s", rows[0])
			}
			if !strings.Contains(rows[1], `class="avail"`) || !strings.Contains(rows[1], "25") {
				t.Errorf("the goods tab does not show SOAP's 25 available:\n%s", rows[1])
			}
			if stock := e.api("GET", "/api/v1/reports/stock?product_id="+sh.milk, ""); !strings.Contains(stock, `"available":-10`) {
				t.Errorf("the stock report after posting: %s", stock)
			}
		})
	}
}
