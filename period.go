package torg

import (
	"time"
)

// MaxPeriodYears is the longest period a report covers.
const MaxPeriodYears = 10

// Period is the span of a report: from From (included) to To (excluded).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Current says the period reaches the present: to was not given, or is not before now.
	Current bool `json:"-"`
}

// ParsePeriod reads a report's from and to as a client gives them: a date (2026-03-31, a whole day
// in the server's zone, to included) or a time in RFC 3339 (to excluded). Without from the period
// starts on the first day of to's month; without to it ends now. It names from or to when either is
// not a date, when from is after to, and when the period is longer than MaxPeriodYears.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	var f Fields
	var p Period
	var ok bool
	if p.To, ok = periodBound(to, true, now); !ok {
		f.Add("to", "must be a date (2026-03-31) or a time in RFC 3339")
	}
	if from == "" {
		t := p.To.Add(-time.Microsecond).In(time.Local)
		p.From = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.Local).UTC()
	} else if p.From, ok = periodBound(from, false, now); !ok {
		f.Add("from", "must be a date (2026-03-31) or a time in RFC 3339")
	}
	p.Current = !p.To.Before(now.UTC().Truncate(time.Microsecond))
	if len(f) == 0 && p.From.After(p.To) {
		f.Add("from", "must not be after to")
	}
	if len(f) == 0 && p.From.AddDate(MaxPeriodYears, 0, 0).Before(p.To) {
		f.Add("from", "the period must be at most %d years", MaxPeriodYears)
	}
	return p, f.Err()
}

// periodBound reads one bound; a date as to means the end of that day.
func periodBound(s string, end bool, now time.Time) (time.Time, bool) {
	if s == "" {
		return now.UTC().Truncate(time.Microsecond), end
	}
	if d, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d.UTC(), true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC().Truncate(time.Microsecond), err == nil && t.Year() >= 1 && t.Year() <= 9999
}

// StockTurnover is a product's movement in a warehouse over a period («оборотная ведомость по
// товарам»): what was there at the start, what came in by goods receipts, what left by sales, what
// came back by customer returns, what was there at the end. Reserved and Available are the order
// reservations now, given only when the period reaches the present (reservations keep no history).
type StockTurnover struct {
	WarehouseID string    `json:"warehouse_id"`
	ProductID   string    `json:"product_id"`
	ProductCode string    `json:"product_code"`
	Opening     Quantity  `json:"opening"`
	Receipts    Quantity  `json:"receipts"`
	Shipments   Quantity  `json:"shipments"`
	Returns     Quantity  `json:"returns"`
	Closing     Quantity  `json:"closing"`
	Reserved    *Quantity `json:"reserved"`
	Available   *Quantity `json:"available"`
}

// CashTurnover is a cash desk's cash over a period: at the start, in, out, at the end.
type CashTurnover struct {
	CashDeskID string `json:"cash_desk_id"`
	Opening    Money  `json:"opening"`
	In         Money  `json:"in"`
	Out        Money  `json:"out"`
	Closing    Money  `json:"closing"`
}

// CashMove is a document behind a cash desk's turnover: the drill-down of a cash turnover figure.
type CashMove struct {
	CashDeskID string    `json:"cash_desk_id"`
	Document   string    `json:"document"` // cash-receipts, or another kind of cash document
	DocumentID string    `json:"document_id"`
	Number     string    `json:"number"`
	Date       time.Time `json:"date"`
	Amount     Money     `json:"amount"` // positive in, negative out
}

// SettlementTurnover is a customer's debt over a period: owed at the start, invoiced, paid (cash
// receipt orders and card payments), returned (customer returns), owed at the end.
type SettlementTurnover struct {
	CustomerID string `json:"customer_id"`
	Opening    Money  `json:"opening"`
	Invoiced   Money  `json:"invoiced"`
	Paid       Money  `json:"paid"`
	Returned   Money  `json:"returned"`
	Closing    Money  `json:"closing"`
}

// SalesGroupings are the ways the sales analysis groups sales.
var SalesGroupings = []string{"day", "register", "cashier", "product"}

// SalesRow is one group of the sales analysis: the sales invoices of a day, a register, a cashier
// or a product over the period.
type SalesRow struct {
	Key            string   `json:"key"`      // the day (2026-03-15), the register's or product's id, or the cashier's name
	Receipts       int64    `json:"receipts"` // sales (receipts) in the group
	Quantity       Quantity `json:"quantity"`
	Revenue        Money    `json:"revenue"`
	VAT            Money    `json:"vat"`
	Returns        Money    `json:"returns"`         // refunded by customer returns
	AverageReceipt Money    `json:"average_receipt"` // revenue ÷ receipts, rounded half away from zero
}

// PeriodReport is a report over a period.
type PeriodReport[T any] struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Items []T       `json:"items"`
}
