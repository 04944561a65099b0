// Package api is torg's HTTP API: the route table (routes.go), request decoding, access checks,
// idempotency and the mapping of domain errors to problem+json.
package api

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"torg"
	"torg/internal/exchange"
	"torg/internal/kkmtransfer"
	"torg/internal/metrics"
	"torg/internal/store"
)

// MaxBodyBytes is the largest request body accepted (docs/API.md, «HTTP conventions»).
const MaxBodyBytes = 1 << 20

// Config is what the API needs from its process.
type Config struct {
	Store      *store.Store
	Log        *slog.Logger
	AdminToken string        // the --admin-token secret; empty when none was given
	ClaimTTL   time.Duration // how long a register's claim lives without renewal
	Hub        *exchange.Hub // wakes long polls; New makes one when nil
	KKM        *kkmtransfer.Job
	Metrics    prometheus.Gatherer // the database's metrics, served beside the process's at GET /metrics; may be nil
	// WebhooksAllowPrivate lets a webhook name a loopback or private address (--webhooks-allow-private)
	WebhooksAllowPrivate bool
}

// Server serves the HTTP API.
type Server struct {
	store      *store.Store
	log        *slog.Logger
	adminToken string
	claimTTL   time.Duration
	hub        *exchange.Hub
	kkm        *kkmtransfer.Job
	metricsH   http.Handler
	ready      atomic.Bool
	draining   chan struct{} // closed when the server shuts down: long polls answer at once
	polls      sync.Map      // register id → *atomic.Int32, its waiting long polls
	drainOnce  sync.Once
	hooksLocal bool // webhooks may name loopback and private addresses
}

// Drain ends the long polls in flight (they answer with what they have) and makes new ones answer
// at once, so that a graceful shutdown does not wait for them.
func (s *Server) Drain() { s.drainOnce.Do(func() { close(s.draining) }) }

// New returns the API server. It answers /readyz with 503 until SetReady(true).
func New(cfg Config) *Server {
	s := &Server{store: cfg.Store, log: cfg.Log, adminToken: cfg.AdminToken, claimTTL: cfg.ClaimTTL, hub: cfg.Hub, kkm: cfg.KKM,
		draining: make(chan struct{}), hooksLocal: cfg.WebhooksAllowPrivate}
	if s.hub == nil {
		s.hub = exchange.NewHub()
	}
	if s.kkm == nil {
		s.kkm = kkmtransfer.New(cfg.Store, cfg.Log, 0)
	}
	var extra []prometheus.Gatherer
	if cfg.Metrics != nil {
		extra = append(extra, cfg.Metrics)
	}
	s.metricsH = metrics.Handler(extra...)
	if s.claimTTL <= 0 {
		s.claimTTL = 10 * time.Minute
	}
	return s
}

// SetReady tells readiness probes whether the database is migrated and the server may take traffic.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// request is an incoming request with its authenticated principal and its body, read once.
type request struct {
	*http.Request
	principal torg.Principal
	body      []byte
}

// handler serves one route; the error it returns is answered as a problem.
type handler func(w http.ResponseWriter, r *request) error

// Handler returns the HTTP handler with every route of the table. Paths the API does not have go
// to ui (the web UI) when it is not nil; under /api/ they get a not-found problem.
func (s *Server) Handler(ui http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	notFound := s.wrap(Route{Path: "/api/", Perm: torg.PermPublic, handle: func(w http.ResponseWriter, r *request) error {
		return torg.Errorf(torg.CodeNotFound, "there is no route %s %s", r.Method, r.URL.Path)
	}})
	mux.Handle("/api/", notFound)
	if ui == nil {
		ui = notFound
	}
	mux.Handle("/", countUI(ui))
	return withRequestID(mux)
}

// wrap adds to a route what every request gets: a log line, recovery from panics, authentication and
// permission, the content-type and size checks, the answer to an error, and nosniff on every answer.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		start := time.Now()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		rec := &statusRecorder{ResponseWriter: w}
		id := requestID(hr)
		log := func() *slog.Logger { return s.log.With("request_id", id) } // made only for a failure's lines
		r := &request{Request: hr}
		defer func() {
			if p := recover(); p != nil {
				log().Error("panic", "route", rt.Method+" "+rt.Path, "panic", p)
				if rec.status == 0 {
					writeProblem(rec, toProblem(errors.New("panic"), log()))
				}
			}
			took := time.Since(start)
			metrics.Request(rt.Path, hr.Method, rec.status, took)
			// The same line as log().Info would write, without making a logger for every request.
			s.log.LogAttrs(hr.Context(), slog.LevelInfo, "request", append([]slog.Attr{slog.String("request_id", id),
				slog.String("method", hr.Method), slog.String("route", rt.Path), slog.Int("status", rec.status),
				slog.Duration("duration", took.Round(time.Microsecond))}, r.subjects(rt)...)...)
		}()
		err := s.prepare(rec, r, rt)
		if err == nil {
			err = rt.handle(rec, r)
		}
		if err != nil {
			if errors.Is(err, context.Canceled) && hr.Context().Err() != nil {
				rec.status = 499 // the client went away; nothing to answer
				return
			}
			writeProblem(rec, toProblem(err, log()))
		}
	})
}

