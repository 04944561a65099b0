package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"torg"
)

// fmtr formats numbers and times for one language.
type fmtr struct{ lang string }

// money writes kopecks as roubles with grouped thousands: "1 234,50" in Russian, "1,234.50" in English.
func (f fmtr) money(m torg.Money) string {
	group, point := "\u00a0", ","
	if f.lang == "en" {
		group, point = ",", "."
	}
	neg := m < 0
	if neg {
		m = -m
	}
	rub := strconv.FormatInt(int64(m)/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range rub {
		if i > 0 && (len(rub)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	b.WriteString(point)
	b.WriteString(strconv.FormatInt(int64(m)%100+100, 10)[1:])
	return b.String()
}

// moneyInput writes kopecks as a form field's value, grouped as amounts are shown ("1 234,50",
// "1,234.50"), so that a price reads like the amount beside it; parseMoney reads it back.
func (f fmtr) moneyInput(m torg.Money) string { return f.money(m) }

// qty writes a quantity with the language's decimal point.
func (f fmtr) qty(q torg.Quantity) string {
	if f.lang == "en" {
		return q.String()
	}
	return strings.Replace(q.String(), ".", ",", 1)
}

// date writes a time in the server's zone, to the minute.
func (f fmtr) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if f.lang == "en" {
		return t.Local().Format("2006-01-02 15:04")
	}
	return t.Local().Format("02.01.2006 15:04")
}

// everyText is a schedule's period, a Go duration such as 30s, as the language says it: «каждые 30 с».
func everyText(lang, d string) string {
	p, err := time.ParseDuration(d)
	if err != nil {
		return d
	}
	return fmt.Sprintf(translate(lang, "job.every_n"), torg.DurationText(lang, p))
}

// span writes the times from first to last, the second one's date left out when it is the same day:
// "30.11.2026 10:00–10:12"; one time when both fall in the same minute.
func (f fmtr) span(first, last time.Time) string {
	a, b := f.date(first), f.date(last)
	switch {
	case a == b:
		return a
	case first.Local().Format(time.DateOnly) == last.Local().Format(time.DateOnly):
		return a + "–" + last.Local().Format("15:04")
	}
	return a + "–" + b
}

// pluralForm is the plural form a count takes in the language: "one", "few" or "many" in Russian
// (1 запуск, 2 запуска, 5 запусков), "one" or "many" in English.
func pluralForm(lang string, n int) string {
	if lang == "en" {
		if n == 1 {
			return "one"
		}
		return "many"
	}
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return "one"
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return "few"
	}
	return "many"
}

// dateInput is the value of a datetime-local field.
func dateInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02T15:04")
}

// parseDateInput reads a datetime-local field in the server's zone.
func parseDateInput(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), time.Local)
}

var (
	errMoneyText     = errors.New("must be an amount such as 150,50")
	errMoneyDecimals = errors.New("must have at most 2 decimals (kopecks)")
)

// parseMoney reads roubles exactly into kopecks: "150,50", "150.50", "1 234,50", "1,234.50", "150".
// One separator is the decimal point; with both, the last one is and the other groups thousands.
func parseMoney(s string) (torg.Money, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "₽", "").Replace(strings.TrimSpace(s))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		other := ","
		if s[i] == ',' {
			other = "."
		}
		if !grouped(intPart, other) {
			return 0, errMoneyText
		}
		intPart = strings.ReplaceAll(intPart, other, "")
	}
	if intPart == "" && frac == "" || !digits(intPart) || !digits(frac) {
		return 0, errMoneyText
	}
	if len(frac) > 2 {
		return 0, errMoneyDecimals
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 13 {
		return 0, errors.New("is too large")
	}
	v, _ := strconv.ParseInt("0"+intPart+(frac + "00")[:2], 10, 64)
	if neg {
		v = -v
	}
	return torg.Money(v), nil
}

// parseQty reads a quantity exactly: "1,5", "1.5", "2".
func parseQty(s string) (torg.Quantity, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" || strings.ContainsAny(s, "eE+") {
		return 0, errors.New("must be a number such as 1,5")
	}
	q, err := torg.ParseQuantity(s)
	if err != nil {
		return 0, err
	}
	return q, nil
}

// grouped reports whether s groups its digits by thousands with sep, if it uses sep at all.
func grouped(s, sep string) bool {
	groups := strings.Split(s, sep)
	for i, g := range groups {
		if i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && (g == "" || len(g) > 3) {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
