package web

import (
	"net/http"
	"strings"
)

// languages are the UI's languages; the first is the default.
var languages = []string{"ru", "en"}

func isLanguage(s string) bool { return s == "ru" || s == "en" }

// language is the cookie's choice, else the first of Accept-Language the UI speaks, else Russian.
func language(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && isLanguage(c.Value) {
		return c.Value
	}
	best, bestQ := languages[0], -1.0
	for i, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		q := 1.0 - float64(i)/1000 // earlier wins among equals
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v) - float64(i)/1000
		}
		if isLanguage(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// parseQ reads a quality value ("0.8"); a bad one counts as 0.
func parseQ(s string) float64 {
	q, scale, seenPoint := 0.0, 1.0, false
	for _, c := range s {
		switch {
		case c == '.' && !seenPoint:
			seenPoint = true
		case c >= '0' && c <= '9' && seenPoint:
			scale /= 10
			q += float64(c-'0') * scale
		case c >= '0' && c <= '9':
			q = q*10 + float64(c-'0')
		default:
			return 0
		}
	}
	return q
}

// translate is the text of key in lang, falling back to English, then to the key itself.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "en" || m[0] == "" {
		return m[1]
	}
	return m[0]
}

func hasKey(key string) bool { _, ok := messages[key]; return ok }
