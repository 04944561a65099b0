package api

import (
	"errors"
	"net/http/httptest"
	"testing"

	"torg"
)

// decodeAnswers checks that a decoder either succeeds or answers with a malformed or validation
// problem, never another error and never a panic.
func decodeAnswers(t *testing.T, err error) {
	if err == nil {
		return
	}
	var e *torg.Error
	if !errors.As(err, &e) || (e.Code != torg.CodeMalformed && e.Code != torg.CodeValidation) {
		t.Fatalf("decoding failed with %v", err)
	}
	if e.Code == torg.CodeValidation && len(e.Fields) == 0 {
		t.Fatalf("a validation error names no field: %v", err)
	}
}

func FuzzDecodeOrder(f *testing.F) {
	f.Add(`{"customer_code":"retail","warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":2,"price":15000}],"fill_registers":true,"post":true}`)
	f.Add(`{"lines":[{"quantity":1.2345,"price":1.5}],"status":"sold","register_ids":[""]}`)
	f.Add(`{"date":null,"external_number":"x","lines":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		var in torg.OrderInput
		decodeAnswers(t, decodeInput([]byte(body), &in, func() error { return in.Validate() }))
		var patch torg.OrderPatch
		decodeAnswers(t, decodeInput([]byte(body), &patch, func() error { return patch.Validate() }))
	})
}

func FuzzDecodeTransaction(f *testing.F) {
	f.Add(`{"id":"0b7f5c1e-4d2a-4f57-9d1e-3c2b1a0f9e8d","order_id":null,"shift_number":1,"receipt_number":1,"closed_at":"2026-11-27T10:00:00Z","cashier":"c","lines":[{"product_id":"p","quantity":1,"price":100,"discount":0,"amount":100}],"payments":[{"type":"cash","amount":100}],"total":100}`)
	f.Add(`{"id":"x","lines":[{"quantity":-1,"amount":1e30}],"payments":[{"type":"cheque"}],"fiscal":{"fn":"abc","fd":-1}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var in torg.TransactionInput
		decodeAnswers(t, decodeInput([]byte(body), &in, func() error { return in.Validate() }))
	})
}

func FuzzDecodeCatalogs(f *testing.F) {
	f.Add(`{"code":"P1","name":"Молоко","price":8990,"vat_rate":"10","barcodes":["4600000000017"]}`)
	f.Add(`{"code":"","name":5,"price":-3,"vat_rate":"x","barcodes":["ok",""],"extra":1,"inn":"12","email":"a@"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var p torg.ProductInput
		decodeAnswers(t, decodeInput([]byte(body), &p, func() error { v := torg.NewProduct(); return p.Apply(&v) }))
		var c torg.CustomerInput
		decodeAnswers(t, decodeInput([]byte(body), &c, func() error { var v torg.Customer; return c.Apply(&v) }))
		var r torg.RegisterInput
		decodeAnswers(t, decodeInput([]byte(body), &r, func() error { var v torg.Register; return r.Apply(&v) }))
	})
}

func FuzzListParams(f *testing.F) {
	f.Add("limit=10&after=MDFh")
	f.Add("limit=501&after=!!!&colour=red&code=x")
	f.Add("after=&limit=-1&limit=2")
	f.Fuzz(func(t *testing.T, query string) {
		r := &request{Request: httptest.NewRequest("GET", "/api/v1/products", nil)}
		r.URL.RawQuery = query
		p, err := listParams(r, "code")
		decodeAnswers(t, err)
		if err == nil && (p.Limit < 1 || p.Limit > torg.MaxPageLimit) {
			t.Fatalf("limit %d accepted from %q", p.Limit, query)
		}
	})
}
