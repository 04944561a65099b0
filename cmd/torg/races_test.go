package main

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"torg/internal/api"
	"torg/internal/store/storetest"
)

// parallel runs fn n times at once and returns the responses in order.
func parallel(n int, fn func(i int) response) []response {
	out := make([]response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; out[i] = fn(i) }()
	}
	close(start)
	wg.Wait()
	return out
}

func countStatus(rs []response, status int) int {
	n := 0
	for _, r := range rs {
		if r.status == status {
			n++
		}
	}
	return n
}

func TestLongPollAcrossServers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue
		}
		t.Run("a package committed through one server wakes a register waiting on another", func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			a, b := startServerOn(t, dsn), startServerOn(t, dsn)
			sh := newShop(t, b)
			got := make(chan response, 1)
			began := time.Now()
			go func() { got <- a.do("GET", "/api/v1/register/packages?after=0&wait=30", sh.tok["R1"], "") }()
			time.Sleep(200 * time.Millisecond)
			sh.order(t, `,"status":"agreed","fill_registers":true,"post":true`)
			r := <-got
			var p packages
			jsonUnmarshal(r.body, &p)
			if r.status != 200 || len(p.Packages) != 1 {
				t.Fatalf("long poll on the other server: %d %s", r.status, r.body)
			}
			if time.Since(began) > 20*time.Second {
				t.Fatalf("the poll was not woken across servers; it ran out its wait")
			}
		})
	}
}

func TestLimits(t *testing.T) {
	s := startServer(t, "sqlite")
	sh := newShop(t, s)
	t.Run("at most two long polls of one register wait at once; the others answer at once", func(t *testing.T) {
		after := sh.fetch(t, "R4", 0).LastSeq
		took := make([]time.Duration, 6)
		parallel(6, func(i int) response {
			began := time.Now()
			r := s.do("GET", fmt.Sprintf("/api/v1/register/packages?after=%d&wait=6", after), sh.tok["R4"], "")
			took[i] = time.Since(began)
			if r.status != 200 {
				t.Errorf("poll: %d %s", r.status, r.body)
			}
			return r
		})
		waited := 0
		for _, d := range took {
			if d >= 5*time.Second {
				waited++
			}
		}
		if waited > api.MaxWaitingPolls {
			t.Fatalf("%d polls waited (%v), at most %d may", waited, took, api.MaxWaitingPolls)
		}
	})
	t.Run("the HTTP server guards against slow clients", func(t *testing.T) {
		srv := newHTTPServer(nil, slog.New(slog.DiscardHandler))
		if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout <= api.MaxWait || srv.IdleTimeout == 0 {
			t.Fatalf("timeouts %+v", srv)
		}
	})
}
