package web

// pageMessages are the texts of the navigation's menu button, the goods receipt pages and the
// account and users pages: key → {Russian, English}, merged into messages at start.
var pageMessages = map[string][2]string{
	"nav.menu": {"Меню", "Menu"},
}

func init() {
	for k, v := range pageMessages {
		if _, dup := messages[k]; dup {
			panic("web: the message " + k + " is defined twice")
		}
		messages[k] = v
	}
}
