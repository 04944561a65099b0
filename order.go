package torg

import (
	"slices"
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
	Sends       int64         `json:"-"` // order.upsert and order.delete packages sent to it about the order
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

// OnOffer reports whether the order is offered to the registers that hold it: agreed and posted.
// This is the one place the rule is written.
func (o *Order) OnOffer() bool { return o.Posted && o.Status == StatusAgreed }

// OfferedTo refuses a register an order it may not sell now: sold or closed (CodeSold), or not
// offered to it (CodeWithdrawn).
func (o *Order) OfferedTo(registerID string) error {
	if o.Status == StatusSold || o.Status == StatusClosed {
		return Errorf(CodeSold, "order %s is already sold", o.Number)
	}
	if r := o.register(registerID); r != nil && r.State.Holds() && o.OnOffer() {
		return nil
	}
	return Errorf(CodeWithdrawn, "order %s is not offered to this register now", o.Number)
}

func (o *Order) register(id string) *OrderRegister {
	for i := range o.Registers {
		if o.Registers[i].RegisterID == id {
			return &o.Registers[i]
		}
	}
	return nil
}

// registerIndex is where each register's row is in the order's «ККМ» tab: a change that looks up many
// registers (a warehouse's thousands, filled at once) would otherwise scan the tab for each.
func (o *Order) registerIndex() map[string]int {
	at := make(map[string]int, len(o.Registers))
	for i, r := range o.Registers {
		at[r.RegisterID] = i
	}
	return at
}

// Holders lists the registers that hold the order (or are being sent it), except one.
func (o *Order) Holders(except string) []string {
	var out []string
	for _, r := range o.Registers {
		if r.State.Holds() && r.RegisterID != except {
			out = append(out, r.RegisterID)
		}
	}
	return out
}

// Delivery is one exchange package a change of an order sends to one register. The store queues it
// in the change's transaction; the sequencer numbers it after commit (docs/EXCHANGE.md, «Numbering»).
type Delivery struct {
	RegisterID string
	Kind       string // PackageUpsert, PackageDelete, PackageClaimed or PackageReleased
	Reason     string // why an order.delete is sent
	Claim      *Claim // what an order.claimed announces
	// Send counts the order.upsert and order.delete packages about the order sent to the register,
	// this one included (0 for order.claimed and order.released, which change no delivery state):
	// once the package has its seq, the store records it against this count, so that an
	// acknowledgement marks the order received only when it covers the newest such package.
	Send int64
}

// Reservation says what a change does to the order's reservation.
type Reservation int

// What a plan does to the reservation.
const (
	ReservationKept  Reservation = iota // unchanged
	ReservationMade                     // made equal to the order's lines
	ReservationEnded                    // ended
)

// Plan is what one change of an order writes besides the order's own row: the packages it sends
// (and, through them, each register's delivery state), its reservation, the snapshot registers
// receive and whether the claim changed. The functions that make plans decide; the store only
// writes what they return.
type Plan struct {
	Deliveries   []Delivery
	Reservation  Reservation
	Snapshot     bool // store what registers receive of the order's current version
	ClaimChanged bool // o.Claim is new, or ended (nil)
}

// Sends lists the deliveries that change a register's delivery state: order.upsert and order.delete.
func (p Plan) Sends() []Delivery {
	var out []Delivery
	for _, d := range p.Deliveries {
		if d.Send > 0 {
			out = append(out, d)
		}
	}
	return out
}

// send moves the register's delivery state and plans the package that carries the change.
func (p *Plan) send(o *Order, r *OrderRegister, kind, reason string, state DeliveryState) {
	r.State, r.SentVersion, r.Sends = state, o.Version, r.Sends+1
	p.Deliveries = append(p.Deliveries, Delivery{RegisterID: r.RegisterID, Kind: kind, Reason: reason, Send: r.Sends})
}

// announce plans a package about who sells the order to each register that holds it, except one.
func (p *Plan) announce(o *Order, except, kind string, c *Claim) {
	for _, id := range o.Holders(except) {
		p.Deliveries = append(p.Deliveries, Delivery{RegisterID: id, Kind: kind, Claim: c})
	}
}

// withdrawal is the reason an order that is not on offer is withdrawn with.
func (o *Order) withdrawal() string {
	switch {
	case o.Status == StatusCancelled:
		return ReasonCancelled
	case !o.Posted:
		return ReasonUnposted
	}
	return ReasonNotAgreed
}

// Offer brings the registers listed on the order in line with it. An order on offer goes to every
// listed register that lacks its current version and holds its reservation; any other order is
// withdrawn from every register that holds it, loses its claim and its reservation.
func (o *Order) Offer() Plan {
	var p Plan
	if o.OnOffer() {
		p.Reservation = ReservationMade
		for i := range o.Registers {
			if r := &o.Registers[i]; !r.State.Holds() || r.SentVersion != o.Version {
				p.send(o, r, PackageUpsert, "", DeliverySent)
			}
		}
		p.Snapshot = len(p.Deliveries) > 0
		return p
	}
	p.Withdraw(o, o.Holders(""), o.withdrawal())
	if o.Claim != nil {
		o.Claim, p.ClaimChanged = nil, true
	}
	p.Reservation = ReservationEnded
	return p
}

// Withdraw plans order.delete with the reason to each of the registers listed on the order.
func (p *Plan) Withdraw(o *Order, registerIDs []string, reason string) {
	at := o.registerIndex()
	for _, id := range registerIDs {
		if i, ok := at[id]; ok {
			p.send(o, &o.Registers[i], PackageDelete, reason, DeliveryWithdrawalSent)
		}
	}
}

// SetPosted posts the order («Провести») or unposts it, and offers or withdraws it accordingly.
func (o *Order) SetPosted(posted bool) Plan {
	o.Posted = posted
	return o.Offer()
}

// ListRegisters adds registers to the order's «ККМ» tab, skipping those already listed, and returns
// the ones it added. A posted order is then offered again (Offer).
func (o *Order) ListRegisters(ids []string) []string {
	var added []string
	at := o.registerIndex()
	for _, id := range ids {
		if _, ok := at[id]; !ok {
			at[id] = len(o.Registers)
			o.Registers = append(o.Registers, OrderRegister{RegisterID: id, State: DeliveryNotSent})
			added = append(added, id)
		}
	}
	return added
}

// RemoveRegister takes a register off the order's list: if it holds the order it is sent
// order.delete, and its claim ends.
func (o *Order) RemoveRegister(id string) (Plan, error) {
	var p Plan
	r := o.register(id)
	if r == nil {
		return p, Errorf(CodeNotFound, "register %q is not listed on order %s", id, o.Number)
	}
	if r.State.Holds() {
		p.send(o, r, PackageDelete, ReasonRemoved, DeliveryWithdrawalSent)
	}
	if o.Claim != nil && o.Claim.RegisterID == id {
		o.Claim, p.ClaimChanged = nil, true
	}
	o.Registers = slices.DeleteFunc(o.Registers, func(r OrderRegister) bool { return r.RegisterID == id })
	return p, nil
}

// ClaimHeldError refuses a register an order another register is selling.
type ClaimHeldError struct {
	Number string
	Claim  Claim
}

func (e *ClaimHeldError) Error() string {
	return "order " + e.Number + " is being sold at another register until " + e.Claim.ExpiresAt.Format(time.RFC3339)
}

// TakeClaim gives the register the order to sell («Подобрать чек») until the time, or renews its
// claim, and tells every other register that holds the order (order.claimed). version, when not
// nil, is the version the register shows. A claim another register holds is refused with a
// *ClaimHeldError.
func (o *Order) TakeClaim(registerID string, version *int64, until time.Time) (Plan, error) {
	if err := o.OfferedTo(registerID); err != nil {
		return Plan{}, err
	}
	if o.Claim != nil && o.Claim.RegisterID != registerID {
		return Plan{}, &ClaimHeldError{Number: o.Number, Claim: *o.Claim}
	}
	if version != nil && *version != o.Version {
		return Plan{}, Errorf(CodeStaleVersion, "order %s is at version %d, not %d: fetch packages first", o.Number, o.Version, *version)
	}
	c := &Claim{OrderID: o.ID, RegisterID: registerID, Version: o.Version, ExpiresAt: until}
	o.Claim = c
	p := Plan{ClaimChanged: true}
	p.announce(o, registerID, PackageClaimed, c)
	return p, nil
}

// ReleaseClaim ends the register's claim on the order (its receipt was cancelled) and tells the
// other registers that hold the order (order.released). Releasing a claim the register does not
// hold plans nothing.
func (o *Order) ReleaseClaim(registerID string) Plan {
	if o.Claim == nil || o.Claim.RegisterID != registerID {
		return Plan{}
	}
	o.Claim = nil
	p := Plan{ClaimChanged: true}
	p.announce(o, registerID, PackageReleased, nil)
	return p
}

// LapseClaim ends a claim whose time passed without renewal (holder's register went quiet while
// selling): an order still on offer is available again at its other registers.
func (o *Order) LapseClaim(holder string) Plan {
	o.Claim = nil
	p := Plan{ClaimChanged: true}
	if o.OnOffer() {
		p.announce(o, holder, PackageReleased, nil)
	}
	return p
}

// Sell marks the order sold by the register's transaction: a new version, no claim, and withdrawn
// from every other register (order.delete, reason sold). The reservation stays until KKMTransfer
// posts the sale.
func (o *Order) Sell(registerID, transactionID string) Plan {
	o.Status, o.Version, o.TransactionID = StatusSold, o.Version+1, &transactionID
	p := Plan{ClaimChanged: o.Claim != nil}
	o.Claim = nil
	p.Withdraw(o, o.Holders(registerID), ReasonSold)
	return p
}
