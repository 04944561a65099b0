package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"torg"
)

// presence is implemented by torg.Opt: fields that record whether the body named them.
type presence interface {
	MarkPresent(null bool)
	ValuePtr() any
}

// decodeBody decodes a JSON object into v strictly: unknown fields, wrong types, inexact numbers and
// bad values are all collected, each named by its path (such as "lines[0].quantity"), into one
// validation error. Text that is not JSON is malformed.
func decodeBody(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return torg.Errorf(torg.CodeMalformed, "the request needs a JSON body")
	}
	if !utf8.Valid(body) {
		return torg.Errorf(torg.CodeMalformed, "the body is not valid UTF-8")
	}
	if !json.Valid(body) {
		var x any
		err := json.Unmarshal(body, &x)
		if se, ok := err.(*json.SyntaxError); ok {
			return torg.Errorf(torg.CodeMalformed, "the body is not valid JSON: %s (at byte %d)", se.Error(), se.Offset)
		}
		return torg.Errorf(torg.CodeMalformed, "the body is not valid JSON")
	}
	if body[0] != '{' {
		return torg.Errorf(torg.CodeMalformed, "the body must be a JSON object")
	}
	var f torg.Fields
	scanBody(body, &f)
	walk(body, reflect.ValueOf(v).Elem(), "", &f)
	return f.Err()
}

// scanBody reads a valid JSON body once and names what encoding/json would take silently: a key
// given twice in one object (the last would win) and a string with a lone UTF-16 surrogate escape
// such as "\ud800" (it would become U+FFFD). It keeps one frame per open object or array.
func scanBody(body []byte, f *torg.Fields) {
	var stack []scanFrame
	for i := 0; i < len(body); i++ {
		n := len(stack)
		switch c := body[i]; c {
		case ' ', '\t', '\r', '\n', ':', ',':
		case '{', '[':
			stack = append(stack, scanFrame{object: c == '{', wantKey: c == '{'})
		case '}', ']':
			stack = stack[:n-1]
			if n > 1 {
				stack[n-2].valueDone()
			}
		case '"':
			end, escaped := stringEnd(body, i)
			raw := body[i : end+1]
			i = end
			if n > 0 && stack[n-1].wantKey {
				top := &stack[n-1]
				top.wantKey = false
				if top.seen(raw, escaped) {
					f.Add(scanPath(stack), "is given twice in one object")
				}
				if escaped && loneSurrogate(raw) {
					f.Add(scanPath(stack), "has a lone UTF-16 surrogate escape in its name")
				}
				continue
			}
			if escaped && loneSurrogate(raw) {
				f.Add(scanPath(stack), "has a lone UTF-16 surrogate escape (\\uD800–\\uDFFF without its pair)")
			}
			stack[n-1].valueDone()
		default: // a number, true, false or null
			for i+1 < len(body) && !strings.ContainsRune(" \t\r\n,]}", rune(body[i+1])) {
				i++
			}
			stack[n-1].valueDone()
		}
	}
}

// stringEnd returns the index of the quote that closes the JSON string opening at body[start], and
// whether the string has escapes.
func stringEnd(body []byte, start int) (end int, escaped bool) {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			return i, escaped
		}
	}
	return len(body) - 1, escaped
}

// scanFrame is an open object or array of scanBody, at the key or index it has reached.
type scanFrame struct {
	object  bool
	wantKey bool
	key     []byte              // the current key as written, quotes included
	index   int                 // the current index of an array
	keys    [][]byte            // an object's keys so far, as written
	keySet  map[string]struct{} // the same, decoded, once there are many or one has escapes
}

func (fr *scanFrame) valueDone() {
	if fr.object {
		fr.wantKey = true
	} else {
		fr.index++
	}
}

// name is the current key, decoded.
func (fr *scanFrame) name() string {
	var s string
	json.Unmarshal(fr.key, &s)
	return s
}

