package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/store"
	"torg/internal/web"
)

// addUsers adds n managers named user-0 … user-(n-1) with the test password, cheaply hashed.
func addUsers(t *testing.T, e *env, n int) {
	t.Helper()
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	ctx := context.Background()
	err := e.store.Update(ctx, func(tx *store.Tx) error {
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

// tryLogin posts the login form from a fresh login page, with the headers given, and returns the
// status and the body.
func tryLogin(t *testing.T, e *env, name, pass string, header ...string) (int, string) {
	t.Helper()
	token, cookies := loginPage(t, e)
	status, body, err := send(loginAsRequest(e, name, pass, token, cookies, header...))
	if err != nil {
		t.Fatal(err)
	}
	return status, body
}

// send sends the request without following a redirect.
func send(req *http.Request) (int, string, error) {
	resp, err := noFollow().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestLoginThrottlingPerAddress(t *testing.T) {
	t.Run("one address rotating names is slowed down", func(t *testing.T) {
		e := newEnv(t, "sqlite")
		addUsers(t, e, 40)
		refused := -1
		for i := range 40 {
			status, body := tryLogin(t, e, fmt.Sprintf("user-%d", i), "wrong-password", "Accept-Language", "en")
			if status == http.StatusTooManyRequests {
				if !strings.Contains(body, "Too many failed attempts") {
					t.Fatalf("the 429 page says:\n%s", body)
				}
				refused = i
				break
			}
			if status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: status %d", i, status)
			}
		}
		if refused < 0 {
			t.Fatal("40 names failed from one address and none was slowed down")
		}
		if status, _ := tryLogin(t, e, "user-39", password, "X-Forwarded-For", "203.0.113.9"); status != http.StatusTooManyRequests {
			t.Fatalf("an untrusted X-Forwarded-For got the address out of its wait: %d", status)
		}
		token, cookies := loginPage(t, e)
		resp, status := statusOf(t, loginAsRequest(e, "user-38", password, token, cookies))
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); status != http.StatusTooManyRequests || err != nil || secs < 1 {
			t.Fatalf("the address's next login: %d, Retry-After %q", status, resp.Header.Get("Retry-After"))
		}
	})
	t.Run("behind a trusted proxy each forwarded address counts apart", func(t *testing.T) {
		e := newEnv(t, "sqlite", func(c *web.Config) { c.TrustForwardedFor = true })
		addUsers(t, e, 40)
		refused := false
		for i := 0; i < 40 && !refused; i++ {
			status, _ := tryLogin(t, e, fmt.Sprintf("user-%d", i), "wrong-password", "X-Forwarded-For", "198.51.100.1, 203.0.113.5")
			refused = status == http.StatusTooManyRequests
		}
		if !refused {
			t.Fatal("the forwarded address was never slowed down")
		}
		if status, _ := tryLogin(t, e, "user-39", password, "X-Forwarded-For", "198.51.100.1, 203.0.113.6"); status != http.StatusSeeOther {
			t.Fatalf("another forwarded address could not log in: %d", status)
		}
	})
}

func TestPasswordChecksAreBounded(t *testing.T) {
	var mu sync.Mutex
	inside, most := 0, 0
	entered, release := make(chan struct{}, 10), make(chan struct{})
	hold := func() {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		inside--
		mu.Unlock()
	}
	e := newEnv(t, "sqlite", web.WithPasswordGate(2, 100*time.Millisecond, hold))
	addUsers(t, e, 6)
	type answer struct {
		status int
		body   string
	}
	answers := make(chan answer, 6)
	for i := range 6 {
		token, cookies := loginPage(t, e)
		req := loginAsRequest(e, fmt.Sprintf("user-%d", i), "wrong-password", token, cookies, "Accept-Language", "en")
		go func() {
			status, body, err := send(req)
			if err != nil {
				body = err.Error()
			}
			answers <- answer{status, body}
		}()
	}
	<-entered
	<-entered
	for range 4 { // the two checks hold their slots: the other four logins are turned away
		a := <-answers
		if a.status != http.StatusTooManyRequests || !strings.Contains(a.body, "Too many logins at once") {
			t.Fatalf("a login over the ceiling got %d:\n%s", a.status, a.body)
		}
	}
	close(release)
	for range 2 {
		if a := <-answers; a.status != http.StatusUnauthorized {
			t.Fatalf("a login in a slot got %d", a.status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if most != 2 {
		t.Fatalf("%d password checks ran at once, the ceiling is 2", most)
	}
}
