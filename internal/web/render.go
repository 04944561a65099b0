package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
	"time"

	"torg"
)

// pageTemplate is one page's template set: the layout, its partials and the page.
type pageTemplate = template.Template

// view is what every page's template gets.
type view struct {
	Lang  string
	User  *torg.User
	CSRF  string
	Path  string // the request's path and query, for the language switch and the login's return
	Nav   string // the section the navigation highlights
	Title string // an i18n key
	Flash string // an i18n key: what the last action did
	// FlashText is the flash message as shown: Flash translated, with the count n= of the query when
	// the message has one.
	FlashText string
	Errors    formErrors
	Data      any
}

// Can reports whether the user may do what the permission guards.
func (v view) Can(perm string) bool {
	return v.User != nil && v.User.Role.Allows(torg.Permission(perm))
}

// formErrors holds a form's field errors by field path, and errors that belong to no shown field.
type formErrors struct {
	Fields  map[string]string
	General []string
}

// Err is the message of a field, "" when it is fine.
func (v view) Err(field string) string { return v.Errors.Fields[field] }

// Any reports whether the form has any error.
func (e formErrors) Any() bool { return len(e.Fields) > 0 || len(e.General) > 0 }

// parseTemplates parses every page with the layout, once per language, and marks each template so
// that its execution is reported to onRender.
func (u *UI) parseTemplates(onRender func(string)) error {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	mark := func(name string) string {
		if onRender != nil {
			onRender(name)
		}
		return ""
	}
	u.pages = map[string]map[string]*pageTemplate{}
	seen := map[string]bool{}
	for _, lang := range languages {
		u.pages[lang] = map[string]*pageTemplate{}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if name == "layout" {
				continue
			}
			t := template.New(name).Funcs(funcs(lang)).Funcs(template.FuncMap{"mark": mark})
			if t, err = t.ParseFS(assets, "templates/layout.html", f); err != nil {
				return err
			}
			keys, err := markTemplates(t)
			if err != nil {
				return err
			}
			for _, k := range keys {
				seen[k] = true
			}
			u.pages[lang][name] = t
		}
	}
	for k := range seen {
		u.all = append(u.all, k)
	}
	slices.Sort(u.all)
	return nil
}

// markTemplates puts {{mark "file:name"}} first in every defined template of the set.
func markTemplates(t *template.Template) ([]string, error) {
	var keys []string
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil || strings.HasSuffix(tt.Name(), ".html") || tt.Name() == t.Name() {
			continue
		}
		key := strings.TrimSuffix(tt.Tree.ParseName, ".html") + ":" + tt.Name()
		trees, err := parse.Parse("mark", `{{mark "`+key+`"}}`, "{{", "}}", map[string]any{"mark": func(string) string { return "" }})
		if err != nil {
			return nil, err
		}
		tt.Tree.Root.Nodes = append([]parse.Node{trees["mark"].Root.Nodes[0]}, tt.Tree.Root.Nodes...)
		keys = append(keys, key)
	}
	return keys, nil
}

