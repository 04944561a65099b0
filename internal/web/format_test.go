package web

import (
	"testing"
	"time"

	"torg"
)

func TestMoneyIsFormattedPerLanguage(t *testing.T) {
	for _, c := range []struct {
		m      torg.Money
		ru, en string
	}{
		{123450, "1\u00a0234,50", "1,234.50"},
		{5, "0,05", "0.05"},
		{-100000050, "-1\u00a0000\u00a0000,50", "-1,000,000.50"},
		{99900, "999,00", "999.00"},
	} {
		if got := (fmtr{"ru"}).money(c.m); got != c.ru {
			t.Errorf("ru %d = %q, want %q", c.m, got, c.ru)
		}
		if got := (fmtr{"en"}).money(c.m); got != c.en {
			t.Errorf("en %d = %q, want %q", c.m, got, c.en)
		}
	}
	for _, lang := range []string{"ru", "en"} {
		f := fmtr{lang}
		if got, want := f.moneyInput(123450), f.money(123450); got != want {
			t.Errorf("%s input = %q, want %q as amounts are shown", lang, got, want)
		}
		if back, err := parseMoney(f.moneyInput(123450)); err != nil || back != 123450 {
			t.Errorf("%s input %q reads back as %d, %v", lang, f.moneyInput(123450), back, err)
		}
	}
}

func TestMoneyIsParsedExactly(t *testing.T) {
	for in, want := range map[string]torg.Money{
		"150,50": 15050, "150.50": 15050, "150": 15000, "150,5": 15050, "0,01": 1, "1 234,50": 123450,
		"1,234.50": 123450, "1.234,50": 123450, ",5": 50, "-3,00": -300, "1\u00a0000": 100000, "0.29": 29,
	} {
		got, err := parseMoney(in)
		if err != nil || got != want {
			t.Errorf("parseMoney(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3,4", "150,505", "1e3", "--1", "99999999999999"} {
		if got, err := parseMoney(in); err == nil {
			t.Errorf("parseMoney(%q) = %d, want an error", in, got)
		}
	}
	if _, err := parseMoney("1,234"); err == nil {
		t.Error("1,234 has three decimals and must be refused")
	}
}

func TestQuantitiesAreParsedExactly(t *testing.T) {
	for in, want := range map[string]torg.Quantity{"1,5": 1500, "2": 2000, "0.001": 1, "1 000": 1000000} {
		if got, err := parseQty(in); err != nil || got != want {
			t.Errorf("parseQty(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "1,2345", "x", "1e3"} {
		if _, err := parseQty(in); err == nil {
			t.Errorf("parseQty(%q) should fail", in)
		}
	}
}

func TestPluralForm(t *testing.T) {
	for n, want := range map[int]string{1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 14: "many", 21: "one", 22: "few", 111: "many", 112: "many", 0: "many"} {
		if got := pluralForm("ru", n); got != want {
			t.Errorf("ru %d: %s, want %s", n, got, want)
		}
	}
	if pluralForm("en", 1) != "one" || pluralForm("en", 21) != "many" {
		t.Error("English has one and many")
	}
}

func TestSpanLeavesOutTheSecondDateOfOneDay(t *testing.T) {
	f := fmtr{"ru"}
	at := func(s string) time.Time { v, _ := time.ParseInLocation("2006-01-02 15:04", s, time.Local); return v }
	for _, c := range []struct{ from, to, want string }{
		{"2026-11-30 10:00", "2026-11-30 10:12", "30.11.2026 10:00–10:12"},
		{"2026-11-30 23:58", "2026-12-01 00:03", "30.11.2026 23:58–01.12.2026 00:03"},
		{"2026-11-30 10:00", "2026-11-30 10:00", "30.11.2026 10:00"},
	} {
		if got := f.span(at(c.from), at(c.to)); got != c.want {
			t.Errorf("span(%s, %s) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

func TestSchedulesAndProblemsAreSaidInTheLanguage(t *testing.T) {
	for _, c := range []struct{ lang, every, want string }{
		{"ru", "30s", "каждые 30 с"}, {"en", "30s", "every 30 s"}, {"ru", "1m0s", "каждые 1 мин"}, {"en", "1h30m0s", "every 1 h 30 min"},
	} {
		if got := everyText(c.lang, c.every); got != c.want {
			t.Errorf("everyText(%s, %s) = %q, want %q", c.lang, c.every, got, c.want)
		}
	}
	start := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{{"ru", 12 * time.Millisecond, "12 мс"}, {"en", 12 * time.Millisecond, "12 ms"}, {"ru", 2600 * time.Millisecond, "3 с"}, {"en", 61 * time.Second, "1 min 1 s"}} {
		end := start.Add(c.d)
		if got := took(c.lang, start, &end); got != c.want {
			t.Errorf("took(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
	e := torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be changed", "000001", "sold")
	if got, want := codeMessage("ru", e), "Действие невозможно в текущем состоянии (Заказ 000001 продан, его нельзя изменить)"; got != want {
		t.Errorf("codeMessage = %q, want %q", got, want)
	}
}
