package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"torg"
	"torg/internal/store"
)

// catalog is the pages of one catalog kind: a list and a form that creates or edits an item.
type catalog interface {
	kind() string
	writePerm() torg.Permission // who may create and change items
	list(*page) error
	edit(*page) error
	save(*page) error
}

// fieldSpec is one field of a catalog form.
type fieldSpec struct {
	Name  string // the domain's field name, also the form's
	Label string // an i18n key
	Kind  string // text, money, vat, bool, warehouse, cashdesk, barcodes
}

// formField is a field as the form shows it.
type formField struct {
	fieldSpec
	Value   string
	Options []option
}

// catalogListData is a catalog's list page.
type catalogListData struct {
	Kind        string
	WritePerm   string // the permission creating an item needs
	Columns     []string
	Rows        []catalogRow
	Next, First string
	Downloads   downloads
}

// catalogRow is an item in a list: its id and its cells as text.
type catalogRow struct {
	ID    string
	Cells []string
}

// catalogFormData is a catalog's form page.
type catalogFormData struct {
	Kind      string
	WritePerm string // the permission saving needs
	ID        string
	New       bool
	Fields    []formField
	Register  *torg.Register // set on a register's page: its exchange state and token
}

// catalogOf implements catalog for one kind of item T made from In.
type catalogOf[T any, In interface{ Apply(*T) error }] struct {
	u       *UI
	name    string
	cat     *store.Catalog[T, In]
	fields  []fieldSpec
	columns []string
	id      func(*T) string
	values  func(fmtr, *T) url.Values
	input   func(url.Values, *torg.Fields) In
	cells   func(fmtr, *T, map[string]string) []cell // money and counts as such, for files
	// adminOnly: only admins create and change these items (registers and cash desks decide where a
	// till's cash is booked), as in the API.
	adminOnly bool
}

func (c *catalogOf[T, In]) kind() string { return c.name }

func (c *catalogOf[T, In]) writePerm() torg.Permission {
	if c.adminOnly {
		return torg.PermAdmin
	}
	return torg.PermWrite
}

