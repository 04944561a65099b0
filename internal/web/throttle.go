package web

import (
	"context"
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Login throttling. Failed logins are counted per user name and per client address; after a few in
// a row, each further attempt must wait a little longer. Separately, a gate bounds the password
// checks (bcrypt, deliberately slow) that run at once, so that a burst of logins cannot take every
// core from the API.
const (
	nameFails   = 5                // failures of one user name before its attempts wait
	addrFails   = 20               // failures from one client address before its attempts wait
	lockStep    = 10 * time.Second // the first wait; each further failure doubles it
	lockMax     = 5 * time.Minute  // the longest wait
	forgetAfter = time.Hour        // failures are forgotten this long after the last one
	tableMax    = 10000            // names (and addresses) remembered at most
)

// loginLimiter counts failed logins per user name and per client address.
type loginLimiter struct {
	mu    sync.Mutex
	names failureTable
	addrs failureTable
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{
		names: failureTable{after: nameFails, max: tableMax, m: map[string]*failures{}},
		addrs: failureTable{after: addrFails, max: tableMax, m: map[string]*failures{}},
	}
}

// nameKey is the table key of a user name: case does not matter, and a long name costs no more
// memory than a short one.
func nameKey(name string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(name)))
	return string(sum[:16])
}

// wait is how long a login with the name, from the address, must wait before it may be tried.
func (l *loginLimiter) wait(name, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return max(l.names.wait(nameKey(name), now), l.addrs.wait(addr, now))
}

// fail counts a failed login.
func (l *loginLimiter) fail(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.names.fail(nameKey(name), now)
	l.addrs.fail(addr, now)
}

// succeed forgets the name's failures. The address's stay: one good password must not buy an
// address more guesses at other names.
func (l *loginLimiter) succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.names.m, nameKey(name))
}

// failureTable counts failures per key and remembers at most max keys.
type failureTable struct {
	after int // failures before attempts wait
	max   int
	m     map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

func (t *failureTable) wait(key string, now time.Time) time.Duration {
	f := t.m[key]
	if f == nil || f.n < t.after {
		return 0
	}
	lock := min(time.Duration(1<<min(f.n-t.after, 10))*lockStep, lockMax)
	return f.last.Add(lock).Sub(now)
}

func (t *failureTable) fail(key string, now time.Time) {
	f := t.m[key]
	if f != nil && now.Sub(f.last) > forgetAfter {
		f.n = 0
	}
	if f == nil {
		if len(t.m) >= t.max {
			t.evict(now)
		}
		f = &failures{}
		t.m[key] = f
	}
	f.n++
	f.last = now
}

// evict makes room for one key: it forgets every key idle for forgetAfter, and if that frees
// nothing, the key that matters least — the fewest failures, the oldest among equals — so that a
// flood of new names cannot push out one that is being guessed at.
func (t *failureTable) evict(now time.Time) {
	var victim string
	var least *failures
	for k, f := range t.m {
		if now.Sub(f.last) > forgetAfter {
			delete(t.m, k)
			continue
		}
		if least == nil || f.n < least.n || (f.n == least.n && f.last.Before(least.last)) {
			victim, least = k, f
		}
	}
	if len(t.m) >= t.max {
		delete(t.m, victim)
	}
}

// clientAddr is the address a login's failures are counted under: the connection's peer or, with
// trustForwardedFor, the last X-Forwarded-For entry (the one the proxy in front of torg added) when
// it is an IP address. An IPv6 address counts by its /64, which one client usually holds whole.
func clientAddr(r *http.Request, trustForwardedFor bool) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if xff := r.Header.Values("X-Forwarded-For"); trustForwardedFor && len(xff) > 0 {
		entries := strings.Split(xff[len(xff)-1], ",")
		if fa, ferr := netip.ParseAddr(strings.TrimSpace(entries[len(entries)-1])); ferr == nil {
			a, err = fa, nil
		}
	}
	if err != nil {
		return host
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// passwordGate bounds the password checks that run at once.
type passwordGate struct {
	slots   chan struct{}
	wait    time.Duration // how long a login waits for a slot before it is turned away
	onCheck func()        // tests: told in the slot, before each check
}

// newPasswordGate lets half the cores (at least one) check passwords; the rest serve everything else.
func newPasswordGate() *passwordGate {
	return &passwordGate{slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)), wait: 2 * time.Second}
}

// enter takes a slot, waiting briefly for one; false means none came free.
func (g *passwordGate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (g *passwordGate) leave() { <-g.slots }
