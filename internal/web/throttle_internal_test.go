package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
)

func TestAFloodOfNamesKeepsARealNamesWait(t *testing.T) {
	l := newLoginLimiter()
	for range nameFails {
		l.fail("admin", "192.0.2.1")
	}
	if l.wait("admin", "198.51.100.7") <= 0 {
		t.Fatal("admin is not waiting after its failures")
	}
	for i := range 10001 {
		l.fail(fmt.Sprintf("flood-%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255))
	}
	if l.wait("Admin", "198.51.100.7") <= 0 {
		t.Fatal("the flood wiped admin's wait")
	}
	if len(l.names.m) > tableMax || len(l.addrs.m) > tableMax {
		t.Fatalf("the tables hold %d names and %d addresses", len(l.names.m), len(l.addrs.m))
	}
}

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		name, remote, forwarded string
		trust                   bool
		want                    string
	}{
		{"the peer's IPv4 address", "192.0.2.7:51234", "", false, "192.0.2.7"},
		{"an IPv6 peer counts by its /64", "[2001:db8:1:2:aaaa::1]:443", "", false, "2001:db8:1:2::/64"},
		{"an IPv4-mapped IPv6 peer counts as IPv4", "[::ffff:192.0.2.7]:443", "", false, "192.0.2.7"},
		{"X-Forwarded-For is ignored unless trusted", "127.0.0.1:9", "203.0.113.9", false, "127.0.0.1"},
		{"trusted, the entry the proxy added counts", "127.0.0.1:9", "198.51.100.1, 203.0.113.9", true, "203.0.113.9"},
		{"trusted, a forwarded IPv6 address counts by its /64", "127.0.0.1:9", "2001:db8:5:6:7::8", true, "2001:db8:5:6::/64"},
		{"trusted, a last entry that is no address falls back to the peer", "127.0.0.1:9", "203.0.113.9, unknown", true, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			if got := clientAddr(r, tc.trust); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}
