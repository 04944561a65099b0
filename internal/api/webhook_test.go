package api_test

import (
	"fmt"
	"testing"

	"torg"
)

func TestWebhookURLsMustBePublic(t *testing.T) {
	s := startServer(t, "sqlite")
	for _, url := range []string{"http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.0.0.5/hook", "http://[::1]/hook",
		"http://169.254.169.254/latest", "ftp://shop.example/hook", "shop.example/hook"} {
		r := s.do("POST", "/api/v1/webhooks", s.admin, fmt.Sprintf(`{"url":%q,"events":["order.sold","order.sold","order.bought"]}`, url))
		if r.status != 422 {
			t.Fatalf("%s: %d %s", url, r.status, r.body)
		}
		fields := map[string]bool{}
		for _, f := range r.problem(t).Errors {
			fields[f.Field] = true
		}
		if !fields["url"] || !fields["events[1]"] || !fields["events[2]"] {
			t.Errorf("%s: the refusal names %v, want url, events[1] and events[2]", url, fields)
		}
	}
	if n := len(call[torg.List[torg.Webhook]](s, 200, "GET", "/api/v1/webhooks", "").Items); n != 0 {
		t.Errorf("a refused webhook was registered: %d webhooks", n)
	}
	s.must(201, "POST", "/api/v1/webhooks", `{"url":"https://shop.example/hook","events":["order.sold"]}`)
}