// seen records raw, a key as written, and reports whether the object had it already.
func (fr *scanFrame) seen(raw []byte, escaped bool) bool {
	fr.key = raw
	if fr.keySet == nil && !escaped && len(fr.keys) < 16 {
		for _, k := range fr.keys {
			if bytes.Equal(k, raw) {
				return true
			}
		}
		fr.keys = append(fr.keys, raw)
		return false
	}
	if fr.keySet == nil {
		fr.keySet = make(map[string]struct{}, 2*len(fr.keys)+2)
		for i, k := range fr.keys {
			fr.keys[i] = nil
			fr.key = k
			fr.keySet[fr.name()] = struct{}{}
		}
		fr.keys, fr.key = nil, raw
	}
	name := fr.name()
	_, dup := fr.keySet[name]
	fr.keySet[name] = struct{}{}
	return dup
}

// scanPath is the path of the value scanBody is at, such as "lines[0].quantity".
func scanPath(stack []scanFrame) string {
	var b strings.Builder
	for _, fr := range stack {
		if fr.object {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(fr.name())
		} else {
			b.WriteString("[" + strconv.Itoa(fr.index) + "]")
		}
	}
	return b.String()
}

// loneSurrogate reports whether raw, a JSON string with what precedes it in the body, has a \u
// escape of a UTF-16 surrogate that is not a high one followed at once by a low one.
func loneSurrogate(raw []byte) bool {
	raw = raw[bytes.IndexByte(raw, '"')+1:]
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i >= len(raw) || raw[i] != 'u' || i+4 >= len(raw) {
			continue
		}
		r := hex4(raw[i+1 : i+5])
		i += 4
		switch {
		case r >= 0xdc00 && r <= 0xdfff:
			return true
		case r >= 0xd800 && r <= 0xdbff:
			if i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
				return true
			}
			if lo := hex4(raw[i+3 : i+7]); lo < 0xdc00 || lo > 0xdfff {
				return true
			}
			i += 6
		}
	}
	return false
}

// hex4 reads four hexadecimal digits (checked by json.Valid).
func hex4(b []byte) rune {
	n, _ := strconv.ParseUint(string(b), 16, 32)
	return rune(n)
}

// decodeInput decodes body into v like decodeBody, then runs validate on what was decoded, and
// answers with every bad field of both: a field that could not be decoded is named once.
func decodeInput(body []byte, v any, validate func() error) error {
	derr := decodeBody(body, v)
	var de *torg.Error
	if derr != nil && (!errors.As(derr, &de) || de.Code != torg.CodeValidation) {
		return derr
	}
	verr := validate()
	if derr == nil {
		return verr
	}
	if verr == nil {
		return derr
	}
	var ve *torg.Error
	if !errors.As(verr, &ve) || ve.Code != torg.CodeValidation {
		return verr
	}
	f := torg.Fields(de.Fields)
	for _, fe := range ve.Fields {
		if !slices.ContainsFunc(f, func(d torg.FieldError) bool { return d.Field == fe.Field }) {
			f = append(f, fe)
		}
	}
	return f.Err()
}

// walk decodes raw (valid JSON) into v, adding an error to f for every field that does not fit.
func walk(raw []byte, v reflect.Value, path string, f *torg.Fields) {
	raw = bytes.TrimSpace(raw)
	null := string(raw) == "null"
	if v.CanAddr() {
		switch u := v.Addr().Interface().(type) {
		case presence:
			u.MarkPresent(null)
			if !null {
				walk(raw, reflect.ValueOf(u.ValuePtr()).Elem(), path, f)
			}
			return
		case json.Unmarshaler:
			if err := u.UnmarshalJSON(raw); err != nil {
				f.Add(path, "%s", err.Error())
			}
			return
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		walkObject(raw, v, path, f)
	case reflect.Slice:
		walkArray(raw, v, path, f, null)
	case reflect.Pointer:
		if null {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		walk(raw, v.Elem(), path, f)
	case reflect.String:
		if raw[0] != '"' {
			f.Add(path, "must be a string")
			return
		}
		s := jsonString(raw)
		if strings.ContainsRune(s, 0) {
			f.Add(path, "must not contain NUL characters")
			return
		}
		v.SetString(s)
	case reflect.Bool:
		if !null && raw[0] != 't' && raw[0] != 'f' {
			f.Add(path, "must be true or false")
			return
		}
		v.SetBool(raw[0] == 't')
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(string(raw), 10, v.Type().Bits())
		if err != nil {
			f.Add(path, "must be an integer from %d to %d", minInt(v.Type().Bits()), maxInt(v.Type().Bits()))
			return
		}
		v.SetInt(n)
	default:
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			f.Add(path, "has the wrong type")
		}
	}
}

func walkObject(raw []byte, v reflect.Value, path string, f *torg.Fields) {
	if raw[0] != '{' {
		f.Add(path, "must be an object")
		return
	}
	members := objectMembers(raw)
	fields := jsonFields(v.Type())
	for _, m := range members {
		p := joinPath(path, m.key)
		i, ok := fields[m.key]
		if !ok {
			f.Add(p, "is not a known field")
			continue
		}
		walk(m.value, v.Field(i), p, f)
	}
}

func walkArray(raw []byte, v reflect.Value, path string, f *torg.Fields, null bool) {
	if null {
		v.SetZero()
		return
	}
	if raw[0] != '[' {
		f.Add(path, "must be an array")
		return
	}
	items := arrayItems(raw)
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		walk(item, s.Index(i), path+"["+strconv.Itoa(i)+"]", f)
	}
	v.Set(s)
}

