package web_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// link finds the first href on the page that starts with prefix.
func link(t testing.TB, r result, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(prefix) + `[^"?]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no link to %s on %s", prefix, r.url)
	}
	return m[1]
}

func TestOperationsPages(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sh := newShop(t, e)
			c := e.login("admin")
			sold := sh.order("")
			sh.fetchAndAck("R2")
			sh.sell("R2", sold, `[{"type":"cash","amount":40000},{"type":"card","amount":3400}]`)
			sh.upload("R3", sh.order(""), `[{"type":"cash","amount":43400}]`)
			jobPage := c.get("/kkm-transfer", 200)
			c.post("/kkm-transfer/run", jobPage, url.Values{}).contains(t, `id="job-result"`, `id="res-processed">1<`)

			t.Run("a conflict is highlighted and resolving it without a comment names the field", func(t *testing.T) {
				list := c.get("/transactions?state=conflict", 200)
				list.contains(t, `class="row-conflict"`, "заказ не предлагался этой ККМ")
				tx := c.get(link(t, list, "/transactions/"), 200)
				tx.contains(t, `id="resolve-form"`)
				bad := c.post(link(t, list, "/transactions/")+"/resolve", tx, url.Values{"action": {"ignore"}})
				if bad.status != 422 {
					t.Fatalf("status %d", bad.status)
				}
				bad.contains(t, `<div class="ferr">укажите, почему транзакция пропускается</div>`)
				ok := c.post(link(t, list, "/transactions/")+"/resolve", tx, url.Values{"action": {"ignore"}, "comment": {"test receipt"}})
				ok.contains(t, "Решение записано", "Пропущена")
			})
			t.Run("an unposted cash receipt order is posted into a chosen cash desk", func(t *testing.T) {
				list := c.get("/cash-receipts?posted=false", 200)
				receipt := c.get(link(t, list, "/cash-receipts/"), 200)
				receipt.contains(t, `id="post-receipt"`, "400,00")
				none := c.post(link(t, list, "/cash-receipts/")+"/post", receipt, url.Values{"cash_desk_id": {""}})
				none.contains(t, `<div class="ferr">выберите кассу</div>`)
				posted := c.post(link(t, list, "/cash-receipts/")+"/post", receipt, url.Values{"cash_desk_id": {sh.desk}})
				posted.contains(t, "Проведено.", "Касса торгового зала")
				c.get("/reports/cash", 200).contains(t, "CASH1", "400,00")
				c.get("/reports/settlements", 200).contains(t, "retail")
			})
			t.Run("documents list and open", func(t *testing.T) {
				inv := c.get("/sales-invoices", 200)
				c.get(link(t, inv, "/sales-invoices/"), 200).contains(t, "Расходная накладная", "Молоко")
				cards := c.get("/card-payments", 200)
				c.get(link(t, cards, "/card-payments/"), 200).contains(t, "Оплата картой", "34,00")
				c.get("/reports/stock", 200).contains(t, "MILK", "Мыло")
			})
		})
	}
}

func TestAdministration(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("admin")
	t.Run("a register token is issued once, and the old one stops working", func(t *testing.T) {
		reg := c.get("/registers/"+sh.reg["R1"], 200)
		reg.contains(t, `id="token-form"`)
		page := c.post("/registers/"+sh.reg["R1"]+"/token", reg, url.Values{})
		page.contains(t, `id="secret-value"`, "torg register --server")
		if status, _ := sh.register("R1", "GET", "/api/v1/register/me", ""); status != 401 {
			t.Fatalf("the old token answers %d", status)
		}
	})
	t.Run("an API token is made and revoked", func(t *testing.T) {
		tokens := c.get("/tokens", 200)
		bad := c.post("/tokens", tokens, url.Values{"name": {""}, "role": {"integration"}})
		if bad.status != 422 || !strings.Contains(bad.body, `class="ferr"`) {
			t.Fatalf("an empty name: %d", bad.status)
		}
		made := c.post("/tokens", tokens, url.Values{"name": {"web shop"}, "role": {"integration"}})
		made.contains(t, `id="secret-value">torg_`)
		list := c.get("/tokens", 200)
		id := regexp.MustCompile(`/tokens/([^/]+)/revoke`).FindStringSubmatch(list.body)[1]
		c.post("/tokens/"+id+"/revoke", list, url.Values{}).contains(t, "Токен отозван")
	})
	t.Run("a user is added; a short password is refused beside the field", func(t *testing.T) {
		users := c.get("/users", 200)
		bad := c.post("/users", users, url.Values{"name": {"olga"}, "role": {"manager"}, "password": {"short"}})
		bad.contains(t, `<div class="ferr">от 8 до 72 байт</div>`)
		c.post("/users", users, url.Values{"name": {"olga"}, "role": {"manager"}, "password": {password}}).contains(t, "olga")
		e.login("olga")
	})
	t.Run("catalog forms create, edit and name bad fields", func(t *testing.T) {
		form := c.get("/products/new", 200)
		bad := c.post("/products/new", form, url.Values{"code": {"MILK"}, "name": {""}, "unit": {"шт"}, "vat_rate": {"22"}, "price": {"1,234"}})
		if bad.status != 422 {
			t.Fatalf("status %d", bad.status)
		}
		bad.contains(t, "обязательно", "не больше 2 знаков")
		ok := c.post("/products/new", form, url.Values{"code": {"BREAD"}, "name": {"Хлеб"}, "unit": {"шт"}, "vat_rate": {"10"}, "price": {"45,50"}, "barcodes": {"4600000000028"}})
		ok.contains(t, "Записано.", `value="45,50"`)
		dup := c.post("/products/new", form, url.Values{"code": {"BREAD"}, "name": {"Хлеб"}, "unit": {"шт"}, "vat_rate": {"10"}, "price": {"1"}})
		dup.contains(t, "уже занято")
		reg := c.get("/registers/new", 200)
		flags := c.post("/registers/new", reg, url.Values{"code": {"R9"}, "name": {"Касса 9"}, "warehouse_id": {sh.wh}, "auto_load_orders": {"on"}})
		flags.contains(t, "требует «Работа с заказами покупателей»")
		c.get("/registers", 200).contains(t, "Касса R1", "✓")
	})
	t.Run("a form without the CSRF token is refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", e.url+"/users", strings.NewReader("name=x&role=admin&password=12345678"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := c.do(req); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("English is chosen by Accept-Language and by the switch", func(t *testing.T) {
		sh.order("")
		req, _ := http.NewRequest("GET", e.url+"/orders", nil)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9,ru;q=0.5")
		r := c.do(req)
		r.contains(t, "Customer orders", "434.00", "Agreed")
		c.get("/lang/en?next=/reports/stock", 200).contains(t, "On hand")
		c.get("/lang/ru?next=/orders", 200).contains(t, "Согласован")
	})
	t.Run("logging out ends the session", func(t *testing.T) {
		page := c.get("/orders", 200)
		r := c.post("/logout", page, url.Values{})
		if !strings.Contains(r.url, "/login") {
			t.Fatalf("landed on %s", r.url)
		}
		if r := c.get("/orders", 200); !strings.Contains(r.url, "/login") {
			t.Fatalf("still logged in: %s", r.url)
		}
	})
}

func TestLiveStreamSendsTheOrdersRegisters(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	c := e.login("manager")
	id := sh.order("")
	req, _ := http.NewRequest("GET", e.url+"/orders/"+id+"/events", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var st struct {
			Registers []struct{ ID, State string }
		}
		if err := json.Unmarshal([]byte(data), &st); err != nil || len(st.Registers) != 2 || st.Registers[0].State != "sent" {
			t.Fatalf("first event %s (%v)", data, err)
		}
		break
	}
	sh.fetchAndAck("R1")
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "data: ") && strings.Contains(lines.Text(), `"state":"received"`) {
			return
		}
	}
	t.Fatal("the stream ended without R1's received state")
}

func TestProductSearch(t *testing.T) {
	e := newEnv(t, "sqlite")
	newShop(t, e)
	c := e.login("manager")
	for q, want := range map[string]string{"MILK": "MILK", "4600000000011": "MILK", "мыло": "SOAP"} {
		r := c.get("/products/find?q="+url.QueryEscape(q), 200)
		if !strings.Contains(r.body, `"code":"`+want+`"`) {
			t.Errorf("%q found %s", q, r.body)
		}
	}
}
