package torg

import (
	"strings"
	"time"
)

// Status is the status of a customer order.
type Status string

// Order statuses. Only an agreed («Согласован») order is sent to registers.
const (
	StatusNew       Status = "new"
	StatusAgreed    Status = "agreed"
	StatusSold      Status = "sold"      // a register's transaction sold it
	StatusClosed    Status = "closed"    // KKMTransfer posted its sales invoice
	StatusCancelled Status = "cancelled" // withdrawn for good
)

// Editable reports whether an order in this status may still be changed.
func (s Status) Editable() bool { return s == StatusNew || s == StatusAgreed }

// CanBecome reports whether staff or an integrator may move an order from s to next. A register's
// transaction (→ sold) and KKMTransfer (→ closed) make the other moves.
func (s Status) CanBecome(next Status) bool {
	switch next {
	case StatusNew, StatusAgreed, StatusCancelled:
		return s.Editable()
	}
	return false
}

// DeliveryState is where one listed register stands with an order (docs/API.md, «Customer orders»).
type DeliveryState string

// Delivery states of a register listed on an order.
const (
	DeliveryNotSent        DeliveryState = "not_sent"        // the order is not posted, or not agreed
	DeliverySent           DeliveryState = "sent"            // a package was formed, not yet acknowledged
	DeliveryReceived       DeliveryState = "received"        // the register acknowledged the current version
	DeliveryWithdrawalSent DeliveryState = "withdrawal_sent" // a deletion was formed, not yet acknowledged
	DeliveryWithdrawn      DeliveryState = "withdrawn"       // the register acknowledged the deletion
)

// Holds reports whether a register in this state has (or is being sent) the order.
func (d DeliveryState) Holds() bool { return d == DeliverySent || d == DeliveryReceived }

