package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

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

func TestDecodeNamesKeysGivenTwice(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{`{"name": "a", "name": "b"}`, []string{"name"}},
		{`{"name": "a", "n\u0061me": "b"}`, []string{"name"}},
		{`{"lines": [{"product_id": "p", "quantity": 1}, {"product_id": "p", "quantity": 1, "quantity": 2}]}`, []string{"lines[1].quantity"}},
		{`{"lines": [], "post": true, "lines": [{"product_id": "p", "quantity": 1}]}`, []string{"lines"}},
		{`{"colour": {"a": [{"b": 1, "b": 1}], "a": 2}}`, []string{"colour", "colour.a", "colour.a[0].b"}},
		{`{"name": null, "comment": "x", "name": "y", "comment": "z"}`, []string{"name", "comment"}},
	} {
		var v testBody
		err := decodeBody([]byte(c.body), &v)
		got := fields(err)
		if torg.ErrorCode(err) != torg.CodeValidation || len(got) != len(c.want) {
			t.Errorf("%s: %v, want 422 naming %v", c.body, err, c.want)
		}
		for _, f := range c.want {
			if _, ok := got[f]; !ok {
				t.Errorf("%s: %s is not named: %v", c.body, f, got)
			}
		}
	}
	var v testBody
	if err := decodeBody([]byte(`{"lines": [{"product_id": "p", "quantity": 1}, {"product_id": "p", "quantity": 1}], "name": "product_id"}`), &v); err != nil {
		t.Errorf("the same key in two objects, or a key as a value, is refused: %v", err)
	}
}

func TestDecodeRefusesLoneSurrogates(t *testing.T) {
	for _, c := range []struct{ body, field string }{
		{`{"name": "\ud800"}`, "name"},
		{`{"name": "ab\uDFFFcd"}`, "name"},
		{`{"name": "\ud800\u0041"}`, "name"},
		{`{"name": "\udc00\ud800"}`, "name"},
		{`{"name": "\\\ud83c"}`, "name"},
		{`{"lines": [{"product_id": "x\ud83c"}]}`, "lines[0].product_id"},
		{`{"rate": "\ud800"}`, "rate"},
		{`{"\ud800": 1}`, "\ufffd"},
	} {
		var v testBody
		err := decodeBody([]byte(c.body), &v)
		if _, ok := fields(err)[c.field]; !ok || torg.ErrorCode(err) != torg.CodeValidation {
			t.Errorf("%s: %v, want 422 naming %s", c.body, err, c.field)
		}
	}
	var v testBody
	if err := decodeBody([]byte(`{"name": "\ud83c\udf84 \\ud800 \u00e9", "comment": "\\\\ud800"}`), &v); err != nil || v.Name.Value != "🎄 \\ud800 é" {
		t.Errorf("a surrogate pair or an escaped backslash is refused: %v %q", err, v.Name.Value)
	}
}

