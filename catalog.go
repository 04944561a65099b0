package torg

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// RetailCustomerCode is the code of the customer that always exists and receives sales without an order.
const RetailCustomerCode = "retail"

// Warehouse is a place where goods are kept («Склад»).
type Warehouse struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// WarehouseInput creates or patches a Warehouse.
type WarehouseInput struct {
	Code Opt[string] `json:"code"`
	Name Opt[string] `json:"name"`
}

// Apply copies the given fields into w and validates the result.
func (in WarehouseInput) Apply(w *Warehouse) error {
	in.Code.ApplyTo(&w.Code)
	in.Name.ApplyTo(&w.Name)
	var f Fields
	checkCodeName(&f, &w.Code, &w.Name)
	return f.Err()
}

// CashDesk is a cash desk cash is recorded in («Касса»).
type CashDesk struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// CashDeskInput creates or patches a CashDesk.
type CashDeskInput struct {
	Code Opt[string] `json:"code"`
	Name Opt[string] `json:"name"`
}

// Apply copies the given fields into c and validates the result.
func (in CashDeskInput) Apply(c *CashDesk) error {
	in.Code.ApplyTo(&c.Code)
	in.Name.ApplyTo(&c.Name)
	var f Fields
	checkCodeName(&f, &c.Code, &c.Name)
	return f.Err()
}

