package web

// pageMessages are the texts of the navigation's menu button, the goods receipt pages and the
// account and users pages: key → {Russian, English}, merged into messages at start.
var pageMessages = map[string][2]string{
	"nav.menu": {"Меню", "Menu"},

	"state.sold": {"Продан", "Sold"},
	"orders.kkm_hint": {"ККМ: получили / всего — сколько ККМ из списка заказа получили его текущую версию, и сколько их в списке",
		"Registers: received / listed — how many of the order's registers have its current version, of how many listed"},
	"orders.kkm_legend": {"ККМ 1/3 — получили / всего: одна ККМ из трёх в списке заказа получила его текущую версию. ● Проведён — заказ проведён и отправлен на ККМ.",
		"Registers 1/3 — received / listed: one of the three registers on the order has its current version. ● Posted — the order is posted and sent to registers."},
}

func init() {
	for k, v := range pageMessages {
		if _, dup := messages[k]; dup {
			panic("web: the message " + k + " is defined twice")
		}
		messages[k] = v
	}
}
