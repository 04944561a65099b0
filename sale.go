package torg

import (
	"math/bits"
	"slices"
	"time"
)

// A sale's closed_at may lie this long in the future by the back office's clock (registers' clocks
// drift), and this long before its order was created (an order made the next morning for a receipt
// closed last night), before it counts as a mismatch.
const (
	MaxClockSkew     = 10 * time.Minute
	MaxSaleBeforeDay = 24 * time.Hour
)

// SaleComparison is how a sale compares with the order version it names.
type SaleComparison struct {
	// Partial: every receipt line passes, and something is less than ordered (a line dropped or a
	// quantity lowered).
	Partial bool
	// Mismatches names every field of the receipt that differs from the order in a way that needs a
	// person; empty for an exact or a partial sale.
	Mismatches []FieldError
}

// Exact reports a sale of exactly the order.
func (c SaleComparison) Exact() bool { return !c.Partial && len(c.Mismatches) == 0 }

// CompareSale compares a sale with the lines of the order version it names. Receipt lines are matched
// to order lines of the same product in their order. A receipt line passes when its product is on the
// order, its price equals the order line's, its quantity does not exceed the order line's, and its
// discount does not exceed the order line's discount scaled to the quantity sold (round half away
// from zero). closed_at must lie between a day before the order was created and MaxClockSkew after
// now.
func CompareSale(ordered []OrderLine, orderCreated time.Time, in *TransactionInput, now time.Time) SaleComparison {
	var f Fields
	checkClosedAt(&f, in.ClosedAt, orderCreated, now)
	match, missing := MatchSaleLines(ordered, in.Lines)
	less, lowerDiscount := len(missing) > 0, -1
	for i, l := range in.Lines {
		p := fieldIndex("lines", i)
		if match[i] < 0 {
			f.Add(p+".product_id", "is not on the order (or on fewer of its lines)")
			continue
		}
		o := ordered[match[i]]
		if l.Price != o.Price {
			f.Add(p+".price", "the order's price is %d", o.Price)
		}
		if l.Quantity > o.Quantity {
			f.Add(p+".quantity", "more than the %s ordered", o.Quantity)
		}
		allowed := o.Discount
		if l.Quantity < o.Quantity {
			less, allowed = true, ScaleDiscount(o.Discount, l.Quantity, o.Quantity)
		}
		switch {
		case l.Discount > allowed:
			f.Add(p+".discount", "at most %d: the order's discount for this quantity", allowed)
		case l.Discount < allowed && lowerDiscount < 0:
			lowerDiscount = i
		}
	}
	if len(f) == 0 && !less && lowerDiscount >= 0 {
		// Nothing is less, so this is not a partial sale: a smaller discount than the order's is a
		// difference a person must see.
		f.Add(fieldIndex("lines", lowerDiscount)+".discount", "differs from the order's discount")
	}
	if len(f) == 0 {
		return SaleComparison{Partial: less}
	}
	for _, i := range missing {
		f.Add("lines", "order line %d is not on the receipt", ordered[i].LineNo)
	}
	return SaleComparison{Mismatches: f}
}

// MatchSaleLines pairs each receipt line with an order line of the same product, in their order:
// match[i] is the index in ordered of receipt line i's order line, or -1 when the order has no (more)
// lines of its product; missing lists the order lines no receipt line took.
func MatchSaleLines(ordered []OrderLine, sold []TxLine) (match, missing []int) {
	queue := map[string][]int{}
	for i, l := range ordered {
		queue[l.ProductID] = append(queue[l.ProductID], i)
	}
	match = make([]int, len(sold))
	for i, l := range sold {
		match[i] = -1
		if q := queue[l.ProductID]; len(q) > 0 {
			match[i], queue[l.ProductID] = q[0], q[1:]
		}
	}
	for i, l := range ordered {
		if slices.Contains(queue[l.ProductID], i) {
			missing = append(missing, i)
		}
	}
	return match, missing
}

func checkClosedAt(f *Fields, closed, orderCreated, now time.Time) {
	switch {
	case closed.After(now.Add(MaxClockSkew)):
		f.Add("closed_at", "lies in the future: more than %s after the back office's clock", MaxClockSkew)
	case !orderCreated.IsZero() && closed.Before(orderCreated.Add(-MaxSaleBeforeDay)):
		f.Add("closed_at", "lies more than a day before the order was created, %s", orderCreated.Format(time.RFC3339))
	}
}

// ScaleDiscount is an order line's discount for a part of its quantity: round half away from zero of
// discount × sold ÷ ordered. sold must not exceed ordered, and neither may be negative.
func ScaleDiscount(discount Money, sold, ordered Quantity) Money {
	if sold >= ordered {
		return discount
	}
	if sold <= 0 || discount <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(discount), uint64(sold))
	quo, rem := bits.Div64(hi, lo, uint64(ordered)) // hi < ordered, since sold < ordered
	if rem >= uint64(ordered)-rem {
		quo++
	}
	return Money(quo)
}

// SellPart is an order line sold in part, as a till sells it after the cashier lowers its quantity:
// q of it, the discount scaled to q (the rule CompareSale allows) and the amount recomputed. q must
// lie between 0 and the line's quantity.
func SellPart(l SnapshotLine, q Quantity) SnapshotLine {
	l.Discount = ScaleDiscount(l.Discount, q, l.Quantity)
	l.Quantity = q
	l.Amount, _ = LineAmount(q, l.Price, l.Discount)
	return l
}
