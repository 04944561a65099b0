package web_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/api"
	"torg/internal/exchange"
	"torg/internal/kkmtransfer"
	"torg/internal/store"
	"torg/internal/store/storetest"
	"torg/internal/web"
)

// rendered records every template any test executed, for TestMain's check.
var rendered sync.Map

// allTemplates is the UI's list of templates, filled by the first env.
var allTemplates []string

// TestMain runs the tests and then, when the whole suite ran, fails if a template was never executed.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		missing := []string{}
		if len(allTemplates) < 20 {
			missing = append(missing, "(the UI listed only "+fmt.Sprint(len(allTemplates))+" templates)")
		}
		for _, name := range allTemplates {
			if _, ok := rendered.Load(name); !ok {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: templates no test executed: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// env is a whole back office — the API and the web UI over one store, wired as torg serve wires
// them — on a random loopback port.
type env struct {
	t     testing.TB
	url   string
	store *store.Store
	admin string // an admin API token
	ui    *web.UI
}

const password = "correct horse battery"

// newEnv starts a back office on a fresh database of the dialect, with users "admin" and "manager";
// options change the UI's configuration.
func newEnv(t testing.TB, dialect string, options ...func(*web.Config)) *env {
	t.Helper()
	hub := exchange.NewHub()
	return newEnvOn(t, storetest.New(t, dialect, store.OnPackages(hub.Wake)), hub, options...)
}

// newEnvOn starts a back office on a migrated store that wakes hub's long polls, with users "admin"
// and "manager".
func newEnvOn(t testing.TB, st *store.Store, hub *exchange.Hub, options ...func(*web.Config)) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	kkm := kkmtransfer.New(st, log, 0)
	srv := api.New(api.Config{Store: st, Log: log, AdminToken: "test-admin-token", Hub: hub, KKM: kkm})
	srv.SetReady(true)
	cfg := web.Config{Store: st, Log: log, KKM: kkm, OnRender: func(name string) { rendered.Store(name, true) }}
	for _, o := range options {
		o(&cfg)
	}
	ui := web.New(cfg)
	if allTemplates == nil {
		allTemplates = ui.Templates()
	}
	ts := httptest.NewServer(srv.Handler(ui.Handler()))
	t.Cleanup(func() { ui.Drain(); srv.Drain(); ts.Close() })
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddUser(ctx, "admin", torg.RoleAdmin, string(hash)); err != nil {
			return err
		}
		_, err := tx.AddUser(ctx, "manager", torg.RoleManager, string(hash))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: ts.URL, store: st, admin: "test-admin-token", ui: ui}
}

// client is a browser without JavaScript: a cookie jar and forms.
type client struct {
	e    *env
	http *http.Client
}

// login returns a client logged in as the user.
func (e *env) login(name string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{e: e, http: &http.Client{Jar: jar}}
	page := c.get("/login", 200)
	resp := c.post("/login", page, url.Values{"name": {name}, "password": {password}})
	if resp.status != 200 || !strings.Contains(resp.body, `id="logout"`) {
		e.t.Fatalf("login as %s: %d %s", name, resp.status, resp.body)
	}
	return c
}

// result is a page a client got.
type result struct {
	status int
	body   string
	url    string
}

func (c *client) do(req *http.Request) result {
	c.e.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), url: resp.Request.URL.String()}
}

// get fetches a page and fails unless it has the status.
func (c *client) get(path string, status int) result {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.url+path, nil)
	r := c.do(req)
	if r.status != status {
		c.e.t.Fatalf("GET %s: %d, want %d:\n%s", path, r.status, status, r.body)
	}
	return r
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form with the CSRF token of the page it is on.
func (c *client) post(path string, on result, form url.Values) result {
	c.e.t.Helper()
	m := csrfField.FindStringSubmatch(on.body)
	if m == nil {
		c.e.t.Fatalf("no CSRF token on the page for %s", path)
	}
	form.Set("csrf", m[1])
	req, _ := http.NewRequest("POST", c.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// api sends a request to the API as the admin and decodes nothing.
func (e *env) api(method, path, body string) string {
	e.t.Helper()
	status, b := e.call(method, path, e.admin, body)
	if status >= 300 {
		e.t.Fatalf("%s %s: %d %s", method, path, status, b)
	}
	return string(b)
}

// call sends a request to the API with a bearer token (none when empty).
func (e *env) call(method, path, token, body string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// contains fails unless the page has every string.
func (r result) contains(t testing.TB, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.body, w) {
			t.Fatalf("the page %s lacks %q:\n%s", r.url, w, r.body)
		}
	}
}

func dialects(t testing.TB) []string { return slices.Clone(storetest.Dialects(t)) }

func newJarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
