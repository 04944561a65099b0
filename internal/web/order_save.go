package web

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"torg"
	"torg/internal/store"
)

// saveOrder creates the order (id "") or saves the form into it, naming every bad field at once. An
// order that can no longer be edited is left as it is.
func saveOrder(ctx context.Context, tx *store.Tx, f fmtr, id string, form *orderForm) (torg.Order, error) {
	var o torg.Order
	if id != "" {
		var err error
		if o, err = tx.Order(ctx, id); err != nil || !o.Status.Editable() {
			return o, err
		}
	}
	var bad torg.Fields
	lines, err := parseLines(ctx, tx, &bad, form.Lines)
	if err != nil {
		return o, err
	}
	date, dateSet := time.Time{}, form.Date != "" && (id == "" || form.Date != dateInput(o.Date))
	if dateSet {
		if date, err = parseDateInput(form.Date); err != nil {
			bad.Add("date", "must be a date and time")
			dateSet = false
		}
	}
	if id == "" {
		in := torg.OrderInput{CustomerID: form.CustomerID, WarehouseID: form.WarehouseID, Status: torg.Of(torg.Status(form.Status)),
			Comment: form.Comment, Lines: lines}
		if dateSet {
			in.Date = torg.Of(date)
		}
		if form.ExternalNumber != "" {
			in.ExternalNumber = torg.Of(form.ExternalNumber)
		}
		if err := merge(bad, in.Validate()); err != nil {
			return o, err
		}
		return tx.CreateOrder(ctx, in)
	}
	patch := torg.OrderPatch{Status: torg.Of(torg.Status(form.Status)), Comment: torg.Of(form.Comment),
		CustomerID: torg.Of(form.CustomerID), Lines: torg.Of(lines)}
	if dateSet {
		patch.Date = torg.Of(date)
	}
	if err := merge(bad, patch.Validate()); err != nil {
		return o, err
	}
	var ifMatch *int64
	if v, err := strconv.ParseInt(form.Version, 10, 64); err == nil {
		ifMatch = &v
	}
	return tx.PatchOrder(ctx, id, patch, ifMatch)
}

// parseLines reads the goods table exactly; a product is found by its id, or by the code, barcode or
// name typed. Lines whose product is known are priced as the store prices them, so that a rule a line
// breaks (a discount above its amount) is named in the same round as the fields that do not parse;
// the rows get their product's unit and VAT rate, and the rows that are fine their amounts.
func parseLines(ctx context.Context, tx *store.Tx, bad *torg.Fields, rows []lineForm) ([]torg.OrderLineInput, error) {
	lines := make([]torg.OrderLineInput, len(rows))
	for i, row := range rows {
		p := "lines[" + strconv.Itoa(i) + "]"
		l := torg.OrderLineInput{ProductID: row.ProductID}
		var err error
		if l.ProductID == "" && row.Product != "" {
			if l.ProductID, l.ProductCode, err = productOfRow(ctx, tx, bad, p, row.Product); err != nil {
				return nil, err
			}
		}
		if l.Quantity, err = parseQty(row.Qty); err != nil {
			bad.Add(p+".quantity", "%s", err.Error())
		}
		if row.Price != "" {
			price, err := parseMoney(row.Price)
			if err != nil {
				bad.Add(p+".price", "%s", err.Error())
			}
			l.Price = torg.Of(price)
		}
		if row.Discount != "" {
			if l.Discount, err = parseMoney(row.Discount); err != nil {
				bad.Add(p+".discount", "%s", err.Error())
			}
		}
		lines[i] = l
	}
	return lines, priceRows(ctx, tx, bad, rows, lines)
}

// priceRows prices the lines whose product, quantity and price are known, naming the rules they
// break, and shows each row's unit, VAT rate and, when the row is fine, its amount and VAT.
func priceRows(ctx context.Context, tx *store.Tx, bad *torg.Fields, rows []lineForm, lines []torg.OrderLineInput) error {
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	prods, err := productsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i, l := range lines {
		p, field := prods[l.ProductID], "lines["+strconv.Itoa(i)+"]"
		if p.ID == "" {
			continue
		}
		rows[i].ProductID, rows[i].Unit, rows[i].VATRate = p.ID, p.Unit, p.VATRate
		if hasFieldUnder(*bad, field+".") || l.Quantity <= 0 || l.Discount < 0 || (l.Price.Set && l.Price.Value < 0) {
			continue
		}
		line := torg.OrderLine{ProductID: p.ID, Quantity: l.Quantity, Price: p.Price, Discount: l.Discount, VATRate: p.VATRate}
		l.Price.ApplyTo(&line.Price)
		var rules torg.Fields
		if torg.PriceLine(&rules, field, &line); len(rules) > 0 {
			*bad = append(*bad, rules...)
			continue
		}
		rows[i].Amount, rows[i].VAT, rows[i].Priced = line.Amount, line.VATAmount, true
	}
	return nil
}

