package web_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestBalanceReportsDownload: the stock, cash and settlements reports download as CSV and XLSX with
// the rows and the filter on screen.
func TestBalanceReportsDownload(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	sh.sell("R1", sh.order(""), `[{"type":"cash","amount":43400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	c := e.login("manager")
	c.get("/reports/stock", 200).contains(t, `href="/reports/stock?format=csv"`, `href="/reports/stock?format=xlsx"`)
	c.get("/reports/cash", 200).contains(t, `href="/reports/cash?format=csv"`)
	c.get("/reports/settlements", 200).contains(t, `href="/reports/settlements?format=xlsx"`)
	t.Run("cash as CSV", func(t *testing.T) {
		body, _ := download(t, c, "/reports/cash?format=csv")
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != 2 || rows[0][2] != "Остаток" || rows[1][0] != "CASH1" || rows[1][2] != "434,00" {
			t.Fatalf("%v %q", err, rows)
		}
	})
	t.Run("stock of one warehouse as XLSX: quantities as numbers", func(t *testing.T) {
		body, _ := download(t, c, "/reports/stock?warehouse="+sh.wh+"&format=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		rows, _ := f.GetRows(sheet)
		if len(rows) != 3 || rows[1][1] != "MILK" {
			t.Fatalf("%q", rows)
		}
		raw, _ := f.GetCellValue(sheet, "D2", excelize.Options{RawCellValue: true})
		if typ, _ := f.GetCellType(sheet, "D2"); raw != "38" || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Fatalf("D2 %q (type %v), want the number 38", raw, typ)
		}
	})
	t.Run("settlements as XLSX", func(t *testing.T) {
		body, _ := download(t, c, "/reports/settlements?format=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 2 || rows[0][2] != "Долг" {
			t.Fatalf("%q", rows)
		}
	})
	c.get("/reports/cash?format=pdf", 404)
}

// TestDocumentListsDownload: the document lists download whole, with the filter on screen.
func TestDocumentListsDownload(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	sh.sell("R1", sh.order(""), `[{"type":"cash","amount":43400}]`)
	sh.sell("R2", sh.order(""), `[{"type":"cash","amount":40000},{"type":"card","amount":3400}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	c := e.login("manager")
	c.get("/cash-receipts?posted=false", 200).contains(t, `href="/cash-receipts?posted=false&amp;format=csv"`)
	read := func(path string) [][]string {
		body, _ := download(t, c, path)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if rows := read("/sales-invoices?format=csv"); len(rows) != 3 || rows[0][3] != "Склад" || rows[1][5] != "434,00" {
		t.Errorf("sales invoices: %q", rows)
	}
	if rows := read("/cash-receipts?posted=false&format=csv"); len(rows) != 2 || rows[1][4] != "Не проведён" || rows[1][5] != "400,00" {
		t.Errorf("unposted cash receipt orders: %q", rows)
	}
	if rows := read("/card-payments?format=csv"); len(rows) != 2 || rows[1][4] != "34,00" {
		t.Errorf("card payments: %q", rows)
	}
}
