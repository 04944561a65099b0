package torg

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Message is one text the system says: a stable code, its English format (exactly the format used
// where the text is made, so the API's messages stay as they are) and its Russian format, whose
// verbs name the same arguments by position (%[1]s, %[2]d …).
type Message struct {
	Code  string
	EN    string
	RU    string
	Kinds []ParamKind // how each argument is shown, by position; "" (or none) for plain text and numbers
}

// ParamKind says how a message's argument is shown in a language.
type ParamKind string

// The kinds of arguments shown otherwise than as they are written.
const (
	KindTime     ParamKind = "time"     // RFC 3339 in the text; shown in local time
	KindDuration ParamKind = "duration" // a Go duration such as 30s
	KindMoney    ParamKind = "money"    // kopecks (%d) or roubles (%s of a Money)
	KindQuantity ParamKind = "quantity" // a Quantity's text, such as 1.25
	KindWord     ParamKind = "word"     // an English word of the domain: a noun, a status
	KindMessage  ParamKind = "message"  // another registered message
)

func msg(code, en, ru string, kinds ...ParamKind) Message {
	return Message{Code: code, EN: en, RU: ru, Kinds: kinds}
}

// verb is one argument's place in a format: its index (from 0) and its verb letter.
type verb struct {
	arg  int
	char byte
}

// parseFormat splits a format into literal texts and verbs: len(lits) == len(verbs)+1. It knows
// the verbs messages use: %d %s %q %v, each optionally with an explicit index %[n]; %% is a literal %.
func parseFormat(format string) (lits []string, verbs []verb, ok bool) {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			return nil, nil, false
		}
		if format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		arg := next
		if format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			n, err := strconv.Atoi(format[i+1 : i+max(end, 1)])
			if end < 0 || err != nil || n < 1 || i+end+1 >= len(format) {
				return nil, nil, false
			}
			arg, i = n-1, i+end+1
		}
		if !strings.ContainsRune("dsqv", rune(format[i])) {
			return nil, nil, false
		}
		lits = append(lits, b.String())
		b.Reset()
		verbs = append(verbs, verb{arg, format[i]})
		next = arg + 1
	}
	return append(lits, b.String()), verbs, true
}

// pattern reads texts made from one message's English format back into its arguments.
type pattern struct {
	m       *Message
	prefix  string // the fixed text before the first argument and after the last: a cheap test first
	suffix  string
	re      *regexp.Regexp
	verbs   []verb
	literal int // letters of fixed text: with two matching patterns, the more specific one wins
}

var registry struct {
	once     sync.Once
	byCode   map[string]*Message
	exact    map[string]*Message
	patterns []pattern
}

func loadRegistry() {
	registry.byCode = map[string]*Message{}
	registry.exact = map[string]*Message{}
	for i := range messages {
		m := &messages[i]
		registry.byCode[m.Code] = m
		lits, verbs, ok := parseFormat(m.EN)
		if !ok {
			continue
		}
		if len(verbs) == 0 {
			registry.exact[lits[0]] = m
			continue
		}
		var re strings.Builder
		re.WriteString(`^(?s)`)
		n := 0
		for i, v := range verbs {
			re.WriteString(regexp.QuoteMeta(lits[i]))
			n += len(lits[i])
			switch v.char {
			case 'd':
				re.WriteString(`(-?\d+)`)
			case 'q':
				re.WriteString(`("(?:[^"\\]|\\.)*")`)
			default:
				re.WriteString(`(.*?)`)
			}
		}
		re.WriteString(regexp.QuoteMeta(lits[len(lits)-1]) + `$`)
		n += len(lits[len(lits)-1])
		registry.patterns = append(registry.patterns, pattern{m, lits[0], lits[len(lits)-1], regexp.MustCompile(re.String()), verbs, n})
	}
	sort.SliceStable(registry.patterns, func(i, j int) bool { return registry.patterns[i].literal > registry.patterns[j].literal })
}

