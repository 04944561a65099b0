package torg

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantityRoundTripsThroughFloat64 backs the OpenAPI document's claim that a quantity survives a
// client that keeps it in a float64: every quantity up to MaxQuantity (at most 13 significant digits)
// reads into the nearest float64, which encoding/json writes back as the same decimal, and the server
// parses that to the same thousandths.
func TestQuantityRoundTripsThroughFloat64(t *testing.T) {
	check := func(q Quantity) {
		var f float64
		if err := json.Unmarshal([]byte(q.String()), &f); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b, _ := json.Marshal(f)
		back, err := ParseQuantity(string(b))
		if err != nil || back != q {
			t.Errorf("%s goes through a float64 as %s (%d, %v)", q, b, back, err)
		}
	}
	for _, q := range []Quantity{1, 9, 10, 99, 100, 123_456_789, 1000, 999_999_999_999, MaxQuantity, MaxQuantity - 1, 100_000_000_001} {
		check(q)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		check(Quantity(r.Int64N(int64(MaxQuantity)) + 1))
		check(Quantity(r.Int64N(1_000_000) + 1)) // small ones, where JSON could choose an exponent
	}
}

func TestParseQuantity(t *testing.T) {
	cases := []struct {
		in   string
		want Quantity
		ok   bool
	}{
		{"1", 1000, true},
		{"1.25", 1250, true},
		{"0.001", 1, true},
		{"2.500", 2500, true},
		{"1.2500", 1250, true}, // trailing zeros add no decimals
		{"1.5e2", 150000, true},
		{"15E-1", 1500, true},
		{"-3.5", -3500, true},
		{"1.2345", 0, false},
		{"0.0001", 0, false},
		{"1e-4", 0, false},
		{"1000000000", 1_000_000_000_000, true},
		{"1000000001", 0, false},
		{"1e400", 0, false},
		{`"1"`, 0, false},
		{"true", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
	}
	for _, c := range cases {
		got, err := ParseQuantity(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseQuantity(%s) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestQuantityString(t *testing.T) {
	for q, want := range map[Quantity]string{1000: "1", 1250: "1.25", 1: "0.001", 0: "0", -1500: "-1.5", 10: "0.01"} {
		if got := q.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(q), got, want)
		}
	}
}

func TestMoneyUnmarshal(t *testing.T) {
	for in, ok := range map[string]bool{"15050": true, "-1": true, "0": true, "150.5": false, "1e3": false, `"100"`: false,
		"null": false, "1000000000000000000": false, "99999999999999999999": false} {
		var m Money
		if err := m.UnmarshalJSON([]byte(in)); (err == nil) != ok {
			t.Errorf("Money(%s): err %v, want ok=%v", in, err, ok)
		}
	}
}

func TestLineAmountRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		q           Quantity
		price, disc Money
		want        Money
	}{
		{2000, 15000, 0, 30000},
		{1250, 8990, 0, 11238}, // 11237.5 rounds up
		{1, 1, 0, 0},           // 0.001 kopeck
		{500, 1, 0, 1},         // half a kopeck rounds away from zero
		{3000, 1000, 500, 2500},
	}
	for _, c := range cases {
		if got, ok := LineAmount(c.q, c.price, c.disc); !ok || got != c.want {
			t.Errorf("LineAmount(%d, %d, %d) = %d, %v; want %d", c.q, c.price, c.disc, got, ok, c.want)
		}
	}
	if _, ok := LineAmount(MaxQuantity, MaxMoney, 0); ok {
		t.Error("an overflowing line amount was accepted")
	}
}

func TestVATAmount(t *testing.T) {
	cases := []struct {
		rate   VATRate
		amount Money
		want   Money
	}{
		{"22", 30000, 5410}, // 5409.83…
		{"20", 12000, 2000},
		{"10", 11000, 1000},
		{"0", 30000, 0},
		{"none", 30000, 0},
		{"5", 21, 1}, // exactly 1.0
	}
	for _, c := range cases {
		if got := c.rate.VATAmount(c.amount); got != c.want {
			t.Errorf("%s%% of %d = %d, want %d", c.rate, c.amount, got, c.want)
		}
	}
}

func TestMoneyString(t *testing.T) {
	for m, want := range map[Money]string{15050: "150.50", 5: "0.05", -5: "-0.05", 0: "0.00", 100000: "1000.00"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(m), got, want)
		}
	}
}

func TestMoneyPlusRefusesOverflow(t *testing.T) {
	for _, c := range []struct {
		a, b, want Money
		ok         bool
	}{
		{1, 2, 3, true},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true},
		{math.MaxInt64, 1, 0, false},
		{math.MinInt64, -1, 0, false},
		{math.MinInt64, 1, math.MinInt64 + 1, true},
		{-5, 3, -2, true},
	} {
		if got, ok := c.a.Plus(c.b); got != c.want || ok != c.ok {
			t.Errorf("%d.Plus(%d) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}

func TestQuantityPlusRefusesOverflow(t *testing.T) {
	for _, c := range []struct {
		a, b, want Quantity
		ok         bool
	}{
		{1000, 250, 1250, true},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true},
		{math.MaxInt64, 1, 0, false},
		{math.MinInt64 + 500, -1000, 0, false},
		{math.MinInt64, math.MaxInt64, -1, true},
	} {
		if got, ok := c.a.Plus(c.b); got != c.want || ok != c.ok {
			t.Errorf("%d.Plus(%d) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}
