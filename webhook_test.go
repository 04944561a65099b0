package torg

import (
	"net/netip"
	"testing"
	"time"
)

func TestSignWebhookIsHMACSHA256OfTimestampDotBody(t *testing.T) {
	// The value docs/INTEGRATION.md shows, computed independently with
	// printf '1767225600.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
	got := SignWebhook("whsec_test", 1767225600, []byte(`{"id":"evt_1"}`))
	want := "t=1767225600,v1=" + testSignature
	if got != want {
		t.Errorf("SignWebhook = %s, want %s", got, want)
	}
}

func TestWebhookBackoffDoublesUpToAnHour(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {60, time.Hour}} {
		if got := WebhookBackoff(c.attempt, 10*time.Second); got != c.want {
			t.Errorf("after attempt %d: %v, want %v", c.attempt, got, c.want)
		}
	}
}

func TestWebhookAddressesThatArePrivate(t *testing.T) {
	for addr, public := range map[string]bool{"8.8.8.8": true, "2a00:1450::1": true, "127.0.0.1": false, "10.1.2.3": false, "192.168.0.1": false,
		"172.16.5.5": false, "169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fc00::1": false,
		"::ffff:127.0.0.1": false, "224.0.0.1": false} {
		if got := PublicAddress(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddress(%s) = %v, want %v", addr, got, public)
		}
	}
	for url, ok := range map[string]bool{"https://shop.example/hook": true, "http://8.8.8.8/x": true, "http://localhost:8080/": false,
		"http://api.localhost/": false, "http://0x7f.1/": false, "http://[::1]/": false, "https://10.0.0.1/": false} {
		in := WebhookInput{URL: url, Events: []string{EventOrderSold}}
		if err := in.Validate(false); (err == nil) != ok {
			t.Errorf("%s: %v", url, err)
		}
		if err := in.Validate(true); err != nil {
			t.Errorf("%s with private addresses allowed: %v", url, err)
		}
	}
}

const testSignature = "45b40331de0325606dc5400202ade162460fbe48daf9401adfdcd0d7b4f35470"
