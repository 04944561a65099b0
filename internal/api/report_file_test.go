package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"torg"
)

// TestPeriodReportsDownloadAsFiles: ?format=csv or xlsx answers the report's rows as a file — the
// JSON names as headings, money in roubles, numbers as numbers in XLSX — with the same filters;
// another format is a 422 naming it.
func TestPeriodReportsDownloadAsFiles(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"D","name":"d"}`).ID
	call[torg.Register](s, 200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
	sh.sell(t, "R1", `[{"type":"cash","amount":43400}]`)
	sh.run(t)
	t.Run("CSV: a byte order mark, comma-separated, the JSON names, roubles with a point", func(t *testing.T) {
		r := s.do("GET", "/api/v1/reports/settlement-turnover?format=csv&customer_id="+retailID(t, s), s.admin, "")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), `attachment; filename="settlement-turnover-`) {
			t.Fatalf("%d %v %s", r.status, r.header, r.body)
		}
		if !bytes.HasPrefix(r.body, []byte("\ufeff")) {
			t.Fatal("no byte order mark")
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "customer_id,opening,invoiced,paid,returned,closing" ||
			rows[1][0] != retailID(t, s) || rows[1][2] != "434.00" || rows[1][3] != "434.00" || rows[1][5] != "0.00" {
			t.Fatalf("%v %q", err, rows)
		}
	})
	t.Run("XLSX: numbers as numbers, the sales by product", func(t *testing.T) {
		r := s.do("GET", "/api/v1/reports/sales?by=product&format=xlsx&product_id="+sh.milk, s.admin, "")
		if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%d %v %s", r.status, r.header, r.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		rows, _ := f.GetRows(sheet)
		if len(rows) != 2 || rows[0][0] != "key" || rows[1][0] != sh.milk {
			t.Fatalf("%q", rows)
		}
		for col, want := range map[string]string{"B2": "1", "C2": "2", "D2": "300"} { // receipts, quantity, revenue
			raw, _ := f.GetCellValue(sheet, col, excelize.Options{RawCellValue: true})
			typ, _ := f.GetCellType(sheet, col)
			if strings.TrimSuffix(strings.TrimSuffix(raw, ".000"), ".00") != want || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
				t.Errorf("%s: %q (type %v), want the number %s", col, raw, typ, want)
			}
		}
	})
	t.Run("another format is named", func(t *testing.T) {
		for _, path := range []string{"/api/v1/reports/stock-turnover?format=pdf", "/api/v1/reports/sales?format=json"} {
			r := s.do("GET", path, s.admin, "")
			if r.status != 422 || !strings.Contains(string(r.body), `"field":"format"`) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
	})
}
