package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"torg"
)

// errNotFound answers a page that does not exist.
var errNotFound = torg.Errorf(torg.CodeNotFound, "page not found")

// errCSRF refuses a form that is not this site's own: its token is wrong, or the browser says it
// was sent from another origin.
var errCSRF = torg.Errorf(torg.CodeForbidden, "csrf")

// maxFormBytes limits a form's body.
const maxFormBytes = 1 << 20

// wrap adds to a route what every request gets: security headers, the language, the session and
// permission, the CSRF check of a form, recovery from panics, a log line and the error page.
func (u *UI) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		p := &page{w: w, r: r, ctx: r.Context(), lang: language(r)}
		defer func() {
			if v := recover(); v != nil {
				u.log.Error("web panic", "path", r.URL.Path, "panic", v)
				u.fail(p, errors.New("panic"))
			}
			u.log.Debug("web request", "method", r.Method, "route", rt.path, "took", time.Since(start).Round(time.Microsecond))
		}()
		headers(w)
		if err := u.admit(p, rt); err != nil {
			u.fail(p, err)
			return
		}
		if p.w.Header().Get("Location") != "" {
			return
		}
		if err := rt.handle(p); err != nil {
			u.fail(p, err)
		}
	})
}

// headers are the security headers of every answer.
func headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
}

// admit authenticates the request, checks the route's permission and a form's CSRF token. A
// request without a session is sent to the login page.
func (u *UI) admit(p *page, rt route) error {
	if rt.perm == permPublic && strings.HasPrefix(rt.path, "/static/") {
		return nil
	}
	ok, err := u.authenticate(p)
	if err != nil {
		return err
	}
	if rt.perm != permPublic {
		if !ok {
			if p.r.Method == http.MethodGet {
				return redirect(p, "/login?next="+url.QueryEscape(p.r.URL.RequestURI()))
			}
			return redirect(p, "/login")
		}
		if !p.user.Role.Allows(rt.perm) {
			return torg.Errorf(torg.CodeForbidden, "forbidden")
		}
	}
	if p.r.Method == http.MethodPost {
		return u.checkForm(p)
	}
	return nil
}

// checkForm reads a posted form and refuses it unless it is this site's own: not sent from another
// origin (as the browser tells), and carrying the right CSRF token.
func (u *UI) checkForm(p *page) error {
	p.r.Body = http.MaxBytesReader(p.w, p.r.Body, maxFormBytes)
	if err := p.r.ParseForm(); err != nil {
		return torg.Errorf(torg.CodeMalformed, "the form could not be read")
	}
	if u.crossOrigin.Check(p.r) != nil {
		return errCSRF
	}
	ok, err := u.checkCSRF(p)
	if err != nil {
		return err
	}
	if !ok {
		return errCSRF
	}
	return nil
}

// errorPages is the error page of each code the UI explains to its users; any other error is
// internal. The status is the code's own (torg.Code.Status).
var errorPages = map[torg.Code]string{
	torg.CodeNotFound:    "error.not_found",
	torg.CodeForbidden:   "error.forbidden",
	torg.CodeMalformed:   "error.malformed",
	torg.CodeUnavailable: "error.unavailable",
}

// fail answers an error with the error page; causes are logged, never shown.
func (u *UI) fail(p *page, err error) {
	if errors.Is(err, context.Canceled) && p.r.Context().Err() != nil {
		return
	}
	code := torg.ErrorCode(err)
	key, ok := errorPages[code]
	switch {
	case !ok:
		code, key = torg.CodeInternal, "error.internal"
		u.log.Error("web error", "path", p.r.URL.Path, "err", err)
	case errors.Is(err, errCSRF):
		key = "error.csrf"
	}
	if err := u.render(p, code.Status(), "error", view{Title: key, Data: key}); err != nil {
		u.log.Error("web error page", "err", err)
	}
}

func (u *UI) serveStatic(p *page) error {
	p.w.Header().Set("Cache-Control", "public, max-age=3600")
	u.static.ServeHTTP(p.w, p.r)
	return nil
}
