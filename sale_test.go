package torg

import (
	"reflect"
	"testing"
	"time"
)

func TestCompareSale(t *testing.T) {
	created := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	now := created.Add(time.Hour)
	order := []OrderLine{
		{LineNo: 1, ProductID: "kettle", Quantity: 2000, Price: 15000, Discount: 1001},
		{LineNo: 2, ProductID: "cup", Quantity: 1000, Price: 500},
	}
	line := func(product string, q Quantity, price, discount Money) TxLine {
		return TxLine{ProductID: product, Quantity: q, Price: price, Discount: discount}
	}
	cases := []struct {
		name       string
		lines      []TxLine
		closedAt   time.Time
		partial    bool
		mismatches []FieldError
	}{
		{name: "the same lines are an exact sale",
			lines: []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0)}},
		{name: "the same lines in another order are an exact sale",
			lines: []TxLine{line("cup", 1000, 500, 0), line("kettle", 2000, 15000, 1001)}},
		{name: "a dropped line is partial",
			lines: []TxLine{line("kettle", 2000, 15000, 1001)}, partial: true},
		{name: "a lowered quantity with the discount scaled half away from zero is partial",
			lines: []TxLine{line("kettle", 1000, 15000, 501), line("cup", 1000, 500, 0)}, partial: true},
		{name: "a lowered quantity with less than the scaled discount is partial",
			lines: []TxLine{line("kettle", 1000, 15000, 0), line("cup", 1000, 500, 0)}, partial: true},
		{name: "another product is a mismatch",
			lines:      []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0), line("spoon", 1000000, 1, 0)},
			mismatches: []FieldError{{"lines[2].product_id", "is not on the order (or on fewer of its lines)"}}},
		{name: "a higher quantity, another price and a bigger discount are named each",
			lines: []TxLine{line("kettle", 3000, 15000, 1001), line("cup", 1000, 1, 1)},
			mismatches: []FieldError{{"lines[0].quantity", "more than the 2 ordered"}, {"lines[1].price", "the order's price is 500"},
				{"lines[1].discount", "at most 0: the order's discount for this quantity"}}},
		{name: "a discount above the scaled one is a mismatch, and the lines left out are named too",
			lines: []TxLine{line("kettle", 1000, 15000, 502)},
			mismatches: []FieldError{{"lines[0].discount", "at most 501: the order's discount for this quantity"},
				{"lines", "order line 2 is not on the receipt"}}},
		{name: "a smaller discount on the whole order is a mismatch",
			lines:      []TxLine{line("kettle", 2000, 15000, 1000), line("cup", 1000, 500, 0)},
			mismatches: []FieldError{{"lines[0].discount", "differs from the order's discount"}}},
		{name: "a receipt backdated by more than a day before the order is a mismatch",
			lines:      []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0)},
			closedAt:   time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
			mismatches: []FieldError{{"closed_at", "lies more than a day before the order was created, 2026-11-30T10:00:00Z"}}},
		{name: "a receipt closed the evening before the order is exact",
			lines:    []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0)},
			closedAt: created.Add(-20 * time.Hour)},
		{name: "a receipt from the future beyond the clock skew is a mismatch",
			lines:      []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0)},
			closedAt:   now.Add(MaxClockSkew + time.Second),
			mismatches: []FieldError{{"closed_at", "lies in the future: more than 10m0s after the back office's clock"}}},
		{name: "a receipt a little ahead of the clock is exact",
			lines:    []TxLine{line("kettle", 2000, 15000, 1001), line("cup", 1000, 500, 0)},
			closedAt: now.Add(MaxClockSkew)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := TransactionInput{Lines: c.lines, ClosedAt: c.closedAt}
			if in.ClosedAt.IsZero() {
				in.ClosedAt = now
			}
			got := CompareSale(order, created, &in, now)
			if got.Partial != c.partial || !reflect.DeepEqual([]FieldError(got.Mismatches), c.mismatches) {
				t.Errorf("got partial %v, mismatches %v; want partial %v, mismatches %v", got.Partial, got.Mismatches, c.partial, c.mismatches)
			}
			if got.Exact() != (!c.partial && c.mismatches == nil) {
				t.Errorf("Exact() = %v", got.Exact())
			}
		})
	}
}

func TestScaleDiscount(t *testing.T) {
	for _, c := range []struct {
		discount      Money
		sold, ordered Quantity
		want          Money
	}{
		{1001, 1000, 2000, 501}, // 500.5 rounds away from zero
		{1000, 1000, 3000, 333},
		{2000, 1000, 3000, 667},
		{1000, 3000, 3000, 1000},
		{0, 1000, 3000, 0},
		{MaxMoney, MaxQuantity - 1, MaxQuantity, MaxMoney - 1000},
	} {
		if got := ScaleDiscount(c.discount, c.sold, c.ordered); got != c.want {
			t.Errorf("ScaleDiscount(%d, %d, %d) = %d, want %d", c.discount, c.sold, c.ordered, got, c.want)
		}
	}
}

func TestSellPartIsWhatCompareSaleCallsPartial(t *testing.T) {
	ordered := SnapshotLine{LineNo: 1, ProductID: "kettle", Quantity: 3000, Price: 15000, Discount: 1000, Amount: 44000}
	part := SellPart(ordered, 1000)
	if part.Quantity != 1000 || part.Discount != 333 || part.Amount != 14667 {
		t.Fatalf("SellPart = %+v, want 1 at 150.00 less 3.33: 146.67", part)
	}
	in := TransactionInput{ClosedAt: time.Now(), Lines: []TxLine{{ProductID: part.ProductID, Quantity: part.Quantity, Price: part.Price,
		Discount: part.Discount, Amount: part.Amount}}}
	got := CompareSale([]OrderLine{{LineNo: 1, ProductID: "kettle", Quantity: 3000, Price: 15000, Discount: 1000}}, time.Now(), &in, time.Now())
	if !got.Partial || len(got.Mismatches) != 0 {
		t.Errorf("the server calls it %+v, want partial", got)
	}
}
