package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestAnAdminRegistersAWebhookAndRedeliversFromItsLog(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sh := newShop(t, e)
			admin := e.login("admin")
			page := admin.get("/webhooks", 200)
			page.contains(t, "Вебхуков нет", "order.cancelled")
			bad := admin.post("/webhooks", page, url.Values{"url": {"http://127.0.0.1:8080/hook"}})
			if bad.status != 422 {
				t.Fatalf("a loopback URL and no events: %d", bad.status)
			}
			bad.contains(t, "публичный адрес", "хотя бы одно событие")
			ok := admin.post("/webhooks", page, url.Values{"url": {"https://shop.example/hook"}, "events": {"order.cancelled", "order.sold"}})
			if ok.status != 200 || !strings.Contains(ok.url, "/webhooks/") {
				t.Fatalf("registering: %d %s", ok.status, ok.url)
			}
			ok.contains(t, "whsec_", "Событий пока не было")
			hook, _, _ := strings.Cut(strings.TrimPrefix(ok.url, e.url), "?")
			order := sh.order("")
			e.api("POST", "/api/v1/orders/"+order+"/cancel", "")
			log := admin.get(hook, 200)
			log.contains(t, "order.cancelled", "ожидает", "/orders/"+order)
			event := regexp.MustCompile(`id="delivery-(evt_[^"]+)"`).FindStringSubmatch(log.body)
			if event == nil {
				t.Fatalf("no delivery in the log:\n%s", log.body)
			}
			again := admin.post(hook+"/deliveries/"+event[1]+"/redeliver", log, url.Values{})
			if again.status != 200 {
				t.Fatalf("redeliver: %d", again.status)
			}
			again.contains(t, "Событие будет отправлено снова")
			gone := admin.post(hook+"/delete", again, url.Values{})
			gone.contains(t, "Вебхук удалён", "Вебхуков нет")
			if r := e.login("manager").get("/webhooks", 403); r.status != 403 {
				t.Errorf("a manager opens the webhooks page")
			}
		})
	}
}
