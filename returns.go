package torg

import (
	"encoding/json"
	"math/bits"
)

// ReturnableLine is what is left to return of one line of a sale.
type ReturnableLine struct {
	LineNo    int      `json:"line_no"`
	ProductID string   `json:"product_id"`
	Name      string   `json:"name"`     // the product's name, for the cashier to recognise it
	Quantity  Quantity `json:"quantity"` // sold, less what returns already took
	Price     Money    `json:"price"`
	Discount  Money    `json:"discount"` // the discount of the whole quantity left
	Amount    Money    `json:"amount"`   // what the quantity left would refund
}

// SaleForReturn is a sale as a till sees it before a return: the sale and what is still returnable.
type SaleForReturn struct {
	Transaction Transaction      `json:"transaction"`
	Returnable  []ReturnableLine `json:"returnable"`
}

// ReturnedSoFar is, by the sale's line number, what returns already took of a sale: the quantity and
// the amount refunded.
type ReturnedSoFar map[int]TxLine

// Returned sums the returns already made of a sale.
func Returned(returns []TransactionInput) ReturnedSoFar {
	out := ReturnedSoFar{}
	for _, r := range returns {
		for _, l := range r.Lines {
			sum := out[l.LineNo]
			sum.Quantity += l.Quantity
			sum.Amount += l.Amount
			out[l.LineNo] = sum
		}
	}
	return out
}

// ReturnedOf sums the returns already made of a sale, each given as the JSON of its transaction, as
// the back office and the till both keep it.
func ReturnedOf(bodies []string) (ReturnedSoFar, error) {
	returns := make([]TransactionInput, len(bodies))
	for i, b := range bodies {
		if err := json.Unmarshal([]byte(b), &returns[i]); err != nil {
			return nil, err
		}
	}
	return Returned(returns), nil
}

// Returnable lists the sale's lines with what is left of each after the returns already made; a
// line returned in full is left out.
func Returnable(sale *TransactionInput, returned ReturnedSoFar) []ReturnableLine {
	out := []ReturnableLine{}
	for i, l := range sale.Lines {
		n := i + 1
		left := l.Quantity - returned[n].Quantity
		if left <= 0 {
			continue
		}
		r := ReturnPart(sale, returned, n, left)
		out = append(out, ReturnableLine{LineNo: n, ProductID: l.ProductID, Quantity: left, Price: l.Price, Discount: r.Discount, Amount: r.Amount})
	}
	return out
}

// ReturnPart is the return line for q of the sale's line n (1-based), after the returns already
// made: the sale's price, and the part of its discount for the quantities returned so far and now —
// ScaleDiscount of the returned total less that of the returned before — so that the returns of a
// whole line add up to exactly its amount.
func ReturnPart(sale *TransactionInput, returned ReturnedSoFar, n int, q Quantity) TxLine {
	l := sale.Lines[n-1]
	before := returned[n].Quantity
	d := ScaleDiscount(l.Discount, before+q, l.Quantity) - ScaleDiscount(l.Discount, before, l.Quantity)
	amount, _ := LineAmount(q, l.Price, d)
	return TxLine{LineNo: n, ProductID: l.ProductID, Quantity: q, Price: l.Price, Discount: d, Amount: amount}
}

// CheckReturn compares a return with its sale and the returns already made of it, naming every line
// that refunds what is not left to refund: a line that is not the sale's, another product or price, a
// quantity above what is left, an amount above the line's share of what the sale took (rounded up),
// or one that with the returns before refunds more than the sale took for the line. An empty answer
// means the return may be processed. The share leaves a kopeck of rounding to the till (a till that
// computed a discount's share before another register's return still agrees); the sum over the
// line's returns has none: together they never refund more than the sale took.
func CheckReturn(sale, ret *TransactionInput, returned ReturnedSoFar) []FieldError {
	var f Fields
	for i, l := range ret.Lines {
		p := fieldIndex("lines", i)
		if l.LineNo < 1 || l.LineNo > len(sale.Lines) {
			f.Add(p+".line_no", "is not a line of the sale")
			continue
		}
		s, before := sale.Lines[l.LineNo-1], returned[l.LineNo]
		switch {
		case l.ProductID != s.ProductID:
			f.Add(p+".product_id", "is not the product of the sale's line %d", l.LineNo)
		case l.Price != s.Price:
			f.Add(p+".price", "must be the sale's price, %s", s.Price)
		case l.Quantity > s.Quantity-before.Quantity:
			f.Add(p+".quantity", "is more than is left to return of the sale's line, %s", s.Quantity-before.Quantity)
		case l.Amount > shareUp(s.Amount, l.Quantity, s.Quantity)+1 || l.Amount > s.Amount-before.Amount:
			f.Add(p+".amount", "refunds more than the sale took for this quantity; at most %s", min(shareUp(s.Amount, l.Quantity, s.Quantity)+1, s.Amount-before.Amount))
		}
	}
	return f
}

// shareUp is amount × q ÷ of, rounded up; q is at most of.
func shareUp(amount Money, q, of Quantity) Money {
	if amount <= 0 || q <= 0 || of <= 0 {
		return 0
	}
	q = min(q, of)
	hi, lo := bits.Mul64(uint64(amount), uint64(q))
	quo, rem := bits.Div64(hi, lo, uint64(of))
	if rem > 0 {
		quo++
	}
	return Money(quo)
}
