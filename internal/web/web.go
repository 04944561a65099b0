// Package web is the back office's web UI for store staff: server-rendered pages (html/template,
// embedded assets, a little plain JavaScript) over the same store as the API.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"torg/internal/kkmtransfer"
	"torg/internal/store"
)

//go:embed templates static
var assets embed.FS

// Config is what the UI needs from its process.
type Config struct {
	Store *store.Store
	Log   *slog.Logger
	KKM   *kkmtransfer.Job
	// SecureCookies marks cookies Secure even on plain HTTP (behind a TLS proxy), and names the session
	// and login cookies with the __Host- prefix; over TLS cookies are always Secure.
	SecureCookies bool
	// TrustForwardedFor counts failed logins under the last X-Forwarded-For address (the one the proxy
	// in front added) instead of the connection's; only for a server that is reached through a proxy.
	TrustForwardedFor bool
	// WebhooksAllowPrivate lets a webhook name a loopback or private address (--webhooks-allow-private).
	WebhooksAllowPrivate bool
	// OnRender, when set, is told the name of every template executed (tests check that each one is).
	OnRender func(template string)

	gate *passwordGate // tests set their own
}

// UI serves the web pages.
type UI struct {
	store   *store.Store
	log     *slog.Logger
	kkm     *kkmtransfer.Job
	secure  bool
	pages   map[string]map[string]*pageTemplate // language → page → template set
	all     []string                            // every template, as "file:name"
	limiter *loginLimiter
	gate    *passwordGate
	// trustForwardedFor takes a client's address from X-Forwarded-For (Config.TrustForwardedFor).
	trustForwardedFor bool
	hooksLocal        bool // webhooks may name loopback and private addresses
	drain             chan struct{}
	drainOne          sync.Once
	dummy             []byte
	dummyOnce         sync.Once
	keyMu             sync.Mutex
	loginKey          []byte // the key of login form tokens, read from the database on first use
	static            http.Handler
	// crossOrigin refuses a form a browser says came from another origin (Sec-Fetch-Site, Origin).
	crossOrigin *http.CrossOriginProtection
}

// sessionTTL is how long a login lasts: a working day and then some.
const sessionTTL = 12 * time.Hour

// New returns the UI; it panics if the embedded templates do not parse (a build defect).
func New(cfg Config) *UI {
	if cfg.KKM == nil {
		cfg.KKM = kkmtransfer.New(cfg.Store, cfg.Log, 0)
	}
	u := &UI{store: cfg.Store, log: cfg.Log, kkm: cfg.KKM, secure: cfg.SecureCookies, limiter: newLoginLimiter(),
		trustForwardedFor: cfg.TrustForwardedFor, hooksLocal: cfg.WebhooksAllowPrivate,
		drain: make(chan struct{}), crossOrigin: http.NewCrossOriginProtection()}
	if u.gate = cfg.gate; u.gate == nil {
		u.gate = newPasswordGate()
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	if err := u.parseTemplates(cfg.OnRender); err != nil {
		panic(err)
	}
	sub, _ := fs.Sub(assets, "static")
	u.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	return u
}

// Drain ends the live streams in flight (order pages reconnect on their own), so that a graceful
// shutdown does not wait for them.
func (u *UI) Drain() { u.drainOne.Do(func() { close(u.drain) }) }

// Templates lists every template the UI has, as "file:name".
func (u *UI) Templates() []string { return u.all }

// Handler serves every page.
func (u *UI) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range u.routes() {
		mux.Handle(rt.method+" "+rt.path, u.wrap(rt))
	}
	mux.Handle("/", u.wrap(route{"", "/", permPublic, func(p *page) error { return errNotFound }}))
	return mux
}
