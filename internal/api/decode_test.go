package api

import (
	"errors"
	"testing"

	"torg"
)

type testLine struct {
	ProductID string        `json:"product_id"`
	Quantity  torg.Quantity `json:"quantity"`
	Price     torg.Money    `json:"price"`
}

type testBody struct {
	Name    torg.Opt[string]       `json:"name"`
	Comment torg.Opt[string]       `json:"comment"`
	Post    bool                   `json:"post"`
	Lines   []testLine             `json:"lines"`
	Count   int32                  `json:"count"`
	Desk    *string                `json:"desk"`
	Rate    torg.Opt[torg.VATRate] `json:"rate"`
}

func fields(err error) map[string]string {
	var e *torg.Error
	out := map[string]string{}
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out[f.Field] = f.Message
		}
	}
	return out
}

func TestDecodeNamesEveryBadField(t *testing.T) {
	body := `{"name": 1, "post": "yes", "count": 3000000000, "colour": "red",
		"lines": [{"product_id": "p", "quantity": 1.25, "price": 100},
		          {"product_id": 7, "quantity": 1.2345, "price": 1.5, "extra": true}]}`
	var v testBody
	err := decodeBody([]byte(body), &v)
	got := fields(err)
	for _, f := range []string{"name", "post", "count", "colour", "lines[1].product_id", "lines[1].quantity", "lines[1].price", "lines[1].extra"} {
		if _, ok := got[f]; !ok {
			t.Errorf("%s is not named; got %v", f, got)
		}
	}
	if len(got) != 8 {
		t.Errorf("named %d fields, want 8: %v", len(got), got)
	}
	if v.Lines[0].Quantity != 1250 || v.Lines[0].Price != 100 {
		t.Errorf("the good line decoded as %+v", v.Lines[0])
	}
}

func TestDecodeTellsAbsentFromNull(t *testing.T) {
	var v testBody
	if err := decodeBody([]byte(`{"comment": null, "desk": null, "rate": "10"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Name.Set || !v.Comment.Set || !v.Comment.Null || v.Desk != nil || v.Rate.Value != "10" {
		t.Fatalf("decoded %+v", v)
	}
}

func TestDecodeMalformed(t *testing.T) {
	for _, body := range []string{``, `{`, `{"a":1}{"b":2}`, `[1]`, `"x"`, `nul`} {
		var v testBody
		if err := decodeBody([]byte(body), &v); torg.ErrorCode(err) != torg.CodeMalformed {
			t.Errorf("%q: %v, want malformed", body, err)
		}
	}
}