// hasFieldUnder reports whether a field of fs starts with prefix.
func hasFieldUnder(fs torg.Fields, prefix string) bool {
	for _, f := range fs {
		if strings.HasPrefix(f.Field, prefix) {
			return true
		}
	}
	return false
}

// merge adds the fields of a validation error to bad, keeping the first message of each field, and
// returns the whole as one validation error (nil when nothing is bad).
func merge(bad torg.Fields, err error) error {
	var e *torg.Error
	if err != nil && !errors.As(err, &e) {
		return err
	}
	if e != nil {
		for _, fe := range e.Fields {
			if !hasField(bad, fe.Field) {
				bad = append(bad, fe)
			}
		}
	}
	return bad.Err()
}

func hasField(fs torg.Fields, field string) bool {
	for _, f := range fs {
		if f.Field == field {
			return true
		}
	}
	return false
}

// formErrorsOf sorts an error's messages into those shown beside a field and the rest.
func formErrorsOf(lang string, err error, slot func(field string) string) formErrors {
	out := formErrors{Fields: map[string]string{}}
	var e *torg.Error
	if !errors.As(err, &e) {
		out.General = append(out.General, translate(lang, "error.internal"))
		return out
	}
	for _, f := range e.Fields {
		msg := fieldMessage(lang, f.Message)
		out.General = append(out.General, fieldLabel(lang, f.Field)+": "+msg)
		if key := slot(f.Field); key != "" && out.Fields[key] == "" {
			out.Fields[key] = msg
		}
	}
	if len(e.Fields) == 0 {
		out.General = append(out.General, codeMessage(lang, e))
	}
	return out
}

// fieldLabel names a field for the list of errors as the form labels it: lines[1].discount is
// «Строка 2 · Скидка»; a field the form has no label for keeps its API name.
func fieldLabel(lang, field string) string {
	if m := linePath.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		return fmt.Sprintf(translate(lang, "errors.line"), n+1) + " · " + fieldLabel(lang, m[2])
	}
	base := lineIndex.ReplaceAllString(field, "")
	for _, key := range []string{"f." + base, "f." + strings.TrimSuffix(strings.TrimSuffix(base, "_id"), "_code")} {
		if hasKey(key) {
			return translate(lang, key)
		}
	}
	return field
}

// linePath splits a path such as lines[1].discount into the line's index and its field.
var linePath = regexp.MustCompile(`^lines\[(\d+)\]\.(.+)$`)

// codeMessage says what an error without fields means, in the language, with the server's details.
func codeMessage(lang string, e *torg.Error) string {
	key := "code." + string(e.Code)
	if !hasKey(key) {
		return translate(lang, "error.internal")
	}
	return translate(lang, key) + " (" + torg.Localize(lang, e.Message) + ")"
}

// fieldMessage says a field's message in the language: as the form words it where it has its own
// text, otherwise as the message registry does.
func fieldMessage(lang, msg string) string {
	key := "msg." + lineIndex.ReplaceAllString(msg, "[0]")
	if hasKey(key) {
		return translate(lang, key)
	}
	return torg.Localize(lang, msg)
}

// lineIndex finds a line's index in a message, which the table of messages writes as [0].
var lineIndex = regexp.MustCompile(`\[\d+\]`)

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

// productOfRow finds the product a form's row names by code, barcode or name. When none does, it
// names the row's product_id field and answers a code no product has, so that the line's own
// validation does not also call the product missing.
func productOfRow(ctx context.Context, tx *store.Tx, bad *torg.Fields, row, text string) (id, code string, err error) {
	id, err = tx.ProductByText(ctx, text)
	if err == nil && id == "" {
		bad.Add(row+".product_id", "no product has this code, barcode or name")
		code = "?"
	}
	return id, code, err
}
