package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readCSV downloads a list as CSV in Russian: a byte order mark, semicolons, decimal commas.
func readCSV(t *testing.T, c *client, path string) [][]string {
	t.Helper()
	body, _ := download(t, c, path)
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("%s: no byte order mark", path)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// TestEveryListDownloads: the orders, the transactions, the goods receipts and every catalog offer
// CSV and XLSX beside the list, the links keeping the filters on screen (but not the page), and the
// file holds every item the filters find, with money as numbers.
func TestEveryListDownloads(t *testing.T) {
	for _, dialect := range dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			sh := newShop(t, e)
			sold := sh.order("")
			sh.sell("R1", sold, `[{"type":"cash","amount":43400}]`)
			sh.order("") // agreed, not sold
			e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
			sh.returnMilk("R1", sh.lastSale(), `[{"type":"cash","amount":30000}]`)
			e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
			c := e.login("admin")

			t.Run("the links keep the filters on screen and leave the page out", func(t *testing.T) {
				c.get("/orders?status=closed&warehouse="+sh.wh+"&after=MQ", 200).contains(t,
					fmt.Sprintf(`href="/orders?format=csv&amp;status=closed&amp;warehouse=%s"`, sh.wh),
					fmt.Sprintf(`href="/orders?format=xlsx&amp;status=closed&amp;warehouse=%s"`, sh.wh))
				c.get("/transactions?kind=return", 200).contains(t, `href="/transactions?format=csv&amp;kind=return"`,
					`href="/transactions?format=xlsx&amp;kind=return"`)
				c.get("/goods-receipts", 200).contains(t, `href="/goods-receipts?format=csv"`, `href="/goods-receipts?format=xlsx"`)
				for _, kind := range []string{"warehouses", "cash-desks", "products", "customers", "registers"} {
					c.get("/"+kind, 200).contains(t, `href="/`+kind+`?format=csv"`, `href="/`+kind+`?format=xlsx"`)
				}
			})
			t.Run("orders: only those the filter finds", func(t *testing.T) {
				rows := readCSV(t, c, "/orders?status=closed&format=csv")
				if len(rows) != 2 || rows[0][0] != "Номер" || rows[1][4] != "Закрыт" || rows[1][6] != "434,00" || rows[1][7] != "434,00" {
					t.Errorf("closed orders: %q", rows)
				}
				if rows := readCSV(t, c, "/orders?format=csv"); len(rows) != 3 {
					t.Errorf("every order: %q", rows)
				}
			})
			t.Run("transactions: the returns", func(t *testing.T) {
				rows := readCSV(t, c, "/transactions?kind=return&format=csv")
				if len(rows) != 2 || rows[1][2] != "R1" || rows[1][4] != "Возврат" || rows[1][7] != "300,00" {
					t.Errorf("returns: %q", rows)
				}
			})
			t.Run("goods receipts", func(t *testing.T) {
				rows := readCSV(t, c, "/goods-receipts?format=csv")
				if len(rows) != 2 || rows[1][3] != "Основной склад" || rows[1][5] != "4850,00" {
					t.Errorf("goods receipts: %q", rows)
				}
			})
			t.Run("products as XLSX: the price a number in roubles", func(t *testing.T) {
				body, _ := download(t, c, "/products?format=xlsx")
				f, err := excelize.OpenReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				sheet := f.GetSheetName(0)
				rows, _ := f.GetRows(sheet)
				if len(rows) != 3 || rows[0][4] != "Цена" || rows[1][0] != "MILK" {
					t.Fatalf("%q", rows)
				}
				raw, _ := f.GetCellValue(sheet, "E2", excelize.Options{RawCellValue: true})
				v, err := strconv.ParseFloat(raw, 64)
				if typ, _ := f.GetCellType(sheet, "E2"); err != nil || v != 150 || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
					t.Errorf("E2 %q (type %v), want the number 150", raw, typ)
				}
			})
			t.Run("registers and the other catalogs", func(t *testing.T) {
				if rows := readCSV(t, c, "/registers?format=csv"); len(rows) != 6 || rows[1][0] != "R1" || rows[1][5] != "Касса торгового зала" {
					t.Errorf("registers: %q", rows)
				}
				for kind, n := range map[string]int{"warehouses": 2, "cash-desks": 1, "customers": 1} {
					if rows := readCSV(t, c, "/"+kind+"?format=csv"); len(rows) != n+1 {
						t.Errorf("%s: %q", kind, rows)
					}
				}
			})
			t.Run("a return's documents: a column for each heading", func(t *testing.T) {
				for list, head := range map[string]string{"customer-returns": "Склад", "cash-expenses": "Наличная касса", "card-refunds": ""} {
					rows := readCSV(t, c, "/"+list+"?format=csv")
					for _, r := range rows {
						if len(r) != len(rows[0]) {
							t.Errorf("%s: %q", list, rows)
						}
					}
					if head != "" && rows[0][3] != head {
						t.Errorf("%s: headings %q", list, rows[0])
					}
				}
			})
			c.get("/orders?format=pdf", 404)
		})
	}
}
