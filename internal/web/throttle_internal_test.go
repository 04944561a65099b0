package web

import (
	"fmt"
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
