package api

import (
	"context"
	"net/http"
	"path"
	"time"

	"torg"
	"torg/internal/store"
)

// periodReport answers a report over a period (docs/API.md, «Reports over a period»): from and to,
// the report's own filters, format, and nothing else, every bad parameter named at once.
func periodReport[T any](s *Server, filters []string, build func(ctx context.Context, tx *store.Tx, p torg.Period, q map[string]string) ([]T, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, q, err := periodParams(r, append(filters, "format"), checkFormat)
		if err != nil {
			return err
		}
		return answerReport(s, w, r, p, q["format"], func(ctx context.Context, tx *store.Tx) ([]T, error) { return build(ctx, tx, p, q) })
	}
}

// checkFormat names a format that is neither csv nor xlsx.
func checkFormat(q map[string]string, f *torg.Fields) {
	if v, ok := q["format"]; ok && !contains(reportFormats, v) {
		f.Add("format", "must be csv or xlsx")
	}
}

// answerReport reads the rows and answers them as JSON, or as the file format names.
func answerReport[T any](s *Server, w http.ResponseWriter, r *request, p torg.Period, format string, build func(ctx context.Context, tx *store.Tx) ([]T, error)) error {
	var items []T
	err := s.store.View(r.Context(), func(tx *store.Tx) (err error) {
		items, err = build(r.Context(), tx)
		return err
	})
	if err != nil {
		return err
	}
	if format != "" {
		return writeFile(w, format, path.Base(r.URL.Path)+"-"+fileDay(p.From)+"-"+fileDay(p.To.Add(-time.Microsecond)), items)
	}
	return writeJSON(w, http.StatusOK, torg.PeriodReport[T]{From: p.From, To: p.To, Items: items})
}

// periodParams reads from, to and the filters; check adds the report's own rules.
func periodParams(r *request, filters []string, check func(q map[string]string, f *torg.Fields)) (torg.Period, map[string]string, error) {
	known := append([]string{"from", "to"}, filters...)
	var f torg.Fields
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		if !contains(known, k) {
			f.Add(k, "is not a parameter of this report (known: %s)", joinNames(known))
			continue
		}
		q[k] = v[0]
	}
	p, err := torg.ParsePeriod(q["from"], q["to"], time.Now())
	if check != nil {
		check(q, &f)
	}
	return p, q, mergeFields(f.Err(), err)
}

// salesReport answers the sales analysis grouped as ?by= says (day by default).
func (s *Server) salesReport(w http.ResponseWriter, r *request) error {
	p, q, err := periodParams(r, []string{"by", "warehouse_id", "register_id", "product_id", "format"}, func(q map[string]string, f *torg.Fields) {
		if q["by"] == "" {
			q["by"] = "day"
		}
		if !contains(torg.SalesGroupings, q["by"]) {
			f.Add("by", "must be day, register, cashier or product")
		}
		checkFormat(q, f)
	})
	if err != nil {
		return err
	}
	return answerReport(s, w, r, p, q["format"], func(ctx context.Context, tx *store.Tx) ([]torg.SalesRow, error) {
		return tx.SalesAnalysis(ctx, p, q["by"], store.SalesFilters{WarehouseID: q["warehouse_id"], RegisterID: q["register_id"], ProductID: q["product_id"]})
	})
}

// cashMoves answers the documents behind a cash desk's turnover, a page at a time.
func (s *Server) cashMoves(w http.ResponseWriter, r *request) error {
	page, format, perr := fileListParams(r, "from", "to", "cash_desk_id")
	p, q, err := periodParams(r, []string{"cash_desk_id", "limit", "after", "format"}, func(q map[string]string, f *torg.Fields) {
		if q["cash_desk_id"] == "" {
			f.Add("cash_desk_id", "is required: the cash desk whose documents to list")
		}
	})
	if err = mergeFields(perr, err); err != nil {
		return err
	}
	return answerList(s, w, r, page, format, func(ctx context.Context, tx *store.Tx, page torg.Page) (torg.List[torg.CashMove], error) {
		return tx.CashMoves(ctx, p, q["cash_desk_id"], page)
	})
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