// Order is a customer order («Заказ покупателя»).
type Order struct {
	ID             string          `json:"id"`
	Number         string          `json:"number"`
	ExternalNumber *string         `json:"external_number"`
	Date           time.Time       `json:"date"`
	CustomerID     string          `json:"customer_id"`
	WarehouseID    string          `json:"warehouse_id"`
	Status         Status          `json:"status"`
	Comment        string          `json:"comment"`
	Lines          []OrderLine     `json:"lines"`
	Total          Money           `json:"total"`
	SoldTotal      *Money          `json:"sold_total"` // the total of the receipt that sold it; null until sold
	Registers      []OrderRegister `json:"registers"`
	Posted         bool            `json:"posted"`
	Version        int64           `json:"version"`
	Claim          *Claim          `json:"claim"`
	TransactionID  *string         `json:"transaction_id"`
	SalesInvoiceID *string         `json:"sales_invoice_id"`
	CashReceiptID  *string         `json:"cash_receipt_id"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// SoldPartly reports whether the receipt that sold the order came to less than the order: a partial
// sale, a line left out or a quantity lowered at the register.
func (o Order) SoldPartly() bool { return o.SoldTotal != nil && *o.SoldTotal < o.Total }

// OrderLine is one line of goods of an order.
type OrderLine struct {
	LineNo    int      `json:"line_no"`
	ProductID string   `json:"product_id"`
	Quantity  Quantity `json:"quantity"`
	Price     Money    `json:"price"`
	Discount  Money    `json:"discount"`
	Amount    Money    `json:"amount"`
	VATRate   VATRate  `json:"vat_rate"`
	VATAmount Money    `json:"vat_amount"`
}

// OrderRegister is a register on the order's «ККМ» tab and the delivery state of the order to it.
type OrderRegister struct {
	RegisterID  string        `json:"register_id"`
	State       DeliveryState `json:"state"`
	SentVersion int64         `json:"-"` // the version its last order.upsert carried
}

// Claim is a register's hold on an order while its cashier sells it («Подобрать чек»).
type Claim struct {
	OrderID    string    `json:"order_id,omitempty"`
	RegisterID string    `json:"register_id"`
	Version    int64     `json:"version,omitempty"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Ref names a catalog item by id or by code: exactly one of the two.
type Ref struct {
	ID, Code string
}

// OrderLineInput is a line of an order as a client sends it.
type OrderLineInput struct {
	ProductID   string     `json:"product_id"`
	ProductCode string     `json:"product_code"`
	Quantity    Quantity   `json:"quantity"`
	Price       Opt[Money] `json:"price"`
	Discount    Money      `json:"discount"`
}

// OrderInput creates an order (POST /api/v1/orders).
type OrderInput struct {
	ExternalNumber Opt[string]      `json:"external_number"`
	Date           Opt[time.Time]   `json:"date"`
	CustomerID     string           `json:"customer_id"`
	CustomerCode   string           `json:"customer_code"`
	WarehouseID    string           `json:"warehouse_id"`
	WarehouseCode  string           `json:"warehouse_code"`
	Status         Opt[Status]      `json:"status"`
	Comment        string           `json:"comment"`
	Lines          []OrderLineInput `json:"lines"`
	RegisterIDs    []string         `json:"register_ids"`
	FillRegisters  bool             `json:"fill_registers"`
	Post           bool             `json:"post"`
}

// OrderPatch changes an order (PATCH /api/v1/orders/{id}); lines, when given, replace all lines.
type OrderPatch struct {
	Status       Opt[Status]           `json:"status"`
	Comment      Opt[string]           `json:"comment"`
	Date         Opt[time.Time]        `json:"date"`
	CustomerID   Opt[string]           `json:"customer_id"`
	CustomerCode Opt[string]           `json:"customer_code"`
	Lines        Opt[[]OrderLineInput] `json:"lines"`
}

// Limits of an order.
const (
	MaxOrderLines  = 1000
	maxCommentLen  = 2000
	maxExternalLen = 64
)

// Validate checks what can be checked without the database; text it keeps is normalised.
func (in *OrderInput) Validate() error {
	var f Fields
	normal(&in.CustomerCode)
	normal(&in.WarehouseCode)
	checkRef(&f, "customer", in.CustomerID, in.CustomerCode, true)
	checkRef(&f, "warehouse", in.WarehouseID, in.WarehouseCode, true)
	if in.ExternalNumber.Set && !in.ExternalNumber.Null {
		if v := &in.ExternalNumber.Value; !printable(v) || strings.TrimSpace(*v) == "" || len(*v) > maxExternalLen {
			f.Add("external_number", "must be 1 to %d printable characters, or null", maxExternalLen)
		}
	}
	if in.Status.Set && in.Status.Value != StatusNew && in.Status.Value != StatusAgreed {
		f.Add("status", `a new order's status must be "new" or "agreed"`)
	}
	checkComment(&f, &in.Comment)
	checkLines(&f, in.Lines)
	for i, id := range in.RegisterIDs {
		if id == "" {
			f.Add(fieldIndex("register_ids", i), "must not be empty")
		}
	}
	return f.Err()
}

// Validate checks what can be checked without the database; text it keeps is normalised.
func (in *OrderPatch) Validate() error {
	var f Fields
	normal(&in.CustomerCode.Value)
	if in.CustomerID.Set || in.CustomerCode.Set {
		checkRef(&f, "customer", in.CustomerID.Value, in.CustomerCode.Value, true)
	}
	if in.Status.Set {
		switch in.Status.Value {
		case StatusNew, StatusAgreed, StatusCancelled, StatusSold, StatusClosed:
		default:
			f.Add("status", `must be "new", "agreed" or "cancelled"`)
		}
	}
	if in.Comment.Set {
		checkComment(&f, &in.Comment.Value)
	}
	if in.Date.Set && in.Date.Null {
		f.Add("date", "must be a time, not null")
	}
	if in.Lines.Set {
		checkLines(&f, in.Lines.Value)
	}
	return f.Err()
}

func checkRef(f *Fields, name, id, code string, required bool) {
	switch {
	case id != "" && code != "":
		f.Add(name+"_id", "give %s_id or %s_code, not both", name, name)
	case id == "" && code == "" && required:
		f.Add(name+"_id", "is required (or %s_code)", name)
	}
}

func checkComment(f *Fields, c *string) {
	if !printableText(c) || len(*c) > maxCommentLen {
		f.Add("comment", "must be at most %d characters of text", maxCommentLen)
	}
}

func checkLines(f *Fields, lines []OrderLineInput) {
	if len(lines) == 0 {
		f.Add("lines", "an order needs at least one line")
	}
	if len(lines) > MaxOrderLines {
		f.Add("lines", "an order has at most %d lines", MaxOrderLines)
	}
	for i := range lines {
		normal(&lines[i].ProductCode)
		l, p := lines[i], fieldIndex("lines", i)
		checkRef(f, p+".product", l.ProductID, l.ProductCode, true)
		if l.Quantity <= 0 {
			f.Add(p+".quantity", "must be greater than 0")
		}
		if l.Price.Set && (l.Price.Null || l.Price.Value < 0) {
			f.Add(p+".price", "must be a non-negative number of kopecks")
		}
		if l.Discount < 0 {
			f.Add(p+".discount", "must not be negative")
		}
	}
}

// PriceLine computes a line's amount and VAT; it names the field that breaks a rule.
func PriceLine(f *Fields, field string, l *OrderLine) {
	amount, ok := LineAmount(l.Quantity, l.Price, l.Discount)
	switch {
	case !ok:
		f.Add(field+".quantity", "quantity × price is too large")
	case amount < 0:
		f.Add(field+".discount", "must not exceed quantity × price")
	}
	l.Amount = amount
	l.VATAmount = l.VATRate.VATAmount(amount)
}

// Total sums the amounts of the lines.
func Total(lines []OrderLine) Money {
	var t Money
	for _, l := range lines {
		t += l.Amount
	}
	return t
}
