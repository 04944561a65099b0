package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
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
	walk(body, reflect.ValueOf(v).Elem(), "", &f)
	return f.Err()
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
		var s string
		json.Unmarshal(raw, &s)
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
	var m map[string]json.RawMessage
	json.Unmarshal(raw, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fields := jsonFields(v.Type())
	for _, k := range keys {
		p := joinPath(path, k)
		i, ok := fields[k]
		if !ok {
			f.Add(p, "is not a known field")
			continue
		}
		walk(m[k], v.Field(i), p, f)
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
	var items []json.RawMessage
	json.Unmarshal(raw, &items)
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		walk(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
	}
	v.Set(s)
}

// jsonFields maps the JSON names of a struct's exported fields to their indexes.
func jsonFields(t reflect.Type) map[string]int {
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
