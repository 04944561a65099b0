package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"torg"
	"torg/internal/store"
)

// userID is the id of the user with the name.
func (e *env) userID(name string) string {
	e.t.Helper()
	var u torg.User
	err := e.store.View(context.Background(), func(tx *store.Tx) (err error) { u, _, err = tx.UserPassword(context.Background(), name); return err })
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// loggedIn reports whether the client's session still opens a page.
func (c *client) loggedIn() bool {
	c.e.t.Helper()
	r := c.get("/orders", 200)
	return strings.Contains(r.body, `id="logout"`) && !strings.Contains(r.url, "/login")
}

// tryLogin logs in with the password through a fresh client and returns the answer.
func (e *env) tryLogin(name, password string) result {
	e.t.Helper()
	c := &client{e: e, http: newJarClient()}
	return c.post("/login", c.get("/login", 200), url.Values{"name": {name}, "password": {password}})
}

func TestChangingOnesOwnPassword(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			here, elsewhere := e.login("manager"), e.login("manager")
			admin := e.login("admin")
			page := here.get("/account", 200)
			bad := here.post("/account/password", page, url.Values{"current_password": {"not my password"}, "new_password": {"short"}, "new_password2": {"other"}})
			if bad.status != 422 {
				t.Fatalf("a bad change: %d", bad.status)
			}
			bad.contains(t, "Неверный текущий пароль", "от 8 до 72 байт", "Пароли не совпадают")
			if !elsewhere.loggedIn() {
				t.Fatal("a refused change ended a session")
			}
			ok := here.post("/account/password", page, url.Values{"current_password": {password}, "new_password": {"новый пароль 2026"}, "new_password2": {"новый пароль 2026"}})
			if ok.status != 200 || !strings.Contains(ok.body, "Пароль изменён") {
				t.Fatalf("the change: %d %s", ok.status, ok.body)
			}
			if !here.loggedIn() {
				t.Error("the change ended the session it was made in")
			}
			if elsewhere.loggedIn() {
				t.Error("the user's session elsewhere outlived the change")
			}
			if !admin.loggedIn() {
				t.Error("another user's session ended")
			}
			if r := e.tryLogin("manager", password); r.status != 401 {
				t.Errorf("the old password still logs in: %d", r.status)
			}
			if r := e.tryLogin("manager", "новый пароль 2026"); r.status != 200 || !strings.Contains(r.body, `id="logout"`) {
				t.Errorf("the new password does not log in: %d", r.status)
			}
		})
	}
}

func TestAnAdminDisablesAndEnablesAUser(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			manager, admin := e.login("manager"), e.login("admin")
			id := e.userID("manager")
			if r := manager.post("/users/"+id+"/disable", manager.get("/orders", 200), url.Values{}); r.status != 403 {
				t.Fatalf("a manager disabled a user: %d", r.status)
			}
			users := admin.get("/users", 200)
			r := admin.post("/users/"+id+"/disable", users, url.Values{})
			if r.status != 200 || !strings.Contains(r.body, "Отключён") {
				t.Fatalf("disable: %d %s", r.status, r.body)
			}
			if manager.loggedIn() {
				t.Error("the disabled user's session lives on")
			}
			if r := e.tryLogin("manager", password); r.status == 200 || !strings.Contains(r.body, "отключён") {
				t.Errorf("a disabled user logs in: %d", r.status)
			}
			if r := admin.post("/users/"+e.userID("admin")+"/disable", users, url.Values{}); r.status != 422 || !strings.Contains(r.body, "себя") {
				t.Errorf("an admin disabled themself: %d", r.status)
			}
			if !admin.loggedIn() {
				t.Fatal("the admin was logged out")
			}
			r = admin.post("/users/"+id+"/enable", users, url.Values{})
			if r.status != 200 || strings.Contains(r.body, "Отключён") {
				t.Fatalf("enable: %d", r.status)
			}
			if r := e.tryLogin("manager", password); r.status != 200 || !strings.Contains(r.body, `id="logout"`) {
				t.Errorf("an enabled user cannot log in: %d", r.status)
			}
			if r := admin.post("/users/nope/disable", users, url.Values{}); r.status != 404 {
				t.Errorf("disabling a user who does not exist: %d", r.status)
			}
		})
	}
}
