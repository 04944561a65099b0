package torg

import (
	"strings"
	"unicode/utf8"
)

// Organisation is the store's own details, as an administrator keeps them: the seller on the
// printed forms (УПД, ТОРГ-12, КО-1, КО-2) and the signatures under them. Every field may be
// empty; a form then leaves its line blank for a pen.
type Organisation struct {
	Name       string `json:"name"`
	INN        string `json:"inn"`
	KPP        string `json:"kpp"`
	Address    string `json:"address"`
	Head       string `json:"head"`
	Accountant string `json:"accountant"`
}

// maxAddressLen is the longest address: a Russian legal address with its postcode fits easily.
const maxAddressLen = 500

// Validate trims every field and checks it: INN of 10 or 12 digits, KPP of 9, the rest printable
// text of bounded length. It names every bad field.
func (o *Organisation) Validate() error {
	var f Fields
	for _, s := range []*string{&o.Name, &o.INN, &o.KPP, &o.Address, &o.Head, &o.Accountant} {
		*s = strings.TrimSpace(*s)
	}
	for _, t := range []struct {
		field string
		s     *string
		max   int
	}{{"name", &o.Name, maxNameLen}, {"address", &o.Address, maxAddressLen}, {"head", &o.Head, maxNameLen}, {"accountant", &o.Accountant, maxNameLen}} {
		if !printable(t.s) || utf8.RuneCountInString(*t.s) > t.max {
			f.Add(t.field, "must be at most %d printable characters", t.max)
		}
	}
	if o.INN != "" && (!allDigits(o.INN) || (len(o.INN) != 10 && len(o.INN) != 12)) {
		f.Add("inn", "must be 10 or 12 digits")
	}
	if o.KPP != "" && (!allDigits(o.KPP) || len(o.KPP) != 9) {
		f.Add("kpp", "must be 9 digits")
	}
	return f.Err()
}
