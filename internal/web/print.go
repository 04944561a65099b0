package web

import (
	"net/http"

	"torg"
	"torg/internal/forms"
	"torg/internal/store"
)

// printForm answers a document's print form (the kind's first, or ?form=), the page «Печать»
// opens; a document that does not exist, or a form it does not have, is the not-found page in the
// UI's language.
func (u *UI) printForm(kind string) func(*page) error {
	return func(p *page) error {
		if _, err := forms.Choose(kind, p.r.URL.Query().Get("form")); err != nil {
			return errNotFound
		}
		var out []byte
		err := u.store.View(p.ctx, func(tx *store.Tx) error {
			d, err := forms.Load(p.ctx, tx, kind, p.r.PathValue("id"), p.r.URL.Query().Get("form"))
			if err != nil {
				return err
			}
			out, err = forms.Render(d)
			return err
		})
		if err != nil {
			return err
		}
		p.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		p.w.Header().Set("Cache-Control", "no-store")
		p.w.WriteHeader(http.StatusOK)
		_, err = p.w.Write(out)
		return err
	}
}

// settingsData is the organisation's details form.
type settingsData struct {
	Org torg.Organisation
}

func (u *UI) showSettings(p *page) error {
	var d settingsData
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) { d.Org, err = tx.Organisation(p.ctx); return err })
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "settings", view{Nav: "settings", Title: "nav.settings", Data: d})
}

func (u *UI) saveSettings(p *page) error {
	f := p.r.PostForm // read and checked for CSRF by the wrapper
	d := settingsData{Org: torg.Organisation{Name: f.Get("name"), INN: f.Get("inn"), KPP: f.Get("kpp"), Address: f.Get("address"),
		Head: f.Get("head"), Accountant: f.Get("accountant")}}
	err := u.store.Update(p.ctx, func(tx *store.Tx) error { _, err := tx.SaveOrganisation(p.ctx, d.Org); return err })
	if torg.ErrorCode(err) == torg.CodeValidation {
		return u.render(p, http.StatusUnprocessableEntity, "settings", view{Nav: "settings", Title: "nav.settings", Data: d,
			Errors: formErrorsOf(p.lang, err, func(f string) string { return f })})
	}
	if err != nil {
		return err
	}
	return redirect(p, "/settings?ok=saved")
}
