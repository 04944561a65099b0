package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"torg"
)

// A report over a period answers as a file when ?format= asks for one (docs/API.md, «Reports over a
// period»): csv (UTF-8 with a byte order mark, comma-separated, numbers with a decimal point) or
// xlsx (numbers stored as numbers, money formatted with two decimals). The headings are the JSON
// names of the row's fields, the rows those of the JSON answer; money is in roubles, as in JSON.

// reportFormats are the files a report downloads as.
var reportFormats = []string{"csv", "xlsx"}

// fileCell is one value of a row: its text, and whether it is a number (money, a quantity, a count).
type fileCell struct {
	text  string
	num   bool
	money bool
}

// fileTable turns report rows (structs) into headings and cells by their JSON names.
func fileTable[T any](items []T) (heads []string, rows [][]fileCell) {
	typ := reflect.TypeFor[T]()
	var fields []int
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		heads, fields = append(heads, name), append(fields, i)
	}
	for _, it := range items {
		v := reflect.ValueOf(it)
		row := make([]fileCell, 0, len(fields))
		for _, i := range fields {
			row = append(row, cellOf(v.Field(i).Interface()))
		}
		rows = append(rows, row)
	}
	return heads, rows
}

func cellOf(v any) fileCell {
	switch x := v.(type) {
	case torg.Money:
		return fileCell{text: x.String(), num: true, money: true}
	case torg.Quantity:
		return fileCell{text: x.String(), num: true}
	case *torg.Quantity:
		if x == nil {
			return fileCell{}
		}
		return fileCell{text: x.String(), num: true}
	case int64:
		return fileCell{text: strconv.FormatInt(x, 10), num: true}
	case time.Time:
		return fileCell{text: x.Format(time.RFC3339)}
	case string:
		return fileCell{text: x}
	case *string:
		if x == nil {
			return fileCell{}
		}
		return fileCell{text: *x}
	}
	return fileCell{text: reflect.ValueOf(v).String()}
}

// writeFile answers the rows as a file of the format, named after the report and its period.
func writeFile[T any](w http.ResponseWriter, format, report string, p torg.Period, items []T) error {
	heads, rows := fileTable(items)
	var body []byte
	var err error
	mime := "text/csv; charset=utf-8"
	if format == "xlsx" {
		mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		body, err = xlsxOf(heads, rows)
	} else {
		body, err = csvOf(heads, rows)
	}
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return t.In(time.Local).Format("2006-01-02") }
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", `attachment; filename="`+report+"-"+day(p.From)+"-"+day(p.To.Add(-time.Microsecond))+"."+format+`"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

func csvOf(heads []string, rows [][]fileCell) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	c := csv.NewWriter(&buf)
	if err := c.Write(heads); err != nil {
		return nil, err
	}
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, cell := range r {
			rec[i] = cell.text
		}
		if err := c.Write(rec); err != nil {
			return nil, err
		}
	}
	c.Flush()
	return buf.Bytes(), c.Error()
}

func xlsxOf(heads []string, rows [][]fileCell) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	for i, h := range heads {
		name, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, name, h); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sheet, name, name, bold); err != nil {
			return nil, err
		}
	}
	for r, row := range rows {
		for i, c := range row {
			name, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if !c.num {
				if err := f.SetCellStr(sheet, name, c.text); err != nil {
					return nil, err
				}
				continue
			}
			if err := f.SetCellDefault(sheet, name, c.text); err != nil { // a number cell holding the exact decimal
				return nil, err
			}
			if c.money {
				if err := f.SetCellStyle(sheet, name, name, money); err != nil {
					return nil, err
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