func (c *catalogOf[T, In]) list(p *page) error {
	if format := p.r.URL.Query().Get("format"); format != "" {
		return c.export(p, format)
	}
	d := catalogListData{Kind: c.name, WritePerm: string(c.writePerm()), Columns: c.columns, Downloads: downloadLinks(p.r.URL)}
	page := torg.Page{Limit: 100}
	if after := p.r.URL.Query().Get("after"); after != "" {
		pos, err := torg.DecodeCursor(after)
		if err != nil {
			return errNotFound
		}
		page.After = pos
		d.First = pageURL(p.r.URL, "")
	}
	err := c.u.store.View(p.ctx, func(tx *store.Tx) error {
		items, err := c.cat.List(p.ctx, tx, "", page)
		if err != nil {
			return err
		}
		names, err := catalogNames(p.ctx, tx, c.name)
		if err != nil {
			return err
		}
		for i := range items.Items {
			row := catalogRow{ID: c.id(&items.Items[i])}
			for _, v := range c.cells(fmtr{p.lang}, &items.Items[i], names) {
				s, ok := v.(string)
				if !ok {
					s = cellText(p.lang, v, "")
				}
				row.Cells = append(row.Cells, s)
			}
			d.Rows = append(d.Rows, row)
		}
		if items.Next != nil {
			d.Next = pageURL(p.r.URL, *items.Next)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.u.render(p, http.StatusOK, "catalog", view{Nav: c.name, Title: "nav." + c.name, Data: d})
}

// export answers every item of the catalog as a file of the format.
func (c *catalogOf[T, In]) export(p *page, format string) error {
	t := table{}
	for _, l := range c.columns {
		t.Columns = append(t.Columns, column{l, "text"})
	}
	err := c.u.store.View(p.ctx, func(tx *store.Tx) error {
		items, err := everyPage(func(page torg.Page) ([]T, *string, error) {
			list, err := c.cat.List(p.ctx, tx, "", page)
			return list.Items, list.Next, err
		})
		if err != nil {
			return err
		}
		names, err := catalogNames(p.ctx, tx, c.name)
		for i := range items {
			t.Rows = append(t.Rows, c.cells(fmtr{p.lang}, &items[i], names))
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.u.export(p, c.name, t, format)
}

// catalogNames are the names a list shows for the ids its items refer to: registers show their
// warehouse and cash desk.
func catalogNames(ctx context.Context, tx *store.Tx, kind string) (map[string]string, error) {
	out := map[string]string{}
	if kind != "registers" {
		return out, nil
	}
	whs, err := store.Warehouses.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	for _, w := range whs.Items {
		out[w.ID] = w.Name
	}
	desks, err := store.CashDesks.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
	for _, d := range desks.Items {
		out[d.ID] = d.Name
	}
	return out, err
}

func (c *catalogOf[T, In]) edit(p *page) error {
	id := p.r.PathValue("id")
	var values url.Values
	var reg *torg.Register
	err := c.u.store.View(p.ctx, func(tx *store.Tx) error {
		if id == "" {
			values = url.Values{}
			return nil
		}
		item, err := c.cat.Get(p.ctx, tx, id)
		if err != nil {
			return err
		}
		values = c.values(fmtr{p.lang}, &item)
		reg = asRegister(&item)
		return nil
	})
	if err != nil {
		return err
	}
	return c.showForm(p, http.StatusOK, id, values, reg, formErrors{})
}

// asRegister is the item when it is a register.
func asRegister(item any) *torg.Register {
	r, _ := item.(*torg.Register)
	return r
}

func (c *catalogOf[T, In]) showForm(p *page, status int, id string, values url.Values, reg *torg.Register, errs formErrors) error {
	d := catalogFormData{Kind: c.name, WritePerm: string(c.writePerm()), ID: id, New: id == "", Register: reg}
	err := c.u.store.View(p.ctx, func(tx *store.Tx) error {
		for _, f := range c.fields {
			opts, err := fieldOptions(p.ctx, tx, p.lang, f.Kind)
			if err != nil {
				return err
			}
			d.Fields = append(d.Fields, formField{fieldSpec: f, Value: values.Get(f.Name), Options: opts})
		}
		return nil
	})
	if err != nil {
		return err
	}
	title := "nav." + c.name
	return c.u.render(p, status, "catalog_form", view{Nav: c.name, Title: title, Data: d, Errors: errs})
}

// fieldOptions are the choices of a select field.
func fieldOptions(ctx context.Context, tx *store.Tx, lang, kind string) ([]option, error) {
	var out []option
	switch kind {
	case "vat":
		for _, r := range torg.VATRates {
			out = append(out, option{string(r), vatLabel(lang, r)})
		}
	case "warehouse":
		whs, err := store.Warehouses.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
		if err != nil {
			return nil, err
		}
		for _, w := range whs.Items {
			out = append(out, option{w.ID, w.Code + " — " + w.Name})
		}
	case "cashdesk":
		desks, err := store.CashDesks.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
		if err != nil {
			return nil, err
		}
		out = append(out, option{"", "—"})
		for _, d := range desks.Items {
			out = append(out, option{d.ID, d.Code + " — " + d.Name})
		}
	}
	return out, nil
}

func (c *catalogOf[T, In]) save(p *page) error {
	id, values := p.r.PathValue("id"), p.r.PostForm
	var bad torg.Fields
	in := c.input(values, &bad)
	var saved T
	err := merge(bad, c.cat.Validate(in))
	if err == nil {
		err = c.u.store.Update(p.ctx, func(tx *store.Tx) (err error) {
			if id == "" {
				saved, err = c.cat.Create(p.ctx, tx, in)
			} else {
				saved, err = c.cat.Patch(p.ctx, tx, id, in)
			}
			return err
		})
	}
	if err == nil {
		return redirect(p, "/"+c.name+"/"+c.id(&saved)+"?ok=saved")
	}
	switch torg.ErrorCode(err) {
	case torg.CodeValidation, torg.CodeDuplicate, torg.CodeStateConflict:
		return c.showForm(p, http.StatusUnprocessableEntity, id, values, nil, formErrorsOf(p.lang, err, c.slot))
	}
	return err
}

// slot is the form field that shows an error of the named field ("barcodes[1]" shows at barcodes).
func (c *catalogOf[T, In]) slot(name string) string {
	base, _, _ := strings.Cut(name, "[")
	for _, f := range c.fields {
		if f.Name == base {
			return base
		}
	}
	return ""
}
