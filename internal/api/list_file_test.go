package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"torg"
)

// roubles writes kopecks as the files write money: roubles with two decimals and a point.
func roubles(kopecks int64) string {
	sign := ""
	if kopecks < 0 {
		sign, kopecks = "-", -kopecks
	}
	return fmt.Sprintf("%s%d.%02d", sign, kopecks/100, kopecks%100)
}

// csvRows reads a CSV answer: a byte order mark, then comma-separated rows.
func csvRows(t *testing.T, r response) [][]string {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	if !bytes.HasPrefix(r.body, []byte("\ufeff")) {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// xlsxFile opens an XLSX answer.
func xlsxFile(t *testing.T, r response) *excelize.File {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestListsDownloadAsFiles: every list and report of balances answers ?format=csv and ?format=xlsx with every item its
// filters match — the JSON names as headings, one row per item in the JSON's order, money in roubles
// with two decimals, stored in XLSX as a number — and a file of more items than a page holds them all.
func TestListsDownloadAsFiles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := s.must(201, "POST", "/api/v1/cash-desks", `{"code":"C1","name":"Касса магазина"}`)["id"].(string)
		s.must(200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","supplier":"ООО «Молоко»","lines":[{"product_code":"MILK","quantity":10,"cost":9050}]}`)
		order, tx := soldShop(t, s, sh)
		sh.order(t, "") // a new order, which the filter status=closed leaves out
		ret := uuid.NewString()
		body := fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,"order_id":null,"shift_number":1,"receipt_number":2,
			"closed_at":%q,"cashier":"Петров","lines":[{"line_no":1,"product_id":%q,"quantity":2,"price":15000,"discount":0,"amount":30000}],
			"payments":[{"type":"cash","amount":20000},{"type":"card","amount":10000}],"total":30000}`, ret, tx.ID, torg.Now().Format(time.RFC3339), sh.milk)
		if r := s.do("POST", "/api/v1/register/transactions", sh.tok["R1"], body); r.status != 201 {
			t.Fatalf("upload of the return: %d %s", r.status, r.body)
		}
		s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", "")
		s.must(201, "POST", "/api/v1/api-tokens", `{"name":"Склад","role":"viewer"}`)
		if o := s.must(200, "GET", "/api/v1/orders/"+order.ID, ""); o["status"] != "closed" {
			t.Fatalf("the sold order is %v", o["status"])
		}

		for _, c := range []struct{ list, filter, money, key string }{
			{"orders", "status=closed", "total", ""},
			{"transactions", "kind=return", "total", ""},
			{"goods-receipts", "warehouse_id=" + sh.wh, "total_cost", ""},
			{"sales-invoices", "order_id=" + order.ID, "total", ""},
			{"cash-receipts", "purpose=sale", "amount", ""},
			{"card-payments", "transaction_id=" + tx.ID, "amount", ""},
			{"customer-returns", "transaction_id=" + ret, "total", ""},
			{"cash-expenses", "purpose=refund", "amount", ""},
			{"card-refunds", "transaction_id=" + ret, "amount", ""},
			{"products", "code=MILK", "price", ""},
			{"products", "", "price", ""},
			{"warehouses", "code=SECOND", "", ""},
			{"cash-desks", "", "", ""},
			{"customers", "code=retail", "", ""},
			{"registers", "", "", ""},
			{"api-tokens", "", "", ""},
			{"reports/cash", "", "balance", "cash_desk_id"},
			{"reports/settlements", "customer_id=" + retailID(t, s), "debt", "customer_id"},
			{"reports/stock", "warehouse_id=" + sh.wh, "", "product_id"},
			{"reports/cash-turnover/documents", "cash_desk_id=" + desk, "amount", "document_id"},
		} {
			if c.key == "" {
				c.key = "id"
			}
			t.Run(c.list+"?"+c.filter, func(t *testing.T) {
				items := s.must(200, "GET", "/api/v1/"+c.list+"?"+c.filter, "")["items"].([]any)
				if len(items) == 0 {
					t.Fatal("the list is empty: nothing to compare")
				}
				want := make([][2]string, len(items)) // id and money of each item
				for i, it := range items {
					m := it.(map[string]any)
					want[i][0] = m[c.key].(string)
					if c.money != "" {
						want[i][1] = roubles(int64(m[c.money].(float64)))
					}
				}
				path := "/api/v1/" + c.list + "?" + c.filter + "&format="
				rows := csvRows(t, s.do("GET", path+"csv", s.admin, ""))
				id, money := col(rows[0], c.key), col(rows[0], c.money)
				if len(rows) != len(items)+1 || id < 0 || (c.money != "" && money < 0) {
					t.Fatalf("CSV: %d rows, headings %q; want %d items", len(rows)-1, rows[0], len(items))
				}
				for i, w := range want {
					if rows[i+1][id] != w[0] || (c.money != "" && rows[i+1][money] != w[1]) {
						t.Errorf("CSV row %d: id %s, %s %s; want %s, %s", i+1, rows[i+1][id], c.money, rows[i+1][money], w[0], w[1])
					}
				}
				f := xlsxFile(t, s.do("GET", path+"xlsx", s.admin, ""))
				sheet := f.GetSheetName(0)
				xrows, _ := f.GetRows(sheet)
				if len(xrows) != len(items)+1 || strings.Join(xrows[0], ",") != strings.Join(rows[0], ",") {
					t.Fatalf("XLSX: %d rows, headings %q; want %d and the CSV's", len(xrows)-1, xrows[0], len(items))
				}
				for i, w := range want {
					if xrows[i+1][id] != w[0] {
						t.Errorf("XLSX row %d: id %s, want %s", i+1, xrows[i+1][id], w[0])
					}
					if c.money == "" {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(money+1, i+2)
					raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
					typ, _ := f.GetCellType(sheet, cell)
					v, err := strconv.ParseFloat(raw, 64)
					k, _ := strconv.ParseFloat(strings.Replace(w[1], ".", "", 1), 64)
					if err != nil || v != k/100 || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
						t.Errorf("XLSX %s: %q (type %v), want the number %s", cell, raw, typ, w[1])
					}
				}
			})
		}
		t.Run("a file holds every item, not a page", func(t *testing.T) {
			for i := range torg.MaxPageLimit + 5 {
				s.must(201, "POST", "/api/v1/customers", fmt.Sprintf(`{"code":"c%03d","name":"Покупатель %d"}`, i, i))
			}
			rows := csvRows(t, s.do("GET", "/api/v1/customers?format=csv", s.admin, ""))
			if n := len(rows) - 1; n != torg.MaxPageLimit+6 { // and the retail customer
				t.Errorf("%d customers in the file, want %d", n, torg.MaxPageLimit+6)
			}
			seen := map[string]bool{}
			for _, r := range rows[1:] {
				seen[r[col(rows[0], "code")]] = true
			}
			if !seen["c000"] || !seen[fmt.Sprintf("c%03d", torg.MaxPageLimit+4)] || !seen["retail"] {
				t.Errorf("the file lacks the first, the last or the retail customer")
			}
		})
		t.Run("a bad format, or a page beside a format, is named", func(t *testing.T) {
			for path, field := range map[string]string{
				"/api/v1/orders?format=pdf":                    "format",
				"/api/v1/transactions?format=":                 "format",
				"/api/v1/products?format=csv&limit=10":         "limit",
				"/api/v1/customers?format=xlsx&after=YWJj":     "after",
				"/api/v1/orders?format=csv&updated_after=0":    "format",
				"/api/v1/cash-receipts?format=csv&posted=bad":  "posted",
				"/api/v1/sales-invoices?format=csv&order=1234": "order",
			} {
				r := s.do("GET", path, s.admin, "")
				if r.status != 422 || !strings.Contains(string(r.body), `"field":"`+field+`"`) {
					t.Errorf("%s: %d %s, want 422 naming %s", path, r.status, r.body, field)
				}
			}
		})
	})
}

// col is the index of the heading, -1 when absent.
func col(heads []string, name string) int {
	for i, h := range heads {
		if h == name {
			return i
		}
	}
	return -1
}
