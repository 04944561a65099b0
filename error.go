package torg

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code classifies an Error; Status and Slug are how HTTP answers it.
type Code string

// The error codes of the domain. docs/API.md, «HTTP conventions» lists the slug each one is answered with.
const (
	CodeMalformed        Code = "malformed"
	CodeUnauthorized     Code = "unauthorized"
	CodeForbidden        Code = "forbidden"
	CodeNotFound         Code = "not-found"
	CodeStateConflict    Code = "state-conflict"
	CodeClaimed          Code = "claimed"
	CodeSold             Code = "sold"
	CodeDuplicate        Code = "duplicate"
	CodeIdemInProgress   Code = "idempotency-in-progress"
	CodeWithdrawn        Code = "withdrawn"
	CodeStaleVersion     Code = "stale-version"
	CodeTooLarge         Code = "too-large"
	CodeUnsupportedMedia Code = "unsupported-media-type"
	CodeValidation       Code = "validation"
	CodeIdemConflict     Code = "idempotency-conflict"
	CodeUnavailable      Code = "unavailable"
	CodeInternal         Code = "internal"
)

// Codes lists every error code.
var Codes = []Code{
	CodeMalformed, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeStateConflict, CodeClaimed, CodeSold,
	CodeDuplicate, CodeIdemInProgress, CodeWithdrawn, CodeStaleVersion, CodeTooLarge, CodeUnsupportedMedia,
	CodeValidation, CodeIdemConflict, CodeUnavailable, CodeInternal,
}

// codeStatus is the HTTP status of each code: the one place where the domain's errors meet HTTP.
var codeStatus = map[Code]int{
	CodeMalformed:        http.StatusBadRequest,
	CodeUnauthorized:     http.StatusUnauthorized,
	CodeForbidden:        http.StatusForbidden,
	CodeNotFound:         http.StatusNotFound,
	CodeStateConflict:    http.StatusConflict,
	CodeClaimed:          http.StatusConflict,
	CodeSold:             http.StatusConflict,
	CodeDuplicate:        http.StatusConflict,
	CodeIdemInProgress:   http.StatusConflict,
	CodeWithdrawn:        http.StatusGone,
	CodeStaleVersion:     http.StatusPreconditionFailed,
	CodeTooLarge:         http.StatusRequestEntityTooLarge,
	CodeUnsupportedMedia: http.StatusUnsupportedMediaType,
	CodeValidation:       http.StatusUnprocessableEntity,
	CodeIdemConflict:     http.StatusUnprocessableEntity,
	CodeUnavailable:      http.StatusServiceUnavailable,
	CodeInternal:         http.StatusInternalServerError,
}

// Status is the HTTP status an error of the code is answered with; 500 for a code not in Codes.
func (c Code) Status() int {
	if s, ok := codeStatus[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Slug is the problem type's slug of the code: the last segment of a problem's type.
func (c Code) Slug() string { return string(c) }

// FieldError names one bad field of a request, as a path such as "lines[0].quantity".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problem is an RFC 9457 problem detail, as the API and the register agent's local API answer an
// error. Code and Params name the message of Detail in the message registry (extension members), so
// that a client can show it in its own language.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Errors []ProblemField `json:"errors,omitempty"`
	Code   string         `json:"code,omitempty"`
	Params []any          `json:"params,omitempty"`
}

// ProblemField is one bad field of a problem: the field and message as in FieldError, and the
// message's registered code and parameters.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
	Params  []any  `json:"params,omitempty"`
}

// Error is the domain's error: a code, a human-readable message and, for validation, every bad field.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Cause   error // for the log, never shown to a client
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return string(e.Code) + ": " + e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return string(e.Code) + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, CodeInternal for errors that are not *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Fields collects field errors; Err turns them into one validation error, or nil when there are none.
type Fields []FieldError

// Add records that field is bad.
func (f *Fields) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err is nil when no field was added, otherwise a CodeValidation error naming every field.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Message: "the request has invalid fields", Fields: f}
}

// Invalid returns a validation error about one field.
func Invalid(field, format string, args ...any) error {
	var f Fields
	f.Add(field, format, args...)
	return f.Err()
}