// MessageByCode is the registered message with the code.
func MessageByCode(code string) (Message, bool) {
	registry.once.Do(loadRegistry)
	m, ok := registry.byCode[code]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Lookup finds the registered message an English text was made from, and its arguments as the API
// shows them: integers for %d and for money (kopecks), numbers for quantities, strings otherwise
// (times as RFC 3339).
func Lookup(text string) (Message, []any, bool) {
	registry.once.Do(loadRegistry)
	if m, ok := registry.exact[text]; ok {
		return *m, []any{}, true
	}
	for _, p := range registry.patterns {
		if !strings.HasPrefix(text, p.prefix) || !strings.HasSuffix(text, p.suffix) {
			continue
		}
		sub := p.re.FindStringSubmatch(text)
		if sub == nil {
			continue
		}
		params := make([]any, len(p.verbs))
		ok := true
		for i, v := range p.verbs {
			params[v.arg], ok = param(sub[i+1], v.char, p.m.kind(v.arg))
			if !ok {
				break
			}
		}
		if ok {
			return *p.m, params, true
		}
	}
	return Message{}, nil, false
}

// param reads one argument's text as the API shows it.
func param(s string, char byte, kind ParamKind) (any, bool) {
	switch {
	case char == 'q':
		u, err := strconv.Unquote(s)
		return u, err == nil
	case char == 'd':
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	case kind == KindMoney:
		m, ok := parseRoubles(s)
		return int64(m), ok
	case kind == KindQuantity:
		if _, err := ParseQuantity(s); err != nil {
			return nil, false
		}
		return json.Number(s), true
	}
	return s, true
}

// parseRoubles reads Money.String's text back into kopecks.
func parseRoubles(s string) (Money, bool) {
	neg := strings.HasPrefix(s, "-")
	rub, kop, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	r, err1 := strconv.ParseInt(rub, 10, 64)
	k, err2 := strconv.ParseInt(kop, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(kop) != 2 {
		return 0, false
	}
	m := Money(r*100 + k)
	if neg {
		m = -m
	}
	return m, true
}

func (m Message) kind(arg int) ParamKind {
	if arg < len(m.Kinds) {
		return m.Kinds[arg]
	}
	return ""
}

// Localize writes an English text of the system in lang ("ru" or "en"): the registered message it was
// made from, in that language, with times in local time and money, quantities and durations written
// as the language writes them. A text not made from a registered message is returned as it is.
func Localize(lang, text string) string {
	m, params, ok := Lookup(text)
	if !ok {
		return text
	}
	return m.Render(lang, params)
}

// Render writes the message in lang with the arguments as Lookup returns them.
func (m Message) Render(lang string, params []any) string {
	format := m.EN
	if lang == "ru" {
		format = m.RU
	}
	lits, verbs, ok := parseFormat(format)
	if !ok {
		return format
	}
	_, enVerbs, _ := parseFormat(m.EN)
	quoted := map[int]bool{}
	for _, v := range enVerbs {
		quoted[v.arg] = quoted[v.arg] || v.char == 'q'
	}
	var b strings.Builder
	for i, v := range verbs {
		b.WriteString(lits[i])
		if v.arg < len(params) {
			b.WriteString(showParam(lang, params[v.arg], m.kind(v.arg), quoted[v.arg]))
		}
	}
	b.WriteString(lits[len(lits)-1])
	return b.String()
}

// showParam writes one argument in the language.
func showParam(lang string, p any, kind ParamKind, quoted bool) string {
	s := ""
	switch v := p.(type) {
	case string:
		s = v
	case int64:
		s = strconv.FormatInt(v, 10)
	case json.Number:
		s = string(v)
	default:
		s = "?"
	}
	switch kind {
	case KindTime:
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			s = LocalTime(lang, t)
		}
	case KindDuration:
		if d, err := time.ParseDuration(s); err == nil {
			s = DurationText(lang, d)
		}
	case KindMoney:
		if n, ok := p.(int64); ok {
			s = MoneyText(lang, Money(n))
		}
	case KindQuantity:
		if lang == "ru" {
			s = strings.Replace(s, ".", ",", 1)
		}
	case KindWord:
		if w, ok := russianWords[s]; ok && lang == "ru" {
			s = w
		}
	case KindMessage:
		s = Localize(lang, s)
	}
	if quoted && lang == "ru" {
		return "«" + s + "»"
	}
	if quoted {
		return strconv.Quote(s)
	}
	return s
}

// LocalTime writes a time in the local zone, to the minute: 30.11.2026 04:02 in Russian,
// 2026-11-30 04:02 in English.
func LocalTime(lang string, t time.Time) string {
	if lang == "ru" {
		return t.Local().Format("02.01.2006 15:04")
	}
	return t.Local().Format("2006-01-02 15:04")
}

// DurationText writes a duration in hours, minutes and seconds: «1 ч 30 мин», «30 с»; "1 h 30 min",
// "30 s". Parts below a second are left out.
func DurationText(lang string, d time.Duration) string {
	units := [3]string{"h", "min", "s"}
	if lang == "ru" {
		units = [3]string{"ч", "мин", "с"}
	}
	d = d.Truncate(time.Second)
	if d <= 0 {
		return "0 " + units[2]
	}
	var parts []string
	for i, n := range []int64{int64(d / time.Hour), int64(d % time.Hour / time.Minute), int64(d % time.Minute / time.Second)} {
		if n > 0 {
			parts = append(parts, strconv.FormatInt(n, 10)+" "+units[i])
		}
	}
	return strings.Join(parts, " ")
}

// MoneyText writes kopecks as roubles with grouped thousands and the rouble sign: «1 234,50 ₽»,
// "1,234.50 ₽".
func MoneyText(lang string, m Money) string {
	group, point := "\u00a0", ","
	if lang != "ru" {
		group, point = ",", "."
	}
	s := m.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	rub, kop, _ := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i := 0; i < len(rub); i++ {
		if i > 0 && (len(rub)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteByte(rub[i])
	}
	return b.String() + point + kop + "\u00a0₽"
}

// Sentence is text with its first letter in upper case, as a message shown on its own.
func Sentence(text string) string {
	r, n := utf8.DecodeRuneInString(text)
	if r == utf8.RuneError {
		return text
	}
	return strings.ToUpper(string(r)) + text[n:]
}
