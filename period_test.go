package torg

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local).UTC() }
	ok := []struct {
		name, from, to string
		want           Period
	}{
		{"dates cover whole days, to included", "2026-03-01", "2026-03-31", Period{From: day(2026, 3, 1), To: day(2026, 4, 1)}},
		{"times are exact, to excluded", "2026-03-01T10:00:00Z", "2026-03-01T15:00:00+03:00",
			Period{From: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}},
		{"no to ends now", "2026-03-01", "", Period{From: day(2026, 3, 1), To: now}},
		{"no from starts with to's month", "", "2026-02-10", Period{From: day(2026, 2, 1), To: day(2026, 2, 11)}},
		{"one day", "2026-03-05", "2026-03-05", Period{From: day(2026, 3, 5), To: day(2026, 3, 6)}},
		{"ten years exactly", "2016-01-01", "2025-12-31", Period{From: day(2016, 1, 1), To: day(2026, 1, 1)}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParsePeriod(c.from, c.to, now)
			if err != nil || !got.From.Equal(c.want.From) || !got.To.Equal(c.want.To) || got.Current != !got.To.Before(now) {
				t.Fatalf("ParsePeriod(%q, %q) = %v, %v; want %v", c.from, c.to, got, err, c.want)
			}
		})
	}
	bad := []struct {
		name, from, to string
		fields         []string
	}{
		{"from after to", "2026-03-10", "2026-03-01", []string{"from"}},
		{"over ten years", "2016-01-01", "2026-01-01", []string{"from"}},
		{"not dates", "yesterday", "31.03.2026", []string{"to", "from"}},
		{"a month that does not exist", "2026-13-01", "", []string{"from"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePeriod(c.from, c.to, now)
			e, isErr := err.(*Error)
			if !isErr || len(e.Fields) != len(c.fields) {
				t.Fatalf("ParsePeriod(%q, %q): %v, want fields %v", c.from, c.to, err, c.fields)
			}
			for i, f := range c.fields {
				if e.Fields[i].Field != f {
					t.Errorf("field %d is %s, want %s", i, e.Fields[i].Field, f)
				}
			}
		})
	}
}
