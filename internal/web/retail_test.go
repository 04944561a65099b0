package web_test

import (
	"encoding/json"
	"testing"
)

// TestANewOrderIsForTheRetailCustomerByItsCode: a new order's customer is the one with the code
// "retail", whatever it is called, and not another customer that bears its usual name.
func TestANewOrderIsForTheRetailCustomerByItsCode(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			var list struct {
				Items []struct{ ID string } `json:"items"`
			}
			if err := json.Unmarshal([]byte(e.api("GET", "/api/v1/customers?code=retail", "")), &list); err != nil || len(list.Items) != 1 {
				t.Fatalf("the retail customer: %v %+v", err, list)
			}
			retail := list.Items[0].ID
			e.api("PATCH", "/api/v1/customers/"+retail, `{"name": "Розница"}`)
			var other struct{ ID string }
			json.Unmarshal([]byte(e.api("POST", "/api/v1/customers", `{"code": "walk-in", "name": "Розничный покупатель"}`)), &other)
			page := e.login("manager").get("/orders/new", 200)
			page.contains(t, `<option value="`+retail+`" selected>Розница</option>`, `<option value="`+other.ID+`">Розничный покупатель</option>`)
		})
	}
}
