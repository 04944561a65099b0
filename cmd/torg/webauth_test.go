package main

import (
	"net/http"
	"testing"
)

// TestSecureCookiesFlag starts torg serve with --secure-cookies, and with TORG_SECURE_COOKIES: the
// login page's cookie is then Secure and __Host- prefixed; without either it is neither.
func TestSecureCookiesFlag(t *testing.T) {
	loginCookie := func(t *testing.T, s *testServer) *http.Cookie {
		t.Helper()
		resp, err := http.Get(s.url + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cs := resp.Cookies(); len(cs) == 1 {
			return cs[0]
		}
		t.Fatalf("cookies %v", resp.Cookies())
		return nil
	}
	t.Run("the flag", func(t *testing.T) {
		c := loginCookie(t, startServer(t, "sqlite", "--secure-cookies"))
		if c.Name != "__Host-torg_login" || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("the environment", func(t *testing.T) {
		t.Setenv("TORG_SECURE_COOKIES", "true")
		c := loginCookie(t, startServer(t, "sqlite"))
		if c.Name != "__Host-torg_login" || !c.Secure {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("the default", func(t *testing.T) {
		c := loginCookie(t, startServer(t, "sqlite"))
		if c.Name != "torg_login" || c.Secure {
			t.Fatalf("%+v", c)
		}
	})
}
