package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestMarkupInNamesIsShownAsText puts markup in a customer's and a product's names and checks that
// every page showing them escapes it.
func TestMarkupInNamesIsShownAsText(t *testing.T) {
	e := newEnv(t, "sqlite")
	const hostile = `<img src=x onerror="alert(1)"><script>alert(2)</script>`
	var customer, wh struct{ ID string }
	json.Unmarshal([]byte(e.api("POST", "/api/v1/customers", fmt.Sprintf(`{"code":"EVIL","name":%q}`, hostile))), &customer)
	json.Unmarshal([]byte(e.api("POST", "/api/v1/warehouses", fmt.Sprintf(`{"code":"W","name":%q}`, hostile))), &wh)
	e.api("POST", "/api/v1/products", fmt.Sprintf(`{"code":"P","name":%q,"price":100}`, hostile))
	var order struct{ ID string }
	json.Unmarshal([]byte(e.api("POST", "/api/v1/orders", fmt.Sprintf(`{"customer_id":%q,"warehouse_id":%q,"lines":[{"product_code":"P","quantity":1}]}`,
		customer.ID, wh.ID))), &order)
	c := e.login("admin")
	for _, path := range []string{"/orders", "/orders/" + order.ID, "/customers", "/customers/" + customer.ID, "/products", "/warehouses"} {
		body := c.get(path, 200).body
		if strings.Contains(body, `<img src=x`) || strings.Contains(body, `<script>alert`) {
			t.Errorf("%s shows the markup unescaped", path)
		}
		if !strings.Contains(body, "&lt;img src=x") && !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the name at all", path)
		}
	}
}
