package torg

import (
	"errors"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an amount in kopecks (15050 is 150.50 ₽). In JSON it is an integer.
type Money int64

// Quantity is an amount of goods in thousandths of a unit (1250 is 1.25 kg). In JSON it is a number
// with at most three decimals, parsed exactly.
type Quantity int64

// Limits that keep every sum and product of money and quantities far from int64 overflow.
const (
	MaxMoney    Money    = 1_000_000_000_000_000 // 10 trillion roubles
	MaxQuantity Quantity = 1_000_000_000_000     // a billion units
)

var (
	errNotInteger     = errors.New("must be an integer number of kopecks")
	errMoneyRange     = errors.New("is out of range")
	errNotNumber      = errors.New("must be a number")
	errTooManyDecimal = errors.New("must have at most 3 decimals")
)

// UnmarshalJSON accepts only a JSON integer within ±MaxMoney.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "" || strings.ContainsAny(s, ".eE\"") || s == "null" {
		return errNotInteger
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return errMoneyRange
		}
		return errNotInteger
	}
	if v > int64(MaxMoney) || v < -int64(MaxMoney) {
		return errMoneyRange
	}
	*m = Money(v)
	return nil
}

// UnmarshalJSON parses a JSON number exactly, without passing through a binary float.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := ParseQuantity(string(b))
	if err != nil {
		return err
	}
	*q = v
	return nil
}

// MarshalJSON writes the quantity as a plain decimal number such as 1.25.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// String formats the quantity as a decimal with no trailing zeros.
func (q Quantity) String() string {
	neg := q < 0
	u := uint64(q)
	if neg {
		u = uint64(-q)
	}
	s := strconv.FormatUint(u/1000, 10)
	if frac := u % 1000; frac != 0 {
		s += "." + strings.TrimRight(strconv.FormatUint(frac+1000, 10)[1:], "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseQuantity parses a JSON number (sign, digits, fraction, exponent) into thousandths exactly. It
// fails when the value has more than three decimals or is beyond ±MaxQuantity.
func ParseQuantity(s string) (Quantity, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 40 || e < -40 {
			return 0, errNotNumber
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) || (strings.Contains(mant, ".") && frac == "") {
		return 0, errNotNumber
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - exp // the value is digits × 10^-scale
	digits, scale = trimZeros(digits, scale)
	if scale > 3 {
		return 0, errTooManyDecimal
	}
	for ; scale < 3; scale++ {
		digits += "0"
	}
	if len(digits) > 19 {
		return 0, errMoneyRange
	}
	v, err := strconv.ParseUint("0"+digits, 10, 64)
	if err != nil || v > uint64(MaxQuantity) {
		return 0, errMoneyRange
	}
	if neg {
		return Quantity(-int64(v)), nil
	}
	return Quantity(v), nil
}

func trimZeros(digits string, scale int) (string, int) {
	for scale > 0 && strings.HasSuffix(digits, "0") {
		digits, scale = digits[:len(digits)-1], scale-1
	}
	return digits, scale
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// LineAmount is round-half-away-from-zero(quantity × price) − discount, the amount of an order or
// receipt line. ok is false when the product does not fit MaxMoney.
func LineAmount(q Quantity, price, discount Money) (amount Money, ok bool) {
	neg := (q < 0) != (price < 0)
	uq, up := abs64(int64(q)), abs64(int64(price))
	hi, lo := bits.Mul64(uq, up)
	if hi != 0 {
		return 0, false
	}
	rounded := lo/1000 + boolToU64(lo%1000 >= 500)
	if rounded > uint64(MaxMoney) {
		return 0, false
	}
	a := Money(rounded)
	if neg {
		a = -a
	}
	return a - discount, true
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

func boolToU64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// VATRate is a VAT rate as the contract spells it: "none", "0", "5", "7", "10", "20" or "22".
type VATRate string

// VATRates lists the valid rates.
var VATRates = []VATRate{"none", "0", "5", "7", "10", "20", "22"}

// DefaultVATRate is the rate a product gets when none is given.
const DefaultVATRate VATRate = "22"

// Valid reports whether r is one of VATRates.
func (r VATRate) Valid() bool {
	for _, v := range VATRates {
		if r == v {
			return true
		}
	}
	return false
}

// VATAmount is round(amount × rate / (100 + rate)), the VAT included in amount.
func (r VATRate) VATAmount(amount Money) Money {
	rate, err := strconv.ParseInt(string(r), 10, 64)
	if err != nil || rate == 0 {
		return 0
	}
	num := int64(amount) * rate // |amount| ≤ MaxMoney, so this stays far below int64 overflow
	den := 100 + rate
	q, rem := num/den, num%den
	if 2*abs64(rem) >= uint64(den) {
		if num < 0 {
			q--
		} else {
			q++
		}
	}
	return Money(q)
}

// String writes the amount in roubles with two decimals, such as 150.50 or -0.05.
func (m Money) String() string {
	sign, u := "", abs64(int64(m))
	if m < 0 {
		sign = "-"
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + strconv.FormatUint(u%100+100, 10)[1:]
}

// Plus is m + n, with ok false when the sum leaves the int64 range: running totals (balances, report
// sums) add through it so that they fail instead of wrapping around.
func (m Money) Plus(n Money) (sum Money, ok bool) {
	s := m + n
	if (n > 0 && s < m) || (n < 0 && s > m) {
		return 0, false
	}
	return s, true
}

// Plus is q + n, with ok false when the sum leaves the int64 range: running totals of stock add
// through it so that they fail instead of wrapping around.
func (q Quantity) Plus(n Quantity) (sum Quantity, ok bool) {
	s := q + n
	if (n > 0 && s < q) || (n < 0 && s > q) {
		return 0, false
	}
	return s, true
}

// DivRound is m ÷ n rounded half away from zero (0 when n is 0): an average of amounts.
func DivRound(m Money, n int64) Money {
	if n == 0 {
		return 0
	}
	q, r := int64(m)/n, int64(m)%n
	if r < 0 {
		r = -r
	}
	if n2 := max(n, -n); uint64(r)*2 >= uint64(n2) {
		if (m < 0) != (n < 0) {
			q--
		} else {
			q++
		}
	}
	return Money(q)
}