// The walk reads a body that json.Valid has passed, so the helpers below split it without
// checking it again: one pass over each object or array instead of a decode into a map.

// member is one key of an object and its value.
type member struct {
	key   string
	value []byte
}

// objectMembers are the members of a valid JSON object, sorted by key; of a key given twice the
// last is kept (as a decode into a map keeps it: scanBody has already named the key).
func objectMembers(raw []byte) []member {
	out := split(raw, true)
	slices.SortStableFunc(out, func(a, b member) int { return strings.Compare(a.key, b.key) })
	for j := len(out) - 1; j > 0; j-- {
		if out[j-1].key == out[j].key {
			out = slices.Delete(out, j-1, j)
		}
	}
	return out
}

// arrayItems are the values of a valid JSON array.
func arrayItems(raw []byte) [][]byte {
	members := split(raw, false)
	out := make([][]byte, len(members))
	for i, m := range members {
		out[i] = m.value
	}
	return out
}

// split reads the values of a valid JSON object or array in their order, with their keys when it
// is an object.
func split(raw []byte, object bool) []member {
	var out []member
	i := skipSpace(raw, 1)
	for i < len(raw) && raw[i] != '}' && raw[i] != ']' {
		var m member
		if object {
			end := valueEnd(raw, i)
			m.key = jsonString(raw[i:end])
			i = skipSpace(raw, skipSpace(raw, end)+1) // past the colon
		}
		end := valueEnd(raw, i)
		m.value = raw[i:end]
		out = append(out, m)
		if i = skipSpace(raw, end); i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// valueEnd is where the valid JSON value that starts at raw[i] ends.
func valueEnd(raw []byte, i int) int {
	switch raw[i] {
	case '"':
		for i++; raw[i] != '"'; i++ {
			if raw[i] == '\\' {
				i++
			}
		}
		return i + 1
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch raw[i] {
			case '"':
				i = valueEnd(raw, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(raw) && !strings.ContainsRune(",}] \t\n\r", rune(raw[i])) {
		i++
	}
	return i
}

// jsonString is the text of a valid JSON string: its bytes as they are when it has no escapes.
func jsonString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	json.Unmarshal(raw, &s)
	return s
}

// knownFields holds jsonFields' maps by type: a type's fields do not change.
var knownFields sync.Map // reflect.Type → map[string]int

// jsonFields maps the JSON names of a struct's exported fields to their indexes.
func jsonFields(t reflect.Type) map[string]int {
	if m, ok := knownFields.Load(t); ok {
		return m.(map[string]int)
	}
	out := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = i
	}
	knownFields.Store(t, out)
	return out
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func minInt(bits int) int64 { return -1 << (bits - 1) }
func maxInt(bits int) int64 { return 1<<(bits-1) - 1 }

// mergeFields joins two validation errors into one naming the fields of both; either may be nil,
// and an error that is not a validation error wins.
func mergeFields(a, b error) error {
	var ea, eb *torg.Error
	switch {
	case a == nil:
		return b
	case b == nil || !errors.As(a, &ea) || !errors.As(b, &eb):
		return a
	}
	return torg.Fields(append(slices.Clone(ea.Fields), eb.Fields...)).Err()
}
