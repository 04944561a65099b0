package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"torg"
)

// messageCode is the registered code and the parameters of a message, none when it is not registered.
func messageCode(text string) (string, []any) {
	m, params, ok := torg.Lookup(text)
	if !ok {
		return "", nil
	}
	return m.Code, params
}

// fieldErrors are the fields of an error as a problem shows them.
func fieldErrors(fs []torg.FieldError) []torg.ProblemField {
	var out []torg.ProblemField
	for _, f := range fs {
		code, params := messageCode(f.Message)
		out = append(out, torg.ProblemField{Field: f.Field, Message: f.Message, Code: code, Params: params})
	}
	return out
}

// problemKind is the status and title that each error code is answered with.
type problemKind struct {
	status int
	title  string
}

// problemTitles is the title of each error code's problem.
var problemTitles = map[torg.Code]string{
	torg.CodeMalformed:        "Malformed request",
	torg.CodeUnauthorized:     "Unauthorized",
	torg.CodeForbidden:        "Forbidden",
	torg.CodeNotFound:         "Not found",
	torg.CodeStateConflict:    "State conflict",
	torg.CodeClaimed:          "Claimed by another register",
	torg.CodeSold:             "Already sold",
	torg.CodeDuplicate:        "Duplicate",
	torg.CodeIdemInProgress:   "Idempotent request in progress",
	torg.CodeWithdrawn:        "Withdrawn",
	torg.CodeStaleVersion:     "Stale version",
	torg.CodeTooLarge:         "Request too large",
	torg.CodeUnsupportedMedia: "Unsupported media type",
	torg.CodeValidation:       "Validation failed",
	torg.CodeIdemConflict:     "Idempotency key reused",
	torg.CodeUnavailable:      "Service unavailable",
	torg.CodeInternal:         "Internal error",
}

// problemKinds is the answer to every error code: its status as torg.Code.Status says, and its title.
var problemKinds = func() map[torg.Code]problemKind {
	kinds := make(map[torg.Code]problemKind, len(torg.Codes))
	for _, c := range torg.Codes {
		kinds[c] = problemKind{status: c.Status(), title: problemTitles[c]}
	}
	return kinds
}()

// problemTypeBase starts every problem type; the slug ends it, and /docs/problems/{slug} explains it.
const problemTypeBase = "/docs/problems/"

// toProblem turns an error into the problem the client sees. Errors that are not the domain's are
// internal: their text is logged, never shown.
func toProblem(err error, log *slog.Logger) torg.Problem {
	var e *torg.Error
	if !errors.As(err, &e) {
		log.Error("internal error", "err", err)
		e = &torg.Error{Code: torg.CodeInternal, Message: "the server failed to handle the request; it is logged"}
	}
	k, ok := problemKinds[e.Code]
	if !ok {
		k = problemKinds[torg.CodeInternal]
	}
	if e.Cause != nil {
		log.Warn("request failed", "code", e.Code, "err", e.Cause)
	}
	code, params := messageCode(e.Message)
	return torg.Problem{Type: problemTypeBase + e.Code.Slug(), Title: k.title, Status: k.status, Detail: e.Message,
		Errors: fieldErrors(e.Fields), Code: code, Params: params}
}

func writeProblem(w http.ResponseWriter, p torg.Problem) {
	body, _ := json.Marshal(p)
	writeBody(w, p.Status, body)
}

// writeBody writes a JSON body (a problem when status is 400 or more) with its content type.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	ct := "application/json"
	if status >= 400 {
		ct = "application/problem+json"
	}
	w.Header().Set("Content-Type", ct)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="torg"`)
	}
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeBody(w, status, body)
	return nil
}
