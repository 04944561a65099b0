// Package forms renders the documents people print — the order's picking list, the sales invoice as
// УПД or ТОРГ-12, the cash orders КО-1 and КО-2, a receipt's copy — as HTML pages with print CSS
// (A4), which a browser prints or saves as PDF. The forms are Russian statutory layouts and are
// always in Russian. Rendering is a pure function of a Document; Load reads one from the store.
package forms

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math/big"
	"strconv"
	"strings"
	"time"

	"torg"
)

// The forms.
const (
	Order   = "order"   // customer order: a picking list with the order's number as a barcode
	UPD     = "upd"     // sales invoice as a universal transfer document, status 2
	TORG12  = "torg12"  // sales invoice as the consignment note ТОРГ-12
	KO1     = "ko1"     // cash receipt order with its tear-off receipt
	KO2     = "ko2"     // cash expense order
	Receipt = "receipt" // a copy of a register's receipt with its fiscal data and QR code
)

// Party is an organisation or a person on a form.
type Party struct {
	Name, INN, KPP, Address, Phone string
}

// Line is a line of goods as forms show it.
type Line struct {
	No               int
	Code, Name, Unit string
	Quantity         torg.Quantity
	Price, Discount  torg.Money // per unit, VAT included; the discount of the whole line
	Amount           torg.Money // VAT included, after the discount
	VATRate          torg.VATRate
	VAT              torg.Money
	Net              torg.Money // Amount − VAT
	NetPrice         torg.Money // Net per unit, rounded to the kopeck
	OKEI             string     // the unit's code in ОКЕИ, "" when the unit is not a known one
}

// Payment is a payment of a receipt.
type Payment struct {
	Type   string // cash, card
	Amount torg.Money
}

// Document is everything a form shows.
type Document struct {
	Form      string
	Number    string
	Date      time.Time
	Org       torg.Organisation
	Customer  Party
	Warehouse string
	Comment   string
	Basis     string // what the document is made on: «Заказ покупателя № …»
	Lines     []Line
	Total     torg.Money
	VAT       torg.Money
	Net       torg.Money

	// Cash orders.
	CashDesk   string
	Amount     torg.Money
	Reason     string // why an order was not posted, when it was not
	Attachment string // what is attached to a cash order: «кассовый чек возврата прихода»

	// Receipts.
	Register, Cashier string
	Shift, ReceiptNo  int64
	Refund            bool
	Payments          []Payment
	Fiscal            *torg.Fiscal
	QR                string
}

//go:embed templates
var files embed.FS

var pages = template.Must(template.New("forms").Funcs(template.FuncMap{
	"money":   money,
	"qty":     func(q torg.Quantity) string { return strings.Replace(q.String(), ".", ",", 1) },
	"day":     func(t time.Time) string { return t.Local().Format("02.01.2006") },
	"dayLong": dayLong,
	"time":    func(t time.Time) string { return t.Local().Format("02.01.2006 15:04") },
	"words":   torg.AmountInWords,
	"count":   func(n int) string { return torg.NumberInWords(int64(n)) },
	"vat":     vatLabel,
	"barcode": Code128SVG,
	"qr":      QRSVG,
	"roubles": func(m torg.Money) string { return strings.TrimSuffix(money(m-m%100), ",00") },
	"kopecks": func(m torg.Money) string { k := int64(m) % 100; return fmt.Sprintf("%02d", max(k, -k)) },
	"innKpp": func(p Party) string {
		if p.KPP == "" {
			return p.INN
		}
		return p.INN + "/" + p.KPP
	},
}).ParseFS(files, "templates/*.html"))

// Render writes the document's form as a whole HTML page.
func Render(d Document) ([]byte, error) {
	if pages.Lookup(d.Form) == nil {
		return nil, fmt.Errorf("forms: no form %q", d.Form)
	}
	var buf bytes.Buffer
	err := pages.ExecuteTemplate(&buf, d.Form, d)
	return buf.Bytes(), err
}

// money writes kopecks as Russian forms do: «3 519,40».
func money(m torg.Money) string {
	s := m.String() // -3519.40
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String() + "," + frac
}

var months = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

// dayLong writes a date as the cash orders do: «15 марта 2026 г.».
func dayLong(t time.Time) string {
	t = t.Local()
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year()) + " г."
}

func vatLabel(r torg.VATRate) string {
	if r == "none" || r == "" {
		return "без НДС"
	}
	return string(r) + "%"
}

// okei is the ОКЕИ code of the units stores use most.
var okei = map[string]string{"шт": "796", "кг": "166", "г": "163", "л": "112", "м": "006", "упак": "778", "уп": "778", "компл": "839"}

// share is part × whole / of, rounded half away from zero, without overflow: the VAT of the cash
// part of a sale.
func share(whole, part, of torg.Money) torg.Money {
	if of == 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(int64(whole)), big.NewInt(int64(part)))
	d := big.NewInt(int64(of))
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(new(big.Int).Abs(d)) >= 0 {
		if (n.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return torg.Money(q.Int64())
}

// line completes a line: its VAT, its amount without VAT and its price without VAT per unit.
func line(l Line) Line {
	if l.VAT == 0 {
		l.VAT = l.VATRate.VATAmount(l.Amount)
	}
	l.Net = l.Amount - l.VAT
	if l.Quantity > 0 {
		l.NetPrice = share(l.Net, 1000, torg.Money(l.Quantity))
	}
	l.OKEI = okei[strings.ToLower(strings.TrimSuffix(l.Unit, "."))]
	return l
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func join(list []string) string { return strings.Join(list, ", ") }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Complete fills in what a document's lines imply: each line's VAT (from its rate when not given),
// its amount and price without VAT, its unit's ОКЕИ code, and the document's totals.
func Complete(d Document) Document {
	for i := range d.Lines {
		d.Lines[i] = line(d.Lines[i])
	}
	if len(d.Lines) > 0 {
		totals(&d)
	}
	return d
}
