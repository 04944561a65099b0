package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestPeriodReportPages: the four reports over a period show their figures, the sales chart, the
// documents behind a cash desk's figures, and download as CSV and XLSX with the same rows; a bad
// period is a 422 page naming the field.
func TestPeriodReportPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	sh := newShop(t, e)
	for range 2 {
		sh.sell("R1", sh.order(""), `[{"type":"cash","amount":43400}]`)
	}
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	sh.returnMilk("R1", sh.lastSale(), `[{"type":"cash","amount":30000}]`)
	e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")
	c := e.login("manager")
	today := time.Now().Format("2006-01-02")
	period := "?from=" + time.Now().AddDate(0, 0, -3).Format("2006-01-02") + "&to=" + today
	t.Run("stock turnover", func(t *testing.T) {
		page := c.get("/reports/stock-turnover"+period, 200)
		page.contains(t, `id="period-report"`, "Молоко 3,2% 1 л", "Поступление", "Отгрузка", "Возвраты", "В резерве")
	})
	t.Run("cash turnover drills down to the cash receipt and expense orders", func(t *testing.T) {
		page := c.get("/reports/cash-turnover"+period, 200)
		page.contains(t, "Касса торгового зала", "868,00", "300,00", "568,00", "desk=")
		drill := c.get("/reports/cash-turnover"+period+"&desk="+sh.desk, 200)
		drill.contains(t, `id="drill"`, `href="/cash-receipts/`, "Приходный кассовый ордер", "434,00", "Расходный кассовый ордер", "300,00", `href="/cash-expenses/`)
		if strings.Contains(drill.body, "Прочий документ") {
			t.Error("a document of the drill-down is not named")
		}
	})
	t.Run("settlements", func(t *testing.T) {
		c.get("/reports/settlement-turnover"+period, 200).contains(t, "Розничный покупатель", "Отгружено", "868,00")
	})
	t.Run("sales by day draw a chart; by register name the register", func(t *testing.T) {
		c.get("/reports/sales"+period+"&from="+time.Now().AddDate(0, 0, -3).Format("2006-01-02"), 200).contains(t, "Средний чек", "434,00")
		c.get("/reports/sales"+period+"&by=register", 200).contains(t, "R1 Касса R1", "868,00")
		c.get("/reports/sales"+period+"&by=product", 200).contains(t, "MILK", "600,00", `id="sales-chart"`, "<title>MILK Молоко 3,2% 1 л: 600,00</title>")
	})
	t.Run("a bad period is named", func(t *testing.T) {
		c.get("/reports/stock-turnover?from=2026-03-10&to=2026-03-01", 422).contains(t, `class="ferr"`, "to")
		c.get("/reports/sales?from=2000-01-01&to=2026-03-01", 422).contains(t, "10")
		c.get("/reports/cash-turnover?from=2026-03-01&to=2026-03-10&store=2&desk="+sh.desk, 422).contains(t, `id="form-errors"`, "store: у этого отчёта нет такого параметра")
		c.get("/reports/sales?from=2026-03-10&to=2026-03-01&client=1", 422).contains(t, "client: ", `class="ferr"`)
	})
	t.Run("CSV opens in Excel: a byte order mark, Cyrillic, numbers as the language writes them", func(t *testing.T) {
		body, header := download(t, c, "/reports/settlement-turnover"+period+"&format=csv")
		if !strings.HasPrefix(header.Get("Content-Type"), "text/csv") || !strings.Contains(header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("headers %v", header)
		}
		if !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Fatal("no byte order mark")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != 2 || rows[0][1] != "Покупатель" || rows[1][1] != "Розничный покупатель" || rows[1][3] != "868,00" {
			t.Fatalf("%v %q", err, rows)
		}
	})
	t.Run("XLSX holds numbers as numbers, money in roubles", func(t *testing.T) {
		body, _ := download(t, c, "/reports/settlement-turnover"+period+"&format=xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		typ, _ := f.GetCellType(sheet, "D2")
		raw, _ := f.GetCellValue(sheet, "D2", excelize.Options{RawCellValue: true})
		name, _ := f.GetCellValue(sheet, "B2")
		if raw != "868.00" || name != "Розничный покупатель" || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Fatalf("D2 %q (type %v), B2 %q", raw, typ, name)
		}
	})
	t.Run("an unknown format is not found", func(t *testing.T) {
		c.get("/reports/sales"+period+"&format=pdf", 404)
	})
}

func download(t *testing.T, c *client, path string) ([]byte, http.Header) {
	t.Helper()
	resp, err := c.http.Get(c.e.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b, resp.Header
}
