package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"torg"
	"torg/internal/store"
)

// A report over a period, and every list, answers as a file when ?format= asks for one (docs/API.md,
// «Reports over a period» and «Lists as files»): csv (UTF-8 with a byte order mark, comma-separated, numbers with a decimal point) or
// xlsx (numbers stored as numbers, money formatted with two decimals). The headings are the JSON
// names of the row's fields, the rows those of the JSON answer; money is in roubles with two decimals.

// reportFormats are the files a report downloads as.
var reportFormats = []string{"csv", "xlsx"}

// fileCell is one value of a row: its text, and whether it is a number (money, a quantity, a count).
type fileCell struct {
	text  string
	num   bool
	money bool
}

// fileColumn is a column of a file: its heading, the JSON name (an object's fields prefixed with its
// name and a point), and the path of struct fields to its value.
type fileColumn struct {
	name  string
	index []int
}

// fileColumns are the columns of a row type: every field of its JSON form that holds one value, the
// fields of an embedded struct in their place, those of an object (fiscal data, a claim) prefixed with
// its name. Lists inside an item (an order's lines, a receipt's payments) have no place in a row of
// their own and are left out. A name an outer struct repeats wins, as in JSON.
func fileColumns(typ reflect.Type, prefix string, index []int) []fileColumn {
	var out []fileColumn
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		idx := append(slices.Clone(index), i)
		t := f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case f.Anonymous && name == "" && t.Kind() == reflect.Struct:
			out = append(out, fileColumns(t, prefix, idx)...)
		case name == "":
		case oneValue(t):
			out = append(out, fileColumn{prefix + name, idx})
		case t.Kind() == reflect.Struct:
			out = append(out, fileColumns(t, prefix+name+".", idx)...)
		}
	}
	return shallowest(out)
}

// oneValue reports whether a field of the type is one cell of a file.
func oneValue(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	}
	return t == reflect.TypeFor[time.Time]()
}

// shallowest keeps, of the columns of one name, the one least deep, in the place of the first.
func shallowest(cols []fileColumn) []fileColumn {
	at := map[string]int{}
	var out []fileColumn
	for _, c := range cols {
		i, seen := at[c.name]
		switch {
		case !seen:
			at[c.name] = len(out)
			out = append(out, c)
		case len(c.index) < len(out[i].index):
			out[i] = c
		}
	}
	return out
}

// fileTable turns rows (structs) into headings and cells by their JSON names.
func fileTable[T any](items []T) (heads []string, rows [][]fileCell) {
	cols := fileColumns(reflect.TypeFor[T](), "", nil)
	for _, c := range cols {
		heads = append(heads, c.name)
	}
	for _, it := range items {
		v := reflect.ValueOf(it)
		row := make([]fileCell, 0, len(cols))
		for _, c := range cols {
			row = append(row, cellAt(v, c.index))
		}
		rows = append(rows, row)
	}
	return heads, rows
}

// cellAt is the cell of the field at the path; empty where a pointer on the way is nil.
func cellAt(v reflect.Value, index []int) fileCell {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return fileCell{}
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return fileCell{}
		}
		v = v.Elem()
	}
	return cellOf(v)
}

func cellOf(v reflect.Value) fileCell {
	switch x := v.Interface().(type) {
	case torg.Money:
		return fileCell{text: x.String(), num: true, money: true}
	case torg.Quantity:
		return fileCell{text: x.String(), num: true}
	case time.Time:
		return fileCell{text: x.Format(time.RFC3339)}
	}
	switch v.Kind() {
	case reflect.Bool:
		return fileCell{text: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return fileCell{text: strconv.FormatInt(v.Int(), 10), num: true}
	case reflect.Slice:
		return fileCell{text: strings.Join(v.Interface().([]string), " ")}
	}
	return fileCell{text: v.String()}
}

// writeFile answers the rows as a file of the format, named name.format.
func writeFile[T any](w http.ResponseWriter, format, name string, items []T) error {
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
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// fileDay is a day of the server's zone as a file name writes it.
func fileDay(t time.Time) string { return t.In(time.Local).Format("2006-01-02") }

// fileListParams reads a list's parameters as listParams does, and ?format=: "" for a page of JSON,
// csv or xlsx for a file of every item that matches the filters, so that limit and after have no
// place beside it.
func fileListParams(r *request, known ...string) (torg.Page, string, error) {
	p, err := listParams(r, append(known, "format")...)
	q := r.URL.Query()
	if !q.Has("format") {
		return p, "", err
	}
	var f torg.Fields
	if !contains(reportFormats, q.Get("format")) {
		f.Add("format", "must be csv or xlsx")
	}
	for _, k := range []string{"limit", "after"} {
		if q.Has(k) {
			f.Add(k, "is not used with format: a file holds every item that matches the filters")
		}
	}
	return p, q.Get("format"), mergeFields(err, f.Err())
}

// answerList answers one page of a list as JSON or, with a format, the whole list as a file: every
// page read in one read transaction, so the file is the list of one moment.
func answerList[T any](s *Server, w http.ResponseWriter, r *request, p torg.Page, format string, read func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[T], error)) error {
	if format == "" {
		return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) { return read(ctx, tx, p) })
	}
	var items []T
	err := s.store.View(r.Context(), func(tx *store.Tx) error {
		p := torg.Page{Limit: torg.MaxPageLimit}
		for {
			list, err := read(r.Context(), tx, p)
			if err != nil {
				return err
			}
			items = append(items, list.Items...)
			if list.Next == nil {
				return nil
			}
			if p.After, err = torg.DecodeCursor(*list.Next); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return err
	}
	return writeFile(w, format, path.Base(r.URL.Path)+"-"+fileDay(time.Now()), items)
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
