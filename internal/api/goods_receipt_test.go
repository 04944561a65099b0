package api_test

import (
	"strings"
	"testing"

	"torg"
)

// TestGoodsReceiptNamesItsSupplier checks that a goods receipt keeps the supplier it was made with,
// answers it when read and listed, and that a bad supplier is named with every other bad field.
func TestGoodsReceiptNamesItsSupplier(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		call[torg.Warehouse](s, 201, "POST", "/api/v1/warehouses", `{"code":"MAIN","name":"Основной склад"}`)
		call[torg.Product](s, 201, "POST", "/api/v1/products", `{"code":"MILK","name":"Молоко"}`)
		g := call[torg.GoodsReceipt](s, 201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","supplier":"  ООО «Молочный завод»  ","lines":[{"product_code":"MILK","quantity":10,"cost":9000}]}`)
		if g.Supplier != "ООО «Молочный завод»" {
			t.Fatalf("the receipt answers supplier %q, want it trimmed", g.Supplier)
		}
		if got := call[torg.GoodsReceipt](s, 200, "GET", "/api/v1/goods-receipts/"+g.ID, ""); got.Supplier != "ООО «Молочный завод»" {
			t.Errorf("read back, supplier is %q", got.Supplier)
		}
		items := call[torg.List[torg.GoodsReceipt]](s, 200, "GET", "/api/v1/goods-receipts", "").Items
		if items[0].Supplier != "ООО «Молочный завод»" {
			t.Errorf("listed, supplier is %+v", items[0])
		}
		none := s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":1,"cost":9000}]}`)
		if v, ok := none["supplier"]; !ok || v != "" {
			t.Errorf("without a supplier the receipt answers %v (present: %v), want \"\"", v, ok)
		}
		bad := s.do("POST", "/api/v1/goods-receipts", s.admin, `{"warehouse_code":"MAIN","supplier":"`+strings.Repeat("я", 256)+`","lines":[{"product_code":"MILK","quantity":-1,"cost":9000}]}`)
		p := bad.problem(t)
		if bad.status != 422 || !hasField(p, "supplier") || !hasField(p, "lines[0].quantity") {
			t.Errorf("a bad supplier and quantity: %d %s", bad.status, bad.body)
		}
	})
}
