package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
)

// TestAPartialSaleIsShownOnTheOrder: a register sells the milk of an order and leaves the soap out;
// the order's page and the orders list say it was sold in part, and for how much.
func TestAPartialSaleIsShownOnTheOrder(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	id := sh.order("")
	status, body := sh.register("R1", "POST", "/api/v1/register/transactions", fmt.Sprintf(`{"id":%q,"order_id":%q,"shift_number":1,
		"receipt_number":1,"closed_at":%q,"cashier":"Иванова","lines":[{"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000}],
		"payments":[{"type":"cash","amount":30000}],"total":30000}`, uuid.NewString(), id, torg.Now().Format(time.RFC3339), sh.milk))
	if status != 201 || !strings.Contains(body, `"state":"new"`) || !strings.Contains(body, `"partial":true`) {
		t.Fatalf("upload: %d %s", status, body)
	}
	c := e.login("admin")
	c.get("/orders/"+id, 200).contains(t, `id="sold-partly"`, "Продан частично: 300,00")
	c.get("/orders", 200).contains(t, "Продан частично", "продано на 300,00")
}
