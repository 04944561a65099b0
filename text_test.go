package torg

import (
	"errors"
	"testing"
	"time"
)

// named reports whether err is a validation error naming the field.
func named(err error, field string) bool {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeValidation {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// invisible lists default-ignorable code points: each renders as nothing, so text holding one looks
// the same as text without it.
var invisible = map[string]string{
	"COMBINING GRAPHEME JOINER": "\u034f", "ZERO WIDTH SPACE": "\u200b", "ZERO WIDTH JOINER": "\u200d",
	"WORD JOINER": "\u2060", "SOFT HYPHEN": "\u00ad", "HANGUL FILLER": "\u115f", "HALFWIDTH HANGUL FILLER": "\uffa0",
	"MONGOLIAN VOWEL SEPARATOR": "\u180e", "ARABIC LETTER MARK": "\u061c", "VARIATION SELECTOR-16": "\ufe0f",
	"VARIATION SELECTOR-17": "\U000e0100", "LANGUAGE TAG": "\U000e0001", "INVISIBLE TIMES": "\u2062",
	"BYTE ORDER MARK": "\ufeff", "RIGHT-TO-LEFT OVERRIDE": "\u202e", "an unassigned ignorable": "\u2065",
}

func TestTextWithInvisibleCharactersIsRefusedEverywhere(t *testing.T) {
	order := func(s string) OrderInput {
		return OrderInput{CustomerCode: "retail", WarehouseCode: "MAIN", Lines: []OrderLineInput{{ProductCode: "P", Quantity: 1000}}, ExternalNumber: Of(s), Comment: s}
	}
	tx := func(s string) TransactionInput {
		return TransactionInput{ID: "01a22a24-4aa7-7c15-97c7-55b2be9bcfe1", ShiftNumber: 1, ReceiptNumber: 1, ClosedAt: time.Now(), Cashier: s,
			Lines: []TxLine{{ProductID: "p", Quantity: 1000, Price: 100, Amount: 100}}, Payments: []Payment{{Type: PaymentCash, Amount: 100}}, Total: 100,
			Fiscal: &Fiscal{FN: "1", FD: 1, FP: s}}
	}
	checks := []struct {
		name   string
		fields []string
		check  func(s string) error
	}{
		{"a warehouse", []string{"code", "name"}, func(s string) error {
			var w Warehouse
			return WarehouseInput{Code: Of("W" + s), Name: Of("n" + s)}.Apply(&w)
		}},
		{"a cash desk", []string{"code", "name"}, func(s string) error {
			var c CashDesk
			return CashDeskInput{Code: Of("C" + s), Name: Of("n" + s)}.Apply(&c)
		}},
		{"a product", []string{"code", "name", "unit", "barcodes[0]"}, func(s string) error {
			p := NewProduct()
			return ProductInput{Code: Of("P" + s), Name: Of("n" + s), Unit: Of("шт" + s), Barcodes: Of([]string{"46" + s})}.Apply(&p)
		}},
		{"a customer", []string{"code", "name", "email"}, func(s string) error {
			var c Customer
			return CustomerInput{Code: Of("C" + s), Name: Of("n" + s), Email: Of("a" + s + "@example.ru")}.Apply(&c)
		}},
		{"a register", []string{"code", "name"}, func(s string) error {
			var r Register
			return RegisterInput{Code: Of("R" + s), Name: Of("n" + s), WarehouseID: Of("w")}.Apply(&r)
		}},
		{"an order", []string{"external_number", "comment"}, func(s string) error { in := order("X" + s); return in.Validate() }},
		{"an order's patch", []string{"comment"}, func(s string) error { in := OrderPatch{Comment: Of("c" + s)}; return in.Validate() }},
		{"a transaction", []string{"cashier", "fiscal"}, func(s string) error { in := tx("И" + s); return in.Validate() }},
		{"a resolution", []string{"comment"}, func(s string) error { r := Resolution{Action: ResolveIgnore, Comment: "c" + s}; return r.Validate() }},
		{"an API token", []string{"name"}, func(s string) error {
			in := APITokenInput{Name: Of("n" + s), Role: Of(RoleViewer)}
			return in.Validate()
		}},
	}
	for _, c := range checks {
		if err := c.check(""); err != nil {
			t.Fatalf("%s without invisible characters: %v", c.name, err)
		}
		for what, s := range invisible {
			err := c.check(s)
			for _, f := range c.fields {
				if !named(err, f) {
					t.Errorf("%s with a %s (U+%04X): %s is not refused: %v", c.name, what, []rune(s)[0], f, err)
				}
			}
		}
	}
}

func TestTextIsStoredNFCNormalised(t *testing.T) {
	var w Warehouse
	if err := (WarehouseInput{Code: Of("Ue\u0301"), Name: Of(" Cafe\u0301 ")}).Apply(&w); err != nil || w.Code != "U\u00e9" || w.Name != "Caf\u00e9" {
		t.Errorf("warehouse %q %q: %v", w.Code, w.Name, err)
	}
	p := NewProduct()
	if err := (ProductInput{Code: Of("A\u030a"), Name: Of("n"), Unit: Of("\u212b"), Barcodes: Of([]string{"e\u0301"})}).Apply(&p); err != nil ||
		p.Code != "\u00c5" || p.Unit != "\u00c5" || p.Barcodes[0] != "\u00e9" {
		t.Errorf("product %q %q %q: %v", p.Code, p.Unit, p.Barcodes, err)
	}
	o := OrderInput{CustomerCode: "Ue\u0301", WarehouseCode: "e\u0301", ExternalNumber: Of("Ne\u0301"), Comment: "e\u0301\nok",
		Lines: []OrderLineInput{{ProductCode: "A\u030a", Quantity: 1000}}}
	if err := o.Validate(); err != nil || o.CustomerCode != "U\u00e9" || o.WarehouseCode != "\u00e9" || o.ExternalNumber.Value != "N\u00e9" ||
		o.Comment != "\u00e9\nok" || o.Lines[0].ProductCode != "\u00c5" {
		t.Errorf("order %+v: %v", o, err)
	}
	patch := OrderPatch{Comment: Of("e\u0301"), CustomerCode: Of("Ue\u0301")}
	if err := patch.Validate(); err != nil || patch.Comment.Value != "\u00e9" || patch.CustomerCode.Value != "U\u00e9" {
		t.Errorf("patch %+v: %v", patch, err)
	}
	g := GoodsReceiptInput{WarehouseCode: "e\u0301", Lines: []GoodsReceiptLineInput{{ProductCode: "A\u030a", Quantity: 1000}}}
	if err := g.Validate(); err != nil || g.WarehouseCode != "\u00e9" || g.Lines[0].ProductCode != "\u00c5" {
		t.Errorf("goods receipt %+v: %v", g, err)
	}
	tx := TransactionInput{ID: "01a22a24-4aa7-7c15-97c7-55b2be9bcfe1", ShiftNumber: 1, ReceiptNumber: 1, ClosedAt: time.Now(), Cashier: "Ле\u0308на",
		Lines: []TxLine{{ProductID: "p", Quantity: 1000, Price: 100, Amount: 100}}, Payments: []Payment{{Type: PaymentCash, Amount: 100}}, Total: 100}
	if err := tx.Validate(); err != nil || tx.Cashier != "Лёна" {
		t.Errorf("cashier %q: %v", tx.Cashier, err)
	}
	r := Resolution{Action: ResolveIgnore, Comment: "e\u0301"}
	tok := APITokenInput{Name: Of(" e\u0301 "), Role: Of(RoleViewer)}
	if r.Validate() != nil || r.Comment != "\u00e9" || tok.Validate() != nil || tok.Name.Value != "\u00e9" {
		t.Errorf("resolution %q, token name %q", r.Comment, tok.Name.Value)
	}
	var long Warehouse
	if err := (WarehouseInput{Code: Of(strings64("e\u0301")), Name: Of("n")}).Apply(&long); err != nil {
		t.Errorf("64 characters that take 128 code points before normalising: %v", err)
	}
}

func strings64(s string) string {
	out := ""
	for range 64 {
		out += s
	}
	return out
}
