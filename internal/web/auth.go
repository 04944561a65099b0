package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/store"
)

// Cookie names.
const (
	sessionCookie = "torg_session"
	loginCookie   = "torg_login" // the CSRF token of the login form, before there is a session
	langCookie    = "torg_lang"
)

// page is one request as a handler sees it.
type page struct {
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	lang   string
	user   torg.User
	secret string // the session's secret; "" when not logged in
	csrf   string
}

// csrfFor derives a session's CSRF token from its secret, so that nothing more need be stored.
func csrfFor(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("torg csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// randomToken is 128 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site; maxAge < 0 deletes it.
func (u *UI) setCookie(p *page, name, value string, maxAge int) {
	http.SetCookie(p.w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.secure || p.r.TLS != nil})
}

// cookieName is the name of the session's or the login form's cookie. With secure cookies it has the
// __Host- prefix: a browser then keeps it only if this host set it over HTTPS for the path /, so
// neither a sibling subdomain nor a plain-HTTP answer can plant one.
func (u *UI) cookieName(name string) string {
	if u.secure {
		return "__Host-" + name
	}
	return name
}

// loginToken is the login form's CSRF token for the login cookie's value: an HMAC under a key kept in
// the database, so a cookie an attacker plants is worth nothing without the token the server made for it.
func (u *UI) loginToken(ctx context.Context, cookie string) (string, error) {
	u.keyMu.Lock()
	defer u.keyMu.Unlock()
	if u.loginKey == nil {
		err := u.store.Update(ctx, func(tx *store.Tx) (err error) { u.loginKey, err = tx.ServerKey(ctx, "web_login"); return err })
		if err != nil {
			return "", err
		}
	}
	m := hmac.New(sha256.New, u.loginKey)
	m.Write([]byte("torg login csrf\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// authenticate finds the request's session; ok is false when there is none.
func (u *UI) authenticate(p *page) (bool, error) {
	c, err := p.r.Cookie(u.cookieName(sessionCookie))
	if err != nil || c.Value == "" {
		return false, nil
	}
	var s store.WebSession
	err = u.store.View(p.ctx, func(tx *store.Tx) (err error) { s, err = tx.WebSession(p.ctx, c.Value); return err })
	if torg.ErrorCode(err) == torg.CodeUnauthorized {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p.user, p.secret, p.csrf = s.User, c.Value, csrfFor(c.Value)
	return true, nil
}

// checkCSRF compares the form's token with the session's (or, before login, the one made for the
// login cookie).
func (u *UI) checkCSRF(p *page) (bool, error) {
	want := p.csrf
	if want == "" {
		c, err := p.r.Cookie(u.cookieName(loginCookie))
		if err != nil || c.Value == "" {
			return false, nil
		}
		if want, err = u.loginToken(p.ctx, c.Value); err != nil {
			return false, err
		}
	}
	got := p.r.PostFormValue("csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1, nil
}

// loginForm is what the login page shows.
type loginForm struct {
	Name  string
	Next  string
	Error string // an i18n key
}

func (u *UI) loginPage(p *page) error {
	if p.user.ID != "" {
		return redirect(p, "/orders")
	}
	return u.showLogin(p, http.StatusOK, loginForm{Next: safeNext(p.r.URL.Query().Get("next"))})
}

func (u *UI) showLogin(p *page, status int, f loginForm) error {
	value := randomToken()
	if c, err := p.r.Cookie(u.cookieName(loginCookie)); err == nil && len(c.Value) >= 16 {
		value = c.Value // another open login tab keeps working
	}
	token, err := u.loginToken(p.ctx, value)
	if err != nil {
		return err
	}
	u.setCookie(p, u.cookieName(loginCookie), value, 3600)
	p.csrf = token
	return u.render(p, status, "login", view{Title: "login.title", Data: f})
}

func (u *UI) login(p *page) error {
	name, password := strings.TrimSpace(p.r.PostFormValue("name")), p.r.PostFormValue("password")
	f := loginForm{Name: name, Next: safeNext(p.r.PostFormValue("next"))}
	addr := clientAddr(p.r, u.trustForwardedFor)
	if wait := u.limiter.wait(name, addr); wait > 0 {
		return u.refuseLogin(p, f, "login.throttled", wait)
	}
	user, err := u.checkPassword(p.ctx, name, password, addr)
	var wait waitError
	switch {
	case errors.As(err, &wait):
		return u.refuseLogin(p, f, "login.throttled", time.Duration(wait))
	case errors.Is(err, errBusy):
		return u.refuseLogin(p, f, "login.busy", u.gate.wait)
	case errors.Is(err, errWrongPassword):
		u.limiter.fail(name, addr)
		f.Error = "login.wrong"
		return u.showLogin(p, http.StatusUnauthorized, f)
	case err != nil:
		return err
	}
	if user.Disabled {
		f.Error = "login.disabled"
		return u.showLogin(p, http.StatusForbidden, f)
	}
	u.limiter.succeed(name)
	var secret string
	err = u.store.Update(p.ctx, func(tx *store.Tx) (err error) {
		secret, err = tx.CreateWebSession(p.ctx, user.ID, sessionTTL)
		return err
	})
	if err != nil {
		return err
	}
	u.setCookie(p, u.cookieName(sessionCookie), secret, int(sessionTTL.Seconds()))
	u.setCookie(p, u.cookieName(loginCookie), "", -1)
	return redirect(p, f.Next)
}

// refuseLogin answers 429 with the login form, the message, and when to try again.
func (u *UI) refuseLogin(p *page, f loginForm, message string, wait time.Duration) error {
	p.w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	f.Error = message
	return u.showLogin(p, http.StatusTooManyRequests, f)
}

// Why checkPassword refuses a login.
var (
	errWrongPassword = errors.New("web: wrong user name or password")
	errBusy          = errors.New("web: too many password checks at once")
)

// waitError is the wait a login must keep because failures came in while it queued.
type waitError time.Duration

func (waitError) Error() string { return "web: login throttled" }

// dummyHash is compared against when the user does not exist, so that a wrong name takes as long as
// a wrong password; it is made on first use.
func (u *UI) dummyHash() []byte {
	u.dummyOnce.Do(func() { u.dummy, _ = bcrypt.GenerateFromPassword([]byte(randomToken()), 12) })
	return u.dummy
}

// checkPassword finds the user and checks the password in a slot of the password gate. It refuses
// with errBusy when no slot comes free in time, waitError when failures came in while it waited,
// and errWrongPassword.
func (u *UI) checkPassword(ctx context.Context, name, password, addr string) (torg.User, error) {
	if !u.gate.enter(ctx) {
		return torg.User{}, errBusy
	}
	defer u.gate.leave()
	if wait := u.limiter.wait(name, addr); wait > 0 {
		return torg.User{}, waitError(wait)
	}
	var user torg.User
	var hash string
	err := u.store.View(ctx, func(tx *store.Tx) (err error) { user, hash, err = tx.UserPassword(ctx, name); return err })
	known := err == nil
	if torg.ErrorCode(err) == torg.CodeNotFound {
		hash = string(u.dummyHash())
	} else if err != nil {
		return user, err
	}
	if u.gate.onCheck != nil {
		u.gate.onCheck()
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if !known || errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return torg.User{}, errWrongPassword
	}
	return user, err
}

func (u *UI) logout(p *page) error {
	if p.secret != "" {
		if err := u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.DeleteWebSession(p.ctx, p.secret) }); err != nil {
			return err
		}
	}
	u.setCookie(p, u.cookieName(sessionCookie), "", -1)
	return redirect(p, "/login")
}

// safeNext is the one check of every return address a request names: a path on this site, or "/".
// A browser strips tabs and newlines from a URL and reads a backslash as a slash, so "/\t/evil" and
// "/\\evil" lead to another host; the address is refused when it, or its percent-decoding, is not a
// plain local path.
func safeNext(next string) string {
	decoded, err := url.PathUnescape(next)
	if err != nil || !isLocalPath(next) || !isLocalPath(decoded) || next == "/login" {
		return "/"
	}
	return next
}

// isLocalPath reports whether s starts with one "/", not followed by "/" or "\", and has no
// backslash, control character or invalid UTF-8 anywhere.
func isLocalPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !utf8.ValidString(s) || strings.Contains(s, "\\") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}

// setLanguage remembers the chosen language and goes back.
func (u *UI) setLanguage(p *page) error {
	lang := p.r.PathValue("lang")
	if !isLanguage(lang) {
		return errNotFound
	}
	u.setCookie(p, langCookie, lang, 365*24*3600)
	next := safeNext(p.r.URL.Query().Get("next"))
	if p.user.ID == "" && strings.HasPrefix(next, "/orders") {
		next = "/login?next=" + url.QueryEscape(next)
	}
	return redirect(p, next)
}
