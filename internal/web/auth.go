package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

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

// setCookie sets an HttpOnly, SameSite=Lax cookie; maxAge < 0 deletes it.
func (u *UI) setCookie(p *page, name, value string, maxAge int) {
	http.SetCookie(p.w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.secure || p.r.TLS != nil})
}

// authenticate finds the request's session; ok is false when there is none.
func (u *UI) authenticate(p *page) (bool, error) {
	c, err := p.r.Cookie(sessionCookie)
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

// checkCSRF compares the form's token with the session's (or, before login, the login cookie's).
func (u *UI) checkCSRF(p *page) bool {
	want := p.csrf
	if want == "" {
		c, err := p.r.Cookie(loginCookie)
		if err != nil {
			return false
		}
		want = c.Value
	}
	got := p.r.PostFormValue("csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
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
	token := randomToken()
	if c, err := p.r.Cookie(loginCookie); err == nil && len(c.Value) >= 16 {
		token = c.Value // another open login tab keeps working
	}
	u.setCookie(p, loginCookie, token, 3600)
	p.csrf = token
	return u.render(p, status, "login", view{Title: "login.title", Data: f})
}

func (u *UI) login(p *page) error {
	name, password := strings.TrimSpace(p.r.PostFormValue("name")), p.r.PostFormValue("password")
	f := loginForm{Name: name, Next: safeNext(p.r.PostFormValue("next"))}
	if wait := u.limiter.wait(name); wait > 0 {
		f.Error = "login.throttled"
		return u.showLogin(p, http.StatusTooManyRequests, f)
	}
	user, ok, err := u.checkPassword(p.ctx, name, password)
	if err != nil {
		return err
	}
	if !ok {
		u.limiter.fail(name)
		f.Error = "login.wrong"
		return u.showLogin(p, http.StatusUnauthorized, f)
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
	u.setCookie(p, sessionCookie, secret, int(sessionTTL.Seconds()))
	u.setCookie(p, loginCookie, "", -1)
	return redirect(p, f.Next)
}

// dummyHash is compared against when the user does not exist, so that a wrong name takes as long as
// a wrong password; it is made on first use.
func (u *UI) dummyHash() []byte {
	u.dummyOnce.Do(func() { u.dummy, _ = bcrypt.GenerateFromPassword([]byte(randomToken()), 12) })
	return u.dummy
}

func (u *UI) checkPassword(ctx context.Context, name, password string) (torg.User, bool, error) {
	var user torg.User
	var hash string
	err := u.store.View(ctx, func(tx *store.Tx) (err error) { user, hash, err = tx.UserPassword(ctx, name); return err })
	if torg.ErrorCode(err) == torg.CodeNotFound {
		bcrypt.CompareHashAndPassword(u.dummyHash(), []byte(password))
		return user, false, nil
	}
	if err != nil {
		return user, false, err
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return user, false, nil
	}
	return user, err == nil, err
}

func (u *UI) logout(p *page) error {
	if p.secret != "" {
		if err := u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.DeleteWebSession(p.ctx, p.secret) }); err != nil {
			return err
		}
	}
	u.setCookie(p, sessionCookie, "", -1)
	return redirect(p, "/login")
}

// safeNext keeps a return path on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || next == "/login" {
		return "/orders"
	}
	return next
}

// loginLimiter slows down password guessing per user name: after maxFails failures in a row, each
// further attempt waits a little longer, up to lockMax.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

const (
	maxFails = 5
	lockMax  = 5 * time.Minute
)

func newLoginLimiter() *loginLimiter { return &loginLimiter{fails: map[string]*failures{}} }

// wait is how long the name must wait before its next attempt.
func (l *loginLimiter) wait(name string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.fails[strings.ToLower(name)]
	if f == nil || f.n < maxFails {
		return 0
	}
	lock := min(time.Duration(1<<min(f.n-maxFails, 10))*10*time.Second, lockMax)
	return time.Until(f.last.Add(lock))
}

func (l *loginLimiter) fail(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 10000 { // forget everyone rather than grow without bound
		l.fails = map[string]*failures{}
	}
	key := strings.ToLower(name)
	if l.fails[key] == nil {
		l.fails[key] = &failures{}
	}
	l.fails[key].n++
	l.fails[key].last = time.Now()
}

func (l *loginLimiter) succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, strings.ToLower(name))
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
