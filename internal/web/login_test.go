package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"torg/internal/web"
)

// loginRequest is a login form's POST as admin with the token, the cookies and the headers given.
func loginRequest(e *env, token string, cookies []*http.Cookie, header ...string) *http.Request {
	return loginAsRequest(e, "admin", password, token, cookies, header...)
}

// loginAsRequest is a login form's POST with the name, password, token, cookies and headers given.
func loginAsRequest(e *env, name, pass, token string, cookies []*http.Cookie, header ...string) *http.Request {
	form := url.Values{"name": {name}, "password": {pass}, "csrf": {token}}
	req, _ := http.NewRequest("POST", e.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return req
}

// loginPage fetches the login page without a cookie jar: its token and the cookies it sets.
func loginPage(t *testing.T, e *env) (string, []*http.Cookie) {
	t.Helper()
	resp, err := http.Get(e.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfField.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no token on the login page:\n%s", body)
	}
	return m[1], resp.Cookies()
}

// statusOf sends the request without following a redirect.
func statusOf(t *testing.T, req *http.Request) (*http.Response, int) {
	t.Helper()
	resp, err := noFollow().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, resp.StatusCode
}

func TestLoginFormTokenCannotBeForged(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) { loginFormTokenCannotBeForged(t, newEnv(t, d)) })
	}
}

func loginFormTokenCannotBeForged(t *testing.T, e *env) {
	t.Run("a planted login cookie with a token of the attacker's choosing is refused", func(t *testing.T) {
		planted := []*http.Cookie{{Name: "torg_login", Value: "AAAAAAAAAAAAAAAAAAAAAA"}}
		if _, status := statusOf(t, loginRequest(e, "AAAAAAAAAAAAAAAAAAAAAA", planted)); status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", status)
		}
	})
	t.Run("a cookie and token the attacker fetched are refused from another site", func(t *testing.T) {
		token, cookies := loginPage(t, e)
		for _, h := range [][]string{
			{"Origin", "http://evil.example"},
			{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
		} {
			if _, status := statusOf(t, loginRequest(e, token, cookies, h...)); status != http.StatusForbidden {
				t.Errorf("%v: status %d, want 403", h, status)
			}
		}
	})
	t.Run("the form's own token logs in from the site itself", func(t *testing.T) {
		token, cookies := loginPage(t, e)
		resp, status := statusOf(t, loginRequest(e, token, cookies, "Origin", e.url, "Sec-Fetch-Site", "same-origin"))
		if status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("status %d to %q", status, resp.Header.Get("Location"))
		}
	})
	t.Run("a token is bound to its cookie", func(t *testing.T) {
		token, _ := loginPage(t, e)
		_, cookies := loginPage(t, e)
		if _, status := statusOf(t, loginRequest(e, token, cookies)); status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", status)
		}
	})
}

func cookieNamed(cookies []*http.Cookie, name string) *http.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *web.Config) { c.SecureCookies = true })
	token, cookies := loginPage(t, e)
	hostOnly := func(t *testing.T, c *http.Cookie, name string) {
		t.Helper()
		if c == nil {
			t.Fatalf("no %s cookie", name)
		}
		if !c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Fatalf("%s: %+v", name, c)
		}
	}
	t.Run("the login cookie is __Host- and Secure", func(t *testing.T) {
		hostOnly(t, cookieNamed(cookies, "__Host-torg_login"), "__Host-torg_login")
		if c := cookieNamed(cookies, "torg_login"); c != nil {
			t.Fatalf("also an unprefixed login cookie: %+v", c)
		}
	})
	t.Run("the same pair under the unprefixed name, as a sibling host could plant it, is refused", func(t *testing.T) {
		ours := cookieNamed(cookies, "__Host-torg_login")
		if ours == nil {
			t.Fatal("no __Host-torg_login cookie")
		}
		planted := []*http.Cookie{{Name: "torg_login", Value: ours.Value}}
		if _, status := statusOf(t, loginRequest(e, token, planted)); status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", status)
		}
	})
	var session *http.Cookie
	t.Run("logging in sets a __Host- Secure session cookie", func(t *testing.T) {
		resp, status := statusOf(t, loginRequest(e, token, cookies))
		if status != http.StatusSeeOther {
			t.Fatalf("status %d", status)
		}
		session = cookieNamed(resp.Cookies(), "__Host-torg_session")
		hostOnly(t, session, "__Host-torg_session")
		if c := cookieNamed(resp.Cookies(), "torg_session"); c != nil {
			t.Fatalf("also an unprefixed session cookie: %+v", c)
		}
	})
	t.Run("only the __Host- session cookie is read", func(t *testing.T) {
		if session == nil {
			t.Fatal("no session")
		}
		for name, want := range map[string]int{"__Host-torg_session": http.StatusOK, "torg_session": http.StatusSeeOther} {
			req, _ := http.NewRequest("GET", e.url+"/orders", nil)
			req.AddCookie(&http.Cookie{Name: name, Value: session.Value})
			if _, status := statusOf(t, req); status != want {
				t.Errorf("with %s: status %d, want %d", name, status, want)
			}
		}
	})
}