// Product is an item of goods («Номенклатура»).
type Product struct {
	ID       string   `json:"id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	VATRate  VATRate  `json:"vat_rate"`
	Price    Money    `json:"price"`
	Barcodes []string `json:"barcodes"`
}

// DefaultUnit is the unit a product gets when none is given.
const DefaultUnit = "шт"

// NewProduct returns a product with the defaults of docs/API.md, «Catalogs and goods receipts».
func NewProduct() Product {
	return Product{Unit: DefaultUnit, VATRate: DefaultVATRate, Barcodes: []string{}}
}

// ProductInput creates or patches a Product.
type ProductInput struct {
	Code     Opt[string]   `json:"code"`
	Name     Opt[string]   `json:"name"`
	Unit     Opt[string]   `json:"unit"`
	VATRate  Opt[VATRate]  `json:"vat_rate"`
	Price    Opt[Money]    `json:"price"`
	Barcodes Opt[[]string] `json:"barcodes"`
}

// Apply copies the given fields into p and validates the result.
func (in ProductInput) Apply(p *Product) error {
	in.Code.ApplyTo(&p.Code)
	in.Name.ApplyTo(&p.Name)
	in.Unit.ApplyTo(&p.Unit)
	in.VATRate.ApplyTo(&p.VATRate)
	in.Price.ApplyTo(&p.Price)
	in.Barcodes.ApplyTo(&p.Barcodes)
	if p.Barcodes == nil {
		p.Barcodes = []string{}
	}
	var f Fields
	checkCodeName(&f, &p.Code, &p.Name)
	p.Unit = strings.TrimSpace(p.Unit)
	if !printable(&p.Unit) || p.Unit == "" || utf8.RuneCountInString(p.Unit) > 16 {
		f.Add("unit", "is required, at most 16 printable characters")
	}
	if !p.VATRate.Valid() {
		f.Add("vat_rate", `must be one of "none", "0", "5", "7", "10", "20", "22"`)
	}
	if p.Price < 0 {
		f.Add("price", "must not be negative")
	}
	seen := map[string]bool{}
	for i := range p.Barcodes {
		ok := printable(&p.Barcodes[i])
		switch b := p.Barcodes[i]; {
		case !ok || b == "" || len(b) > 64 || strings.TrimSpace(b) != b:
			f.Add(fieldIndex("barcodes", i), "must be 1 to 64 printable characters")
		case seen[b]:
			f.Add(fieldIndex("barcodes", i), "is listed twice")
		}
		seen[p.Barcodes[i]] = true
	}
	return f.Err()
}

// Customer is a buyer («Контрагент»).
type Customer struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
	INN   string `json:"inn"`
}

// CustomerInput creates or patches a Customer.
type CustomerInput struct {
	Code  Opt[string] `json:"code"`
	Name  Opt[string] `json:"name"`
	Phone Opt[string] `json:"phone"`
	Email Opt[string] `json:"email"`
	INN   Opt[string] `json:"inn"`
}

// Apply copies the given fields into c and validates the result.
func (in CustomerInput) Apply(c *Customer) error {
	in.Code.ApplyTo(&c.Code)
	in.Name.ApplyTo(&c.Name)
	in.Phone.ApplyTo(&c.Phone)
	in.Email.ApplyTo(&c.Email)
	in.INN.ApplyTo(&c.INN)
	var f Fields
	checkCodeName(&f, &c.Code, &c.Name)
	c.Phone, c.Email, c.INN = strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email), strings.TrimSpace(c.INN)
	if len(c.Phone) > 32 || strings.Trim(c.Phone, "+0123456789 ()-") != "" {
		f.Add("phone", "must be at most 32 characters of digits, spaces, +, -, ( and )")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); !printable(&c.Email) || err != nil || a.Address != c.Email || len(c.Email) > 254 {
			f.Add("email", "must be an e-mail address such as name@example.ru")
		}
	}
	if c.INN != "" && (!allDigits(c.INN) || (len(c.INN) != 10 && len(c.INN) != 12)) {
		f.Add("inn", "must be 10 or 12 digits")
	}
	return f.Err()
}

// Register is a cash register («ККМ»): a till with a fiscal device that sells orders sent to it.
type Register struct {
	ID             string     `json:"id"`
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	WarehouseID    string     `json:"warehouse_id"`
	AcceptsOrders  bool       `json:"accepts_orders"`
	AutoLoadOrders bool       `json:"auto_load_orders"`
	CashDeskID     *string    `json:"cash_desk_id"`
	LastSeenAt     *time.Time `json:"last_seen_at"`
	AckedSeq       int64      `json:"acked_seq"`
}

// RegisterInput creates or patches a Register. last_seen_at and acked_seq are kept by the exchange.
type RegisterInput struct {
	Code           Opt[string] `json:"code"`
	Name           Opt[string] `json:"name"`
	WarehouseID    Opt[string] `json:"warehouse_id"`
	AcceptsOrders  Opt[bool]   `json:"accepts_orders"`
	AutoLoadOrders Opt[bool]   `json:"auto_load_orders"`
	CashDeskID     Opt[string] `json:"cash_desk_id"`
}

// Apply copies the given fields into r and validates the result; references are checked by the store.
func (in RegisterInput) Apply(r *Register) error {
	in.Code.ApplyTo(&r.Code)
	in.Name.ApplyTo(&r.Name)
	in.WarehouseID.ApplyTo(&r.WarehouseID)
	in.AcceptsOrders.ApplyTo(&r.AcceptsOrders)
	in.AutoLoadOrders.ApplyTo(&r.AutoLoadOrders)
	var f Fields
	if in.CashDeskID.Set {
		r.CashDeskID = nil
		if !in.CashDeskID.Null {
			id := in.CashDeskID.Value
			r.CashDeskID = &id
		}
		if !in.CashDeskID.Null && in.CashDeskID.Value == "" {
			f.Add("cash_desk_id", "must be a cash desk's id, or null for none")
		}
	}
	checkCodeName(&f, &r.Code, &r.Name)
	if r.WarehouseID == "" {
		f.Add("warehouse_id", "is required")
	}
	if r.AutoLoadOrders && !r.AcceptsOrders {
		f.Add("auto_load_orders", "requires accepts_orders: a register that loads orders automatically must work with customer orders")
	}
	return f.Err()
}

func checkCodeName(f *Fields, code, name *string) {
	*code, *name = strings.TrimSpace(*code), strings.TrimSpace(*name)
	switch {
	case *code == "":
		f.Add("code", "is required")
	case !printable(code) || utf8.RuneCountInString(*code) > maxCodeLen:
		f.Add("code", "must be at most %d printable characters", maxCodeLen)
	}
	switch {
	case *name == "":
		f.Add("name", "is required")
	case !printable(name) || utf8.RuneCountInString(*name) > maxNameLen:
		f.Add("name", "must be at most %d printable characters", maxNameLen)
	}
}

func fieldIndex(name string, i int) string { return name + "[" + itoa(i) + "]" }
