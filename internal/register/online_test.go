package register

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"torg"
)

// holdingServer is a back office whose long polls hold until the caller gives up, as the real one
// does when no package waits; a poll without wait answers at once. While down it answers 503.
func holdingServer(t *testing.T, down *atomic.Bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path != "/api/v1/register/packages" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("wait") != "0" {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Minute):
			}
		}
		json.NewEncoder(w).Encode(torg.Packages{Packages: []torg.Package{}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAgentIsOnlineAsSoonAsTheBackOfficeAnswers(t *testing.T) {
	var down atomic.Bool
	srv := holdingServer(t, &down)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Start(ctx, Config{Server: srv.URL, Token: "t", Listen: "127.0.0.1:0", DataDir: t.TempDir(), PollWait: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	server := func() string {
		st, err := a.status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.Server
	}
	eventually(t, "being online after start, while the first long poll still waits", func() bool { return server() == "online" })

	down.Store(true)
	srv.CloseClientConnections()
	eventually(t, "being offline during an outage", func() bool { return server() == "offline" })
	down.Store(false)
	eventually(t, "being online again once the back office answers", func() bool { return server() == "online" })
}
