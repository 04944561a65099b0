package register

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"torg"
)

//go:embed ui
var ui embed.FS

// routes is the cashier screen and the local API (docs/API.md, «The register agent»).
func (a *Agent) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(ui, "ui")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/status", a.handle(a.apiStatus))
	mux.HandleFunc("GET /api/orders", a.handle(a.apiOrders))
	mux.HandleFunc("POST /api/orders/{id}/pick", a.handle(a.apiPick))
	mux.HandleFunc("GET /api/receipts", a.handle(a.apiReceipts))
	mux.HandleFunc("GET /api/receipts/{id}", a.handle(a.apiReceipt))
	mux.HandleFunc("POST /api/receipts/{id}/close", a.handle(a.apiClose))
	mux.HandleFunc("PATCH /api/receipts/{id}", a.handle(a.apiChangeReceipt))
	mux.HandleFunc("DELETE /api/receipts/{id}", a.handle(a.apiCancel))
	mux.HandleFunc("POST /api/shift/close", a.handle(a.apiCloseShift))
	mux.HandleFunc("GET /api/shift/x-report", a.handle(a.apiXReport))
	mux.HandleFunc("POST /api/outbox/{id}/retry", a.handle(a.apiRetry))
	mux.HandleFunc("GET /api/sales", a.handle(a.apiFindSale))
	mux.HandleFunc("POST /api/returns", a.handle(a.apiReturn))
	mux.HandleFunc("POST /api/returns/preview", a.handle(a.apiReturnPreview))
	mux.HandleFunc("POST /api/cash-in", a.handle(a.apiCashMove(torg.KindCashIn)))
	mux.HandleFunc("POST /api/cash-out", a.handle(a.apiCashMove(torg.KindCashOut)))
	mux.Handle("GET /metrics", a.metricsHandler())
	return mux
}

// handle answers a handler's value as JSON with its status, or its error as a problem.
func (a *Agent) handle(fn func(r *http.Request) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, v, err := fn(r)
		if err != nil {
			status, v = a.problemOf(err, screenLanguage(r))
			w.Header().Set("Content-Type", "application/problem+json")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		if v != nil {
			json.NewEncoder(w).Encode(v)
		}
	}
}

// localStatus is where the local API parts from torg.Code.Status. A pick refused because the order
// was withdrawn from this register or changed since it came is, to the screen, one more order it
// cannot sell now, like one held or sold elsewhere: a 409 (docs/DECISIONS.md, «The register
// agent»), not the back office's 410 and 412.
var localStatus = map[torg.Code]int{
	torg.CodeWithdrawn:    http.StatusConflict,
	torg.CodeStaleVersion: http.StatusConflict,
}

func (a *Agent) problemOf(err error, lang string) (int, any) {
	var e *torg.Error
	if !errors.As(err, &e) {
		a.log.Error("local API", "err", err)
		e = &torg.Error{Code: torg.CodeInternal, Message: "the register failed; it is logged"}
	}
	status, ok := localStatus[e.Code]
	if !ok {
		status = e.Code.Status()
	}
	// A problem of the local API: detail and each field's message in the screen's language (English
	// when it names none), with the registered code and params of each.
	p := torg.Problem{Type: "/problems/" + e.Code.Slug(), Title: e.Code.Slug(), Status: status}
	p.Detail, p.Code, p.Params = say(lang, e.Message)
	if lang != "" {
		p.Detail = torg.Sentence(p.Detail) // shown on its own
	}
	for _, f := range e.Fields {
		lf := torg.ProblemField{Field: f.Field}
		lf.Message, lf.Code, lf.Params = say(lang, f.Message)
		p.Errors = append(p.Errors, lf)
	}
	return status, p
}

// say is a message of the system in the language ("" keeps the English text as it is), with its
// registered code and params.
func say(lang, text string) (string, string, []any) {
	m, params, ok := torg.Lookup(text)
	switch {
	case !ok:
		return text, "", nil
	case lang == "":
		return text, m.Code, params
	}
	return m.Render(lang, params), m.Code, params
}