// subjects are the order and the register a request is about, where its route or its token names
// them, for its log line: so that everything that happened to one order, or at one register, can be
// found in the log.
func (r *request) subjects(rt Route) []slog.Attr {
	var out []slog.Attr
	if strings.Contains(rt.Path, "/orders/{id}") {
		out = append(out, slog.String("order_id", r.PathValue("id")))
	}
	switch {
	case r.principal.RegisterID != "":
		out = append(out, slog.String("register_id", r.principal.RegisterID))
	case strings.Contains(rt.Path, "/registers/{id}"):
		out = append(out, slog.String("register_id", r.PathValue("id")))
	}
	return out
}

// prepare authenticates the request, checks the route's permission and reads the body.
func (s *Server) prepare(w http.ResponseWriter, r *request, rt Route) error {
	if err := cleanURL(r.Request); err != nil {
		return err
	}
	if rt.Perm != torg.PermPublic {
		p, err := s.authenticate(r.Request)
		if err != nil {
			return err
		}
		if !p.Role.Allows(rt.Perm) {
			return forbidden(p, rt.Perm)
		}
		r.principal = p
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodDelete {
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return torg.Errorf(torg.CodeTooLarge, "the body is larger than %d bytes", MaxBodyBytes)
		}
		return torg.Errorf(torg.CodeMalformed, "the body could not be read: %v", err)
	}
	if len(body) > 0 {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return torg.Errorf(torg.CodeUnsupportedMedia, "send the body as application/json")
		}
	}
	r.body = body
	return nil
}

// cleanURL refuses a path or query with NUL characters or invalid UTF-8: no id or filter has them.
// A query pair with a ";" in it, which net/http would drop without a word, is named like an unknown
// parameter.
func cleanURL(r *http.Request) error {
	if strings.ContainsRune(r.URL.Path, 0) || !utf8.ValidString(r.URL.Path) {
		return torg.Errorf(torg.CodeNotFound, "there is nothing at this path")
	}
	var f torg.Fields
	semicolons(&f, r.URL.RawQuery)
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			if strings.ContainsRune(k+v, 0) || !utf8.ValidString(k+v) {
				f.Add(k, "must be text without NUL characters")
			}
		}
	}
	return f.Err()
}

// semicolons names every parameter of a query pair that holds a ";".
func semicolons(f *torg.Fields, rawQuery string) {
	const msg = `is separated by ";", which is not a separator: join parameters with "&" and write a ";" in a value as %%3B`
	for _, pair := range strings.Split(rawQuery, "&") {
		if !strings.Contains(pair, ";") {
			continue
		}
		named := false
		for _, part := range strings.Split(pair, ";") {
			key, _, _ := strings.Cut(part, "=")
			if k, err := url.QueryUnescape(key); err == nil {
				key = k
			}
			if key != "" {
				f.Add(key, msg)
				named = true
			}
		}
		if !named {
			f.Add(pair, msg)
		}
	}
}

func forbidden(p torg.Principal, perm torg.Permission) error {
	switch {
	case perm == torg.PermRegister:
		return torg.Errorf(torg.CodeForbidden, "only a register's token may use the register channel")
	case p.Role == torg.RoleRegister:
		return torg.Errorf(torg.CodeForbidden, "a register's token may use only the register channel")
	}
	return torg.Errorf(torg.CodeForbidden, "the %s role may not do this", p.Role)
}

// adminPrincipal is the principal of the --admin-token secret.
var adminPrincipal = torg.Principal{ID: "admin-token", Name: "admin token", Role: torg.RoleAdmin}

// authenticate finds the principal of the request's bearer token.
func (s *Server) authenticate(r *http.Request) (torg.Principal, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return torg.Principal{}, torg.Errorf(torg.CodeUnauthorized, "send Authorization: Bearer TOKEN")
	}
	if s.adminToken != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.adminToken)) == 1 {
		return adminPrincipal, nil
	}
	return s.store.Authenticate(r.Context(), secret)
}

// countUI counts the web UI's requests under one route, "web": its pages are not in the API's table.
func countUI(ui http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, rec := time.Now(), &statusRecorder{ResponseWriter: w}
		ui.ServeHTTP(rec, r)
		metrics.Request("web", r.Method, cmp.Or(rec.status, http.StatusOK), time.Since(start))
	})
}

// metrics serves GET /metrics in Prometheus's text format (docs/OPERATIONS.md, «Metrics»).
func (s *Server) metrics(w http.ResponseWriter, r *request) error {
	s.metricsH.ServeHTTP(w, r.Request)
	return nil
}

// statusRecorder remembers the status a handler wrote, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing long polls).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