// funcs are the template functions of one language.
func funcs(lang string) template.FuncMap {
	f := fmtr{lang}
	return template.FuncMap{
		"T":       func(key string) string { return translate(lang, key) },
		"money":   f.money,
		"moneyIn": f.moneyInput,
		"qty":     f.qty,
		"date":    f.date,
		"dateOf": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return f.date(*t)
		},
		"dateIn":    dateInput,
		"status":    func(s torg.Status) string { return translate(lang, "status."+string(s)) },
		"state":     func(s torg.DeliveryState) string { return translate(lang, "state."+string(s)) },
		"txstate":   func(s torg.TxState) string { return translate(lang, "tx."+string(s)) },
		"reason":    func(s *string) string { return reasonText(lang, s) },
		"deref":     deref,
		"str":       func(v any) string { return fmt.Sprint(v) },
		"pct":       func(r torg.VATRate) string { return vatLabel(lang, r) },
		"since":     func(t *time.Time) string { return sinceText(lang, t) },
		"inc":       func(i int) int { return i + 1 },
		"int64":     func(q torg.Quantity) int64 { return int64(q) },
		"emptyRuns": func(n int) string { return fmt.Sprintf(translate(lang, "job.empty."+pluralForm(lang, n)), n) },
		"span":      f.span,
		"langs":     func() []string { return languages },
		"navItem":   func(v view, key string) navLink { return navLink{Key: key, Active: v.Nav == key} },
		"took":      func(start time.Time, end *time.Time) string { return took(lang, start, end) },
		"msg":       func(s string) string { return torg.Localize(lang, s) },
		"every":     func(d string) string { return everyText(lang, d) },
		"rub":       func() string { return "\u00a0₽" },
		"barcode":   barcodeSVG,
		"tableView": func(t table, id string) tableView { return tableView{Table: t, ID: id} },
		"link": func(t table, i int) string {
			if i < len(t.Links) {
				return t.Links[i]
			}
			return ""
		},
		"cellText": func(c cell, kind string) string { return cellText(lang, c, kind) },
	}
}

// navLink is an entry of the navigation.
type navLink struct {
	Key    string
	Active bool
}

// took is how long a run took, as the language writes it («12 мс», «3 с»), "…" while it runs.
func took(lang string, start time.Time, end *time.Time) string {
	if end == nil {
		return "…"
	}
	d := end.Sub(start)
	if d < time.Second {
		return fmt.Sprintf(translate(lang, "job.ms"), d.Round(time.Millisecond).Milliseconds())
	}
	return torg.DurationText(lang, d.Round(time.Second))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func reasonText(lang string, s *string) string {
	if s == nil {
		return ""
	}
	if t := translate(lang, "conflict."+*s); t != "conflict."+*s {
		return t
	}
	return *s
}

func vatLabel(lang string, r torg.VATRate) string {
	if r == "none" {
		return translate(lang, "vat.none")
	}
	return string(r) + "%"
}

// sinceText says how long ago a time was, roughly.
func sinceText(lang string, t *time.Time) string {
	if t == nil {
		return translate(lang, "never")
	}
	d := time.Since(*t).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf(translate(lang, "ago.s"), int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(translate(lang, "ago.m"), int(d.Minutes()))
	}
	return (fmtr{lang}).date(*t)
}

// render writes the page with the status.
func (u *UI) render(p *page, status int, name string, v view) error {
	t := u.pages[p.lang][name]
	if t == nil {
		return fmt.Errorf("web: no page %q", name)
	}
	v.Lang, v.CSRF, v.Path = p.lang, p.csrf, p.r.URL.RequestURI()
	if p.user.ID != "" {
		user := p.user
		v.User = &user
	}
	if v.Flash == "" {
		v.Flash = flashKey(p.r.URL.Query().Get("ok"))
	}
	if v.Flash != "" {
		v.FlashText = flashText(p.lang, v.Flash, p.r.URL.Query().Get("n"))
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	p.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p.w.Header().Set("Cache-Control", "no-store")
	p.w.WriteHeader(status)
	_, err := p.w.Write(buf.Bytes())
	return err
}

// flashKey turns the ok= parameter of a redirect into a message key, only for known actions.
func flashKey(ok string) string {
	if ok == "" || !hasKey("flash."+ok) {
		return ""
	}
	return "flash." + ok
}

// flashText is the flash message of the key in the language, with the count n put in where the
// message has a place for one (only a number is taken from the query).
func flashText(lang, key, n string) string {
	msg := translate(lang, key)
	if !strings.Contains(msg, "%d") {
		return msg
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return translate(lang, "flash.done")
	}
	return fmt.Sprintf(msg, count)
}

// redirect answers 303 See Other to the path.
func redirect(p *page, to string) error {
	http.Redirect(p.w, p.r, to, http.StatusSeeOther)
	return nil
}
