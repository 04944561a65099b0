package forms_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"torg"
	"torg/internal/browsertest"
	"torg/internal/forms"
)

var (
	pdfPage    = regexp.MustCompile(`/Type\s*/Page[^s]`)
	pdfMediaBx = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)
)

// sample is a document of the form with n lines, an organisation and a customer.
func sample(form string, n int) forms.Document {
	d := forms.Document{Form: form, Number: "000042", Date: time.Date(2026, 3, 15, 14, 30, 0, 0, time.Local),
		Org: torg.Organisation{Name: "ООО «Ромашка»", INN: "7707083893", KPP: "770701001", Address: "Москва, ул. Ленина, 1",
			Head: "Иванов И. И.", Accountant: "Петрова А. А."},
		Customer: forms.Party{Name: "Сидоров Пётр", Phone: "+7 900 000-00-00"}, Warehouse: "Основной склад", Basis: "Заказ покупателя № 000041",
		CashDesk: "Касса магазина", Amount: 351940, Register: "K1 Касса 1", Cashier: "Иванова", Shift: 12, ReceiptNo: 34,
		Payments: []forms.Payment{{Type: "cash", Amount: 351940}}, Fiscal: &torg.Fiscal{FN: "9999078900012345", FD: 321, FP: "2751032817"}}
	for i := 1; i <= n; i++ {
		d.Lines = append(d.Lines, forms.Line{No: i, Code: fmt.Sprintf("P%03d", i), Name: fmt.Sprintf("Товар %d", i), Unit: "шт",
			Quantity: 1000, Price: 351940, Amount: 351940, VATRate: "22"})
	}
	d = forms.Complete(d)
	d.QR = torg.ReceiptQR(d.Date, d.Total, *d.Fiscal, false)
	return d
}

// refund makes a receipt copy a return's.
func refund(d forms.Document) forms.Document {
	d.Refund = true
	d.QR = torg.ReceiptQR(d.Date, d.Total, *d.Fiscal, true)
	return d
}

// TestFormsPrintToPDF renders each form in headless Chromium and prints it to PDF as a browser's
// «Печать» does: A4 in the form's orientation, the expected number of pages, and the key texts as
// printed.
func TestFormsPrintToPDF(t *testing.T) {
	ctx := browsertest.New(t)
	docs := map[string]forms.Document{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := forms.Render(docs[strings.TrimPrefix(r.URL.Path, "/")])
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	}))
	defer srv.Close()
	cases := []struct {
		name      string
		doc       forms.Document
		pages     int
		landscape bool
		texts     []string
	}{
		{"a picking list", sample(forms.Order, 3), 1, false, []string{"Заказ покупателя № 000042 от 15.03.2026", "Лист подбора", "Десять тысяч пятьсот пятьдесят восемь рублей 20 копеек"}},
		{"a long picking list runs to a second page", sample(forms.Order, 60), 2, false, []string{"Товар 60"}},
		{"УПД", sample(forms.UPD, 3), 1, true, []string{"Универсальный передаточный документ", "Счёт-фактура № 000042 от 15.03.2026", "7707083893/770701001", "Десять тысяч пятьсот пятьдесят восемь рублей 20 копеек"}},
		{"ТОРГ-12", sample(forms.TORG12, 3), 1, true, []string{"ТОВАРНАЯ НАКЛАДНАЯ № 000042", "Всего отпущено три наименований", "Петрова А. А."}},
		{"КО-1", sample(forms.KO1, 0), 1, false, []string{"ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР № 000042", "КВИТАНЦИЯ", "Три тысячи пятьсот девятнадцать рублей 40 копеек", "Сумма: 3 519 руб. 40 коп.", "15 марта 2026 г."}},
		{"КО-2", sample(forms.KO2, 0), 1, false, []string{"РАСХОДНЫЙ КАССОВЫЙ ОРДЕР № 000042", "Выдать:", "Три тысячи пятьсот девятнадцать рублей 40 копеек"}},
		{"a return receipt copy", refund(sample(forms.Receipt, 1)), 1, false, []string{"КОПИЯ КАССОВОГО ЧЕКА", "Возврат прихода", "n=2"}},
		{"a receipt copy", sample(forms.Receipt, 2), 1, false, []string{"КОПИЯ КАССОВОГО ЧЕКА", "ФН", "9999078900012345", "t=20260315T1430&s=7038.80&fn=9999078900012345&i=321&fp=2751032817&n=1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := strings.ReplaceAll(c.name, " ", "-")
			docs[key] = c.doc
			err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+key), chromedp.WaitVisible(chromedp.CSS(".sheet")))
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(pdfPage.FindAll(pdf, -1)); n != c.pages {
				t.Errorf("%d pages, want %d", n, c.pages)
			}
			box := pdfMediaBx.FindSubmatch(pdf)
			if box == nil {
				t.Fatal("the PDF has no page size")
			}
			var w, h float64
			fmt.Sscan(string(box[1]), &w)
			fmt.Sscan(string(box[2]), &h)
			if c.landscape {
				w, h = h, w
			}
			if w < 590 || w > 600 || h < 838 || h > 848 { // A4 is 595 × 842 points
				t.Errorf("page %s × %s points, want A4 %s", box[1], box[2], map[bool]string{true: "landscape", false: "portrait"}[c.landscape])
			}
			printed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				t.Fatal(err)
			}
			printed = strings.ReplaceAll(printed, "\u00a0", " ")
			for _, want := range c.texts {
				if !strings.Contains(printed, want) {
					t.Errorf("the printed form lacks %q", want)
				}
			}
		})
	}
}
