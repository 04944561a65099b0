package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
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

// TestTrustForwardedForFlag starts torg serve with --trust-forwarded-for: failed logins are counted
// per forwarded address, so one address slowed down leaves another free.
func TestTrustForwardedForFlag(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	addCheapUsers(t, dsn, 25)
	s := startServerOn(t, dsn, "--trust-forwarded-for")
	attempt := func(name, forwardedFor string) int {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(s.url + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))[1]
		form := url.Values{"name": {name}, "password": {"wrong password"}, "csrf": {token}}
		req, _ := http.NewRequest("POST", s.url+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err = c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	slowed := false
	for i := 0; i < 40 && !slowed; i++ {
		slowed = attempt(fmt.Sprintf("user-%d", i%25), fmt.Sprintf("192.0.2.%d, 198.51.100.1", i)) == http.StatusTooManyRequests
	}
	if !slowed {
		t.Fatal("40 failed logins from one forwarded address and none was slowed down")
	}
	if status := attempt("user-24", "198.51.100.2"); status != http.StatusUnauthorized {
		t.Fatalf("another forwarded address got %d, want 401", status)
	}
}

// addCheapUsers adds n managers user-0 … user-(n-1) to the database, their passwords hashed at
// bcrypt's lowest cost so that failing logins is quick.
func addCheapUsers(t *testing.T, dsn string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, _ := bcrypt.GenerateFromPassword([]byte("correct horse battery"), bcrypt.MinCost)
	err = st.Update(ctx, func(tx *store.Tx) error {
		for i := range n {
			if _, err := tx.AddUser(ctx, fmt.Sprintf("user-%d", i), torg.RoleManager, string(hash)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
