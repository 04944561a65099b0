// Package web is the back office's web UI for store staff: server-rendered pages (html/template,
// embedded assets) over the same store as the API.
package web

import (
	"log/slog"
	"net/http"

	"torg/internal/kkmtransfer"
	"torg/internal/store"
)

// Config is what the UI needs from its process.
type Config struct {
	Store *store.Store
	Log   *slog.Logger
	KKM   *kkmtransfer.Job
}

// UI serves the web pages.
type UI struct {
	store *store.Store
	log   *slog.Logger
	kkm   *kkmtransfer.Job
}

// New returns the UI.
func New(cfg Config) *UI { return &UI{store: cfg.Store, log: cfg.Log, kkm: cfg.KKM} }

// Handler serves every page.
func (u *UI) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><meta charset="utf-8"><title>torg</title><p>torg back office. The API reference is at <a href="/docs">/docs</a>.`))
	})
	return mux
}
