package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// redirectCases are return addresses that must lead back to this site's front page: each one is a
// way a browser can be sent elsewhere (tabs and newlines it strips, backslashes it reads as
// slashes, a scheme, a second slash). Values are as the handler reads them, after one decoding.
var redirectCases = []struct{ name, next string }{
	{"two slashes", "//evil.example"},
	{"a slash and a backslash", `/\evil.example`},
	{"a tab between the slashes", "/\t/evil.example"},
	{"a percent-encoded tab left encoded", "/%09/evil.example"},
	{"a backslash later in the path", `/orders\..\\evil.example`},
	{"an encoded backslash after the slash", "/%5Cevil.example"},
	{"encoded slashes", "%2F%2Fevil.example"},
	{"a slash and encoded slashes", "/%2F/evil.example"},
	{"a slash and an encoded backslash", "/%5C/evil.example"},
	{"a scheme", "https://evil.example"},
	{"javascript", "javascript:alert(1)"},
	{"CR LF", "/\r\nSet-Cookie: x=1"},
	{"an encoded CR LF", "/%0d%0aSet-Cookie: x=1"},
	{"a newline between the slashes", "/\n/evil.example"},
	{"a NUL", "/\x00/evil.example"},
	{"a C1 control", "/\u0085/evil.example"},
	{"DEL", "/\x7f/evil.example"},
	{"nothing after a scheme-relative start", "//"},
	{"not a path", "evil.example"},
	{"empty", ""},
}

// localCases are return addresses that stay as they are.
var localCases = []string{"/reports/stock", "/customers?after=abc&limit=5", "/products?q=%D0%BC%D1%8B%D0%BB%D0%BE"}

// noFollow is a cookie-keeping client that reports redirects instead of following them.
func noFollow() *http.Client {
	c := newJarClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// location sends the request and returns the status and the Location header.
func locationOf(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func TestLanguageSwitchReturnsOnlyToThisSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := noFollow()
	try := func(t *testing.T, rawQuery, want string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.url+"/lang/en", nil)
		req.URL.RawQuery = rawQuery
		status, loc := locationOf(t, c, req)
		if status != http.StatusSeeOther || loc != want {
			t.Fatalf("?%s: %d to %q, want 303 to %q", rawQuery, status, loc, want)
		}
	}
	for _, tc := range redirectCases {
		t.Run(tc.name+", percent-encoded", func(t *testing.T) { try(t, "next="+url.QueryEscape(tc.next), "/") })
		if !strings.ContainsAny(tc.next, "\x00\t\r\n\x7f\u0085 ") { // a raw control cannot be sent in a request line
			t.Run(tc.name+", raw", func(t *testing.T) { try(t, "next="+tc.next, "/") })
		}
	}
	t.Run("the reported address itself", func(t *testing.T) { try(t, "next=/%09/evil.example", "/") })
	for _, next := range localCases {
		t.Run("a local path "+next+" is kept", func(t *testing.T) { try(t, "next="+url.QueryEscape(next), next) })
	}
}

func TestLoginReturnsOnlyToThisSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	try := func(t *testing.T, next, want string) {
		t.Helper()
		c := &client{e: e, http: noFollow()}
		page := c.get("/login", 200)
		m := csrfField.FindStringSubmatch(page.body)
		form := url.Values{"name": {"admin"}, "password": {password}, "next": {next}, "csrf": {m[1]}}
		req, _ := http.NewRequest("POST", e.url+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, loc := locationOf(t, c.http, req)
		if status != http.StatusSeeOther || loc != want {
			t.Fatalf("next=%q: %d to %q, want 303 to %q", next, status, loc, want)
		}
	}
	for _, tc := range redirectCases {
		t.Run(tc.name, func(t *testing.T) { try(t, tc.next, "/") })
	}
	for _, next := range localCases {
		t.Run("a local path "+next+" is kept", func(t *testing.T) { try(t, next, next) })
	}
	t.Run("the login page carries only a safe address into its form", func(t *testing.T) {
		c := &client{e: e, http: newJarClient()}
		page := c.get("/login?next="+url.QueryEscape("/\t/evil.example"), 200)
		page.contains(t, `name="next" value="/"`)
	})
}

// TestLanguageSwitchStaysOnThisSiteInTheBrowser follows the reported address, and the same trick
// aimed at a second local server, in Chromium: the tab stays on the back office's origin.
func TestLanguageSwitchStaysOnThisSiteInTheBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>elsewhere</title><h1 id="elsewhere">elsewhere</h1>`)
	}))
	defer other.Close()
	otherHost := strings.TrimPrefix(other.URL, "http://")
	ctx := browser(t)
	for _, next := range []string{"/%09/evil.example", "/%09/" + otherHost + "/", "/%5C" + otherHost + "/", "/%0A/" + otherHost + "/",
		"%2F%2F" + otherHost + "/", "/%2F" + otherHost + "/"} {
		chromedp.Do(ctx, chromedp.Navigate(e.url+"/lang/en?next="+next)) // an error page is judged by its address below
		if loc := location(t, ctx); !strings.HasPrefix(loc, e.url+"/") {
			t.Errorf("next=%s led the browser to %s", next, loc)
		}
	}
}
