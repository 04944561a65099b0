package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"torg"
)

// chart is a bar chart drawn on the server as SVG: no script, no library, nothing fetched.
type chart struct {
	SVG template.HTML
}

// barChart draws one bar per value (none below zero), each with its label and amount as a tooltip,
// labels under the bars as room allows. Heights are integer arithmetic on kopecks.
func barChart(labels []string, values []torg.Money, lang string) chart {
	if len(values) < 2 {
		return chart{}
	}
	const width, height, bottom, top = 800, 240, 40, 10
	var peak torg.Money
	for _, v := range values {
		peak = max(peak, v)
	}
	if peak <= 0 {
		return chart{}
	}
	scale := peak/(height-bottom-top) + 1
	slot := width / len(values)
	every := max(1, (len(values)*60+width-1)/width) // a label at most every 60 px
	f := fmtr{lang}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="sales-chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		width, height, template.HTMLEscapeString(translate(lang, "rep.chart")))
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" class="axis"/>`, height-bottom, width, height-bottom)
	for i, v := range values {
		h := int(max(v, 0) / scale)
		x := i*slot + slot/8
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" class="bar"><title>%s: %s</title></rect>`,
			x, height-bottom-h, max(1, slot*3/4), h, template.HTMLEscapeString(labels[i]), template.HTMLEscapeString(f.money(v)))
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">%s</text>`, i*slot+slot/2, height-bottom+16, template.HTMLEscapeString(short(labels[i])))
		}
	}
	fmt.Fprintf(&b, `<text x="4" y="%d" class="peak">%s</text></svg>`, top+8, template.HTMLEscapeString(f.money(peak)))
	return chart{SVG: template.HTML(b.String())} // numbers and escaped texts only
}

// short is a label as it fits under a bar: a day as 15.03, anything else cut to 12 characters.
func short(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[8:] + "." + s[5:7]
	}
	if r := []rune(s); len(r) > 12 {
		return string(r[:11]) + "…"
	}
	return s
}

// tableView is a table with the id its element gets.
type tableView struct {
	Table table
	ID    string
}

// cellText writes a report cell as the page shows it.
func cellText(lang string, c cell, kind string) string {
	f := fmtr{lang}
	switch v := c.(type) {
	case torg.Money:
		return f.money(v)
	case torg.Quantity:
		return f.qty(v)
	case int64:
		return fmt.Sprint(v)
	case time.Time:
		return f.date(v)
	case string:
		if strings.HasPrefix(v, "nav.") || strings.HasPrefix(v, "rep.doc.") {
			return translate(lang, v)
		}
		return v
	}
	return fmt.Sprint(c)
}
