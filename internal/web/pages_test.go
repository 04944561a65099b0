package web_test

import (
	"net/url"
	"testing"
)

func TestLoginAndAccess(t *testing.T) {
	e := newEnv(t, "sqlite")
	t.Run("a page without a session goes to the login", func(t *testing.T) {
		c := &client{e: e, http: newJarClient()}
		r := c.get("/orders", 200)
		if !contains(r.url, "/login?next=%2Forders") {
			t.Fatalf("landed on %s", r.url)
		}
	})
	t.Run("a wrong password is refused", func(t *testing.T) {
		c := &client{e: e, http: newJarClient()}
		page := c.get("/login", 200)
		r := c.post("/login", page, url.Values{"name": {"admin"}, "password": {"wrong password"}})
		if r.status != 401 {
			t.Fatalf("status %d", r.status)
		}
		r.contains(t, `id="login-error"`)
	})
	t.Run("a manager cannot reach users or tokens", func(t *testing.T) {
		c := e.login("manager")
		c.get("/users", 403)
		c.get("/tokens", 403)
		r := c.get("/orders", 200)
		if contains(r.body, `href="/tokens"`) {
			t.Fatal("the navigation offers tokens to a manager")
		}
	})
	t.Run("a manager reads registers and cash desks but only an admin changes them, as in the API", func(t *testing.T) {
		c := e.login("manager")
		for _, kind := range []string{"registers", "cash-desks"} {
			r := c.get("/"+kind, 200)
			if contains(r.body, `id="new-item"`) {
				t.Errorf("/%s offers a manager a new item", kind)
			}
			r = c.get("/"+kind+"/new", 200)
			if contains(r.body, `id="btn-save"`) {
				t.Errorf("/%s/new offers a manager to save", kind)
			}
			if r := c.post("/"+kind+"/new", r, url.Values{"code": {"X"}, "name": {"x"}}); r.status != 403 {
				t.Errorf("a manager saved a new item in /%s: %d", kind, r.status)
			}
		}
		r := c.get("/products", 200)
		if !contains(r.body, `id="new-item"`) {
			t.Error("a manager may no longer add products")
		}
	})
	t.Run("an admin sees every page", func(t *testing.T) {
		c := e.login("admin")
		for _, p := range []string{"/orders", "/orders/new", "/transactions", "/sales-invoices", "/cash-receipts", "/card-payments",
			"/reports/stock", "/reports/cash", "/reports/settlements", "/kkm-transfer", "/tokens", "/users",
			"/products", "/products/new", "/customers", "/warehouses", "/cash-desks", "/registers"} {
			c.get(p, 200)
		}
		c.get("/nothing-here", 404)
	})
}