// orderBody is a web shop's order of n lines.
func orderBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"external_number": "SHOP-1001", "date": "2026-11-26T10:00:00Z", "customer_code": "retail", "warehouse_code": "MAIN",` +
		` "status": "agreed", "comment": "Позвонить за час \u00e9", "register_ids": ["a", "b"], "post": true, "lines": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"product_code": "P%05d", "quantity": 1.25, "price": 15000, "discount": 100}`, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkDecodeOrder measures decoding a 500-line order, whole and its scan for repeated keys
// and lone surrogates alone: the scan must not double the cost of decoding.
func BenchmarkDecodeOrder(b *testing.B) {
	body := orderBody(500)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var in torg.OrderInput
			if err := decodeBody(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var f torg.Fields
			if scanBody(body, &f); f != nil {
				b.Fatal(f.Err())
			}
		}
	})
}

// tokenScan is what scanBody finds, found with encoding/json's tokenizer instead: "twice PATH" and
// "surrogate PATH" in the body's order.
func tokenScan(body []byte) []string {
	type frame struct {
		object, wantKey bool
		key             string
		index           int
		keys            map[string]bool
	}
	var stack []frame
	var out []string
	path := func() string {
		p := ""
		for _, fr := range stack {
			if fr.object {
				p = joinPath(p, fr.key)
			} else {
				p += fmt.Sprintf("[%d]", fr.index)
			}
		}
		return p
	}
	done := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		} else if n > 0 {
			stack[n-1].index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		raw := body[start:dec.InputOffset()]
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				stack = append(stack, frame{object: tok == '{', wantKey: tok == '{', keys: map[string]bool{}})
			} else {
				stack = stack[:len(stack)-1]
				done()
			}
			continue
		case string:
			if top := len(stack) - 1; stack[top].wantKey {
				fr := &stack[top]
				fr.key, fr.wantKey = tok, false
				if fr.keys[tok] {
					out = append(out, "twice "+path())
				}
				fr.keys[tok] = true
				if loneSurrogate(raw) {
					out = append(out, "surrogate "+path())
				}
				continue
			}
			if loneSurrogate(raw) {
				out = append(out, "surrogate "+path())
			}
		}
		done()
	}
}

// FuzzScanBody: scanBody, which reads the body by hand for speed, names exactly what a scan with
// encoding/json's tokenizer names.
func FuzzScanBody(f *testing.F) {
	f.Add(string(orderBody(3)))
	f.Add(`{"a":{"b":1,"b":[{"c":"\ud800","c":2}]},"a":"\\\ud800","x\u0041":1,"xA":2,"e":{},"f":[[],[{}]]}`)
	f.Add(`{"m0":1,"m1":1,"m2":1,"m3":1,"m4":1,"m5":1,"m6":1,"m7":1,"m8":1,"m9":1,"m10":1,"m11":1,"m12":1,"m13":1,"m14":1,"m15":1,"m16":1,"m\u0031":1,"m0":2}`)
	f.Add(`{"s":"\"\\","t":"\udc00\ud800","u":"\ud83c\udf84","n":-1.5e3,"b":true,"z":null," ":{"\"":1,"\"":2}}`)
	f.Fuzz(func(t *testing.T, body string) {
		b := bytes.TrimSpace([]byte(body))
		if !json.Valid(b) || b[0] != '{' {
			return
		}
		var fs torg.Fields
		scanBody(b, &fs)
		var got []string
		for _, e := range fs {
			kind := "twice "
			if strings.Contains(e.Message, "surrogate") {
				kind = "surrogate "
			}
			got = append(got, kind+e.Field)
		}
		if want := tokenScan(b); !slices.Equal(got, want) {
			t.Fatalf("%s\nscanBody names  %q\nthe tokenizer: %q", b, got, want)
		}
	})
}

// FuzzSplitValues checks the walk's splitting of valid JSON against encoding/json's, at every depth:
// an object's members are what a decode into a map of raw values gives (the last of a key given
// twice), sorted by key; an array's items what a decode into a slice of raw values gives; a
// string's text is encoding/json's.
func FuzzSplitValues(f *testing.F) {
	f.Add(`{"b": [1, {"x": "y\"}"}], "a" :null, "a":"Молоко \u00e9\\", "c":{"d":[[],{}]}, "e": -1.5e3 , "f":true}`)
	f.Add(`[ "a\\b", 12, {"k\u006By": false}, [ ], "\ud83d\ude00" ]`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, body string) {
		raw := bytes.TrimSpace([]byte(body))
		if json.Valid(raw) && utf8.Valid(raw) {
			checkSplit(t, raw)
		}
	})
}

func checkSplit(t *testing.T, raw []byte) {
	switch raw[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		got := objectMembers(raw)
		if len(got) != len(m) {
			t.Fatalf("%s: %d members, encoding/json finds %d", raw, len(got), len(m))
		}
		for i, g := range got {
			if i > 0 && got[i-1].key >= g.key {
				t.Fatalf("members out of order: %q, %q", got[i-1].key, g.key)
			}
			if want, ok := m[g.key]; !ok || !bytes.Equal(bytes.TrimSpace(want), g.value) {
				t.Fatalf("member %q is %s, encoding/json says %s", g.key, g.value, want)
			}
			checkSplit(t, g.value)
		}
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			t.Fatal(err)
		}
		got := arrayItems(raw)
		if len(got) != len(items) {
			t.Fatalf("%s: %d items, encoding/json finds %d", raw, len(got), len(items))
		}
		for i := range got {
			if !bytes.Equal(bytes.TrimSpace(items[i]), got[i]) {
				t.Fatalf("item %d is %s, encoding/json says %s", i, got[i], items[i])
			}
			checkSplit(t, got[i])
		}
	case '"':
		var s string
		json.Unmarshal(raw, &s)
		if got := jsonString(raw); got != s {
			t.Fatalf("string %q, encoding/json says %q", got, s)
		}
	}
}
