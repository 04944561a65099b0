package torg

import (
	"strconv"
	"testing"
)

// FuzzParseQuantity: a quantity that parses prints back to the same value, and nothing panics.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"1", "1.25", "0.001", "-3.5", "1e3", "1.5E-1", "1.2345", "99999999999", "1e400", "00.1", "-", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantity(s)
		if err != nil {
			return
		}
		if q > MaxQuantity || q < -MaxQuantity {
			t.Fatalf("%q parsed beyond the limit: %d", s, q)
		}
		back, err := ParseQuantity(q.String())
		if err != nil || back != q {
			t.Fatalf("%q → %d → %q → %d, %v", s, q, q.String(), back, err)
		}
	})
}

// FuzzMoney: money that decodes is an integer within the limit, and nothing panics.
func FuzzMoney(f *testing.F) {
	for _, s := range []string{"15050", "-1", "0", "150.5", "1e3", `"100"`, "99999999999999999999", "1000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m Money
		if err := m.UnmarshalJSON([]byte(s)); err != nil {
			return
		}
		if n, err := strconv.ParseInt(s, 10, 64); err != nil || Money(n) != m || m > MaxMoney || m < -MaxMoney {
			t.Fatalf("%q decoded as %d", s, m)
		}
	})
}

// FuzzLineAmount: a line's amount never overflows silently.
func FuzzLineAmount(f *testing.F) {
	f.Add(int64(2000), int64(15000), int64(0))
	f.Add(int64(MaxQuantity), int64(MaxMoney), int64(1))
	f.Fuzz(func(t *testing.T, q, price, discount int64) {
		if q < 0 || price < 0 || q > int64(MaxQuantity) || price > int64(MaxMoney) || discount < 0 || discount > int64(MaxMoney) {
			return
		}
		a, ok := LineAmount(Quantity(q), Money(price), Money(discount))
		if ok && (a+Money(discount) < 0 || a+Money(discount) > MaxMoney) {
			t.Fatalf("LineAmount(%d, %d, %d) = %d", q, price, discount, a)
		}
	})
}
