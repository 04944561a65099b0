package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"torg"
)

// Reports download as the table on screen, with the same filters: CSV for any program (UTF-8 with a
// byte order mark, so that Excel reads Cyrillic; separated and with decimals as the UI's language
// writes them, so that Excel in that language reads numbers as numbers) and XLSX (numbers stored as
// numbers, money in roubles with two decimals).

// downloads are the links beside a list to download it whole: its address with the filters on
// screen, without the page, and the format.
type downloads struct{ CSV, XLSX string }

func downloadLinks(u *url.URL) downloads {
	link := func(format string) string {
		q := u.Query()
		q.Del("after")
		q.Del("ok")
		q.Set("format", format)
		return u.Path + "?" + q.Encode()
	}
	return downloads{link("csv"), link("xlsx")}
}

// exportLimit is the most rows a list downloads.
const exportLimit = 100_000

// everyPage reads a list page after page, as read answers them, up to exportLimit items: what a
// file of the list holds.
func everyPage[T any](read func(torg.Page) ([]T, *string, error)) ([]T, error) {
	var out []T
	page := torg.Page{Limit: torg.MaxPageLimit}
	for len(out) < exportLimit {
		items, next, err := read(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == nil {
			break
		}
		if page.After, err = torg.DecodeCursor(*next); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// postedText is a document's state as a file writes it.
func postedText(lang string, posted bool) string {
	if posted {
		return translate(lang, "doc.posted")
	}
	return translate(lang, "doc.not_posted")
}

// export answers the table as a file of the format, csv or xlsx; any other is not found.
func (u *UI) export(p *page, report string, t table, format string) error {
	var body []byte
	var err error
	var mime string
	switch format {
	case "csv":
		body, err = tableCSV(p.lang, t)
		mime = "text/csv; charset=utf-8"
	case "xlsx":
		body, err = tableXLSX(p.lang, t)
		mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	name := report + "-" + time.Now().In(time.Local).Format("2006-01-02") + "." + format
	p.w.Header().Set("Content-Type", mime)
	p.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	p.w.Header().Set("Cache-Control", "no-store")
	_, err = p.w.Write(body)
	return err
}

// plainNumber writes a cell as a plain number: money in roubles with two decimals, quantities
// with up to three, with the point given; "" when the cell is not a number.
func plainNumber(c cell, point string) string {
	switch v := c.(type) {
	case torg.Money:
		return strings.Replace(v.String(), ".", point, 1)
	case torg.Quantity:
		return strings.Replace(v.String(), ".", point, 1)
	case int64:
		return fmt.Sprint(v)
	}
	return ""
}

func cellPlain(lang string, c cell) string {
	if t, ok := c.(time.Time); ok {
		return t.In(time.Local).Format("2006-01-02 15:04")
	}
	return cellText(lang, c, "text")
}

// tableCSV writes the table as CSV: a byte order mark, the headings, then the rows.
func tableCSV(lang string, t table) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	point := "."
	if lang == "ru" {
		w.Comma, point = ';', ","
	}
	w.UseCRLF = true
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = translate(lang, c.Label)
	}
	w.Write(head)
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			if rec[i] = plainNumber(c, point); rec[i] == "" {
				rec[i] = cellPlain(lang, c)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// tableXLSX writes the table as a workbook of one sheet: bold headings, then the rows; numbers are
// stored as numbers (their exact decimal text), money formatted with two decimals.
func tableXLSX(lang string, t table) ([]byte, error) {
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
	qty, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0.###")})
	if err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		name, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr(sheet, name, translate(lang, c.Label))
		f.SetCellStyle(sheet, name, name, bold)
	}
	for r, row := range t.Rows {
		for i, c := range row {
			name, _ := excelize.CoordinatesToCellName(i+1, r+2)
			n := plainNumber(c, ".")
			if n == "" {
				f.SetCellStr(sheet, name, cellPlain(lang, c))
				continue
			}
			if err := f.SetCellDefault(sheet, name, n); err != nil { // a number cell holding the exact decimal
				return nil, err
			}
			switch c.(type) {
			case torg.Money:
				f.SetCellStyle(sheet, name, name, money)
			case torg.Quantity:
				f.SetCellStyle(sheet, name, name, qty)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
