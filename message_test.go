package torg

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// Every message text made anywhere in the module is registered with its Russian, so no text can
// reach a Russian screen in English.
func TestEveryMessageTextOfTheSourceIsRegistered(t *testing.T) {
	uses, err := sourceFormats(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) < 100 {
		t.Fatalf("found only %d message texts in the source: the walk missed the call sites", len(uses))
	}
	registered := map[string]bool{}
	for _, m := range messages {
		registered[m.EN] = true
	}
	var missing []string
	for text, where := range uses {
		if !registered[text] {
			missing = append(missing, fmt.Sprintf("%s: %q", where, text))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d message texts are not in messages.go (add each with a code and its Russian):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

func TestTheRegistryIsWellFormed(t *testing.T) {
	codes, texts := map[string]bool{}, map[string]bool{}
	for _, m := range messages {
		if m.Code == "" || codes[m.Code] || texts[m.EN] {
			t.Errorf("%q: the code must be set and unique, and so must the English text", m.Code)
		}
		codes[m.Code], texts[m.EN] = true, true
		_, en, ok1 := parseFormat(m.EN)
		_, ru, ok2 := parseFormat(m.RU)
		if !ok1 || !ok2 || m.RU == "" || m.RU == m.EN {
			t.Errorf("%q: both formats must parse, and the Russian must be a translation: %q / %q", m.Code, m.EN, m.RU)
			continue
		}
		if !reflect.DeepEqual(argSet(en), argSet(ru)) {
			t.Errorf("%q: the Russian must show the same arguments as the English: %q / %q", m.Code, m.EN, m.RU)
		}
		if len(m.Kinds) > len(argSet(en)) {
			t.Errorf("%q: more kinds than arguments", m.Code)
		}
	}
}

func argSet(vs []verb) map[int]bool {
	s := map[int]bool{}
	for _, v := range vs {
		s[v.arg] = true
	}
	return s
}

// sampleArg is an argument of the kind and verb as a call site would pass it, and as Lookup reads it back.
func sampleArg(kind ParamKind, char byte) (arg any, param any) {
	switch {
	case char == 'd':
		return 1234, int64(1234)
	case char == 'q':
		return `K "1"`, `K "1"`
	case kind == KindTime:
		return "2026-11-30T01:02:40Z", "2026-11-30T01:02:40Z"
	case kind == KindDuration:
		return 30 * time.Second, "30s"
	case kind == KindMoney:
		return Money(15050), int64(15050)
	case kind == KindQuantity:
		return Quantity(1500), json.Number("1.5")
	case kind == KindMessage:
		return "order 000006 is already sold", "order 000006 is already sold"
	}
	return "x-1", "x-1"
}

// Every registered text, made as its call site makes it, is read back as the same message with the
// same arguments: no message is mistaken for another.
func TestLookupReadsEveryMessageBack(t *testing.T) {
	for _, m := range messages {
		_, verbs, _ := parseFormat(m.EN)
		var args []any
		want := []any{}
		for _, v := range verbs {
			a, p := sampleArg(m.kind(v.arg), v.char)
			args, want = append(args, a), append(want, p)
		}
		text := fmt.Sprintf(m.EN, args...)
		got, params, ok := Lookup(text)
		if !ok || got.Code != m.Code || !reflect.DeepEqual(params, want) {
			t.Errorf("Lookup(%q) = %q %#v, %v; want %q %#v", text, got.Code, params, ok, m.Code, want)
		}
	}
}

func TestLocalizeWritesTheMessageInTheLanguage(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.FixedZone("MSK", 3*60*60)
	cases := []struct{ lang, text, want string }{
		{"ru", "order 000006 is being sold at register K1 (Касса 1) until 2026-11-30T01:02:40Z",
			"Заказ 000006 продаётся на ККМ K1 (Касса 1) до 30.11.2026 04:02"},
		{"en", "order 000006 is being sold at register K1 (Касса 1) until 2026-11-30T01:02:40Z",
			"order 000006 is being sold at register K1 (Касса 1) until 2026-11-30 04:02"},
		{"ru", "is out of range", "вне допустимого диапазона"},
		{"ru", "must be at most 64 printable characters", "не больше 64 печатных символов"},
		{"ru", "lies in the future: more than 10m0s after the back office's clock", "в будущем: больше чем на 10 мин позже часов бэк-офиса"},
		{"ru", "must add up to the total, 123450; they add up to 100", "должны давать в сумме 1\u00a0234,50\u00a0₽, а дают 1,00\u00a0₽"},
		{"en", "1234.50 is still due", "1,234.50\u00a0₽ is still due"},
		{"ru", "more than the 1.5 ordered", "больше заказанного количества (1,5)"},
		{"ru", `order "000006" does not exist`, "Не найдено: заказ «000006»"},
		{"ru", "the back office refused: order 000007 is already sold", "Бэк-офис отказал: Заказ 000007 уже продан"},
		{"ru", "something nobody registered", "something nobody registered"},
	}
	for _, c := range cases {
		if got := Localize(c.lang, c.text); got != c.want {
			t.Errorf("Localize(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration][2]string{
		30 * time.Second: {"30 с", "30 s"}, time.Minute: {"1 мин", "1 min"},
		90 * time.Minute: {"1 ч 30 мин", "1 h 30 min"}, 0: {"0 с", "0 s"},
	} {
		if ru, en := DurationText("ru", d), DurationText("en", d); ru != want[0] || en != want[1] {
			t.Errorf("DurationText(%v) = %q, %q; want %q", d, ru, en, want)
		}
	}
}