// screenLanguage is the language the cashier screen asks for in Accept-Language: "ru" or "en", the
// first of them the header lists by preference, "" when it names neither.
func screenLanguage(r *http.Request) string {
	best, bestQ := "", 0.0
	for i, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		q -= float64(i) / 1000 // earlier wins among equals
		if (base == "ru" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// Status is the agent's state for the screen and for monitoring.
type Status struct {
	Server      string `json:"server"` // online or offline
	LastSeq     int64  `json:"last_seq"`
	Outbox      int    `json:"outbox"`   // closed receipts not accepted by the back office, rejected ones included
	Rejected    int    `json:"rejected"` // of them, those the back office refused: they wait for a person
	ShiftNumber int64  `json:"shift_number"`
	ShiftOpen   bool   `json:"shift_open"`
	Cashier     string `json:"cashier"`
	// Rejections are the rejected uploads, newest first, with the back office's problem.
	Rejections []Rejection `json:"rejections"`
}

func (a *Agent) status(ctx context.Context) (Status, error) {
	st := Status{Server: "offline", LastSeq: a.lastSeq.Load(), Cashier: a.cfg.Cashier}
	if a.online.Load() {
		st.Server = "online"
	}
	// One local transaction: the counts and the list agree with each other.
	err := a.local.update(ctx, func(tx *sql.Tx) error {
		sh, err := a.fiscal.Shift(ctx, tx)
		if err != nil {
			return err
		}
		st.ShiftNumber, st.ShiftOpen = sh.Number, sh.Open
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(rejected) FROM outbox WHERE accepted_at IS NULL").Scan(&st.Outbox, &st.Rejected)
		if err != nil {
			return err
		}
		st.Rejections, err = rejections(ctx, tx)
		return err
	})
	return st, err
}

func (a *Agent) apiStatus(r *http.Request) (int, any, error) {
	st, err := a.status(r.Context())
	if lang := screenLanguage(r); lang != "" {
		// The back office's account of a refused upload, in the screen's language where it is a
		// message the system knows.
		for i := range st.Rejections {
			p := &st.Rejections[i].Problem
			p.Detail, _, _ = say(lang, p.Detail)
			for j := range p.Errors {
				p.Errors[j].Message, _, _ = say(lang, p.Errors[j].Message)
			}
		}
	}
	return http.StatusOK, st, err
}

func (a *Agent) apiOrders(r *http.Request) (int, any, error) {
	items, err := a.orders(r.Context())
	return http.StatusOK, map[string]any{"items": items}, err
}

func (a *Agent) apiPick(r *http.Request) (int, any, error) {
	rc, err := a.pick(r.Context(), r.PathValue("id"))
	return http.StatusCreated, map[string]any{"receipt": rc}, err
}

func (a *Agent) apiReceipt(r *http.Request) (int, any, error) {
	rc, err := a.receiptOf(r.Context(), "id = ?", r.PathValue("id"))
	return http.StatusOK, rc, err
}

func (a *Agent) apiChangeReceipt(r *http.Request) (int, any, error) {
	var in struct {
		Lines []LineChange `json:"lines"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return 0, nil, torg.Errorf(torg.CodeMalformed, "send {\"lines\": [{\"line_no\": N, \"quantity\": Q}]}: %v", err)
	}
	rc, err := a.changeReceipt(r.Context(), r.PathValue("id"), in.Lines)
	return http.StatusOK, rc, err
}

func (a *Agent) apiClose(r *http.Request) (int, any, error) {
	var in struct {
		Payments []torg.Payment `json:"payments"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return 0, nil, torg.Errorf(torg.CodeMalformed, "send {\"payments\": [{\"type\": \"cash\"|\"card\", \"amount\": kopecks}]}: %v", err)
	}
	closed, err := a.closeReceipt(r.Context(), r.PathValue("id"), in.Payments)
	return http.StatusOK, closed, err
}

func (a *Agent) apiCancel(r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, a.cancelReceipt(r.Context(), r.PathValue("id"))
}

func (a *Agent) apiCloseShift(r *http.Request) (int, any, error) {
	z, err := a.closeShift(r.Context())
	return http.StatusOK, z, err
}

func (a *Agent) apiXReport(r *http.Request) (int, any, error) {
	x, err := a.xReport(r.Context())
	return http.StatusOK, x, err
}

func (a *Agent) apiRetry(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	return http.StatusOK, map[string]any{"transaction_id": id, "state": "pending"}, a.retryRejected(r.Context(), id)
}

// apiFindSale finds a sale to return by transaction_id, fn and fd, or a receipt's QR string (qr).
func (a *Agent) apiFindSale(r *http.Request) (int, any, error) {
	q, err := parseSaleQuery(r.URL.Query())
	if err != nil {
		return 0, nil, err
	}
	s, err := a.findSale(r.Context(), q)
	return http.StatusOK, s, err
}

// apiReturn fiscalises a return and writes it to the outbox: 201 with its numbers.
func (a *Agent) apiReturn(r *http.Request) (int, any, error) {
	var in ReturnRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return 0, nil, torg.Errorf(torg.CodeMalformed, "send {\"original_transaction_id\", \"lines\": [{\"line_no\", \"quantity\"}], \"payments\": [{\"type\", \"amount\"}]}: %v", err)
	}
	closed, err := a.makeReturn(r.Context(), in)
	return http.StatusCreated, closed, err
}

// apiReturnPreview answers what a return would refund, its lines and total, without making it.
func (a *Agent) apiReturnPreview(r *http.Request) (int, any, error) {
	var in ReturnRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return 0, nil, torg.Errorf(torg.CodeMalformed, "send {\"original_transaction_id\", \"lines\": [{\"line_no\", \"quantity\"}], \"payments\": [{\"type\", \"amount\"}]}: %v", err)
	}
	p, err := a.previewReturn(r.Context(), in)
	return http.StatusOK, p, err
}

// apiCashMove fiscalises a cash in or cash out and writes it to the outbox: 201 with its numbers.
func (a *Agent) apiCashMove(kind string) func(r *http.Request) (int, any, error) {
	return func(r *http.Request) (int, any, error) {
		var in CashMoveRequest
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return 0, nil, torg.Errorf(torg.CodeMalformed, "send {\"amount\", \"comment\", \"counterpart\"}: %v", err)
		}
		closed, err := a.moveCash(r.Context(), kind, in)
		return http.StatusCreated, closed, err
	}
}
