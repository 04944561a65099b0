package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"torg"
	"torg/internal/metrics"
	"torg/internal/store"
)

// orderAction is a handler that changes one order in its own transaction and answers with it.
func (s *Server) orderAction(act func(tx *store.Tx, ctx context.Context, id string) (torg.Order, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		if err := noBody(r); err != nil {
			return err
		}
		return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
			return act(tx, ctx, r.PathValue("id"))
		})
	}
}

// noBody refuses a body on a request that takes none (an empty JSON object is fine).
func noBody(r *request) error {
	if len(r.body) == 0 {
		return nil
	}
	var none struct{}
	return decodeBody(r.body, &none)
}

func (s *Server) createOrder(w http.ResponseWriter, r *request) error {
	var in torg.OrderInput
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	var draft *store.OrderDraft
	draftIt := func(ctx context.Context) (err error) { // before the writer: reads, prices, the snapshot
		draft, err = s.store.DraftOrder(ctx, in)
		return err
	}
	err := s.writePrepared(w, r, http.StatusCreated, draftIt, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.CreateDrafted(ctx, draft)
	})
	if err == nil && !replayed(w) {
		metrics.OrderCreated()
		if in.Post {
			metrics.OrderPosted()
		}
	}
	return err
}

// replayed tells whether the answer written was a stored one, replayed for an Idempotency-Key.
func replayed(w http.ResponseWriter) bool { return w.Header().Get("Idempotent-Replayed") == "true" }

// counted is a handler that calls count when h succeeds with a new answer, not a replayed one.
func counted(h handler, count func()) handler {
	return func(w http.ResponseWriter, r *request) error {
		err := h(w, r)
		if err == nil && !replayed(w) {
			count()
		}
		return err
	}
}

func (s *Server) getOrder(w http.ResponseWriter, r *request) error {
	var o torg.Order
	err := s.store.View(r.Context(), func(tx *store.Tx) (err error) {
		o, err = tx.Order(r.Context(), r.PathValue("id"))
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(o.Version, 10)))
	return writeJSON(w, http.StatusOK, o)
}

func (s *Server) listOrders(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "status", "warehouse_id", "customer_id", "external_number", "updated_after")
	q := r.URL.Query()
	f := store.OrderFilter{Status: torg.Status(q.Get("status")), WarehouseID: q.Get("warehouse_id"),
		CustomerID: q.Get("customer_id"), ExternalNumber: norm.NFC.String(q.Get("external_number"))}
	switch f.Status {
	case "", torg.StatusNew, torg.StatusAgreed, torg.StatusSold, torg.StatusClosed, torg.StatusCancelled:
	default:
		err = mergeFields(err, torg.Invalid("status", `must be "new", "agreed", "sold", "closed" or "cancelled"`))
	}
	if !q.Has("updated_after") {
		if err != nil {
			return err
		}
		return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.Order], error) {
			return tx.Orders(ctx, f, p)
		})
	}
	after, cerr := changeCursor(q.Get("updated_after"))
	err = mergeFields(err, cerr)
	if q.Has("after") {
		err = mergeFields(err, torg.Invalid("after", "is not used with updated_after: pass the answer's next as updated_after"))
	}
	if q.Has("format") {
		err = mergeFields(err, torg.Invalid("format", "is not used with updated_after: a file holds the list, not its changes"))
	}
	if err != nil {
		return err
	}
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
		list, last, err := tx.OrdersChangedAfter(ctx, f, after, p.Limit)
		next := torg.EncodeCursor(last.String())
		list.Next = &next
		return list, err
	})
}

// changeCursor reads updated_after: "0" (from the first change) or the next of an earlier answer.
func changeCursor(v string) (store.ChangeCursor, error) {
	if v == "0" {
		return store.ChangeCursor{}, nil
	}
	bad := torg.Invalid("updated_after", `must be "0" or the next of an earlier answer`)
	raw, err := torg.DecodeCursor(v)
	if err != nil {
		return store.ChangeCursor{}, bad
	}
	c, ok := store.ParseChangeCursor(raw)
	if !ok {
		return c, bad
	}
	return c, nil
}

func (s *Server) patchOrder(w http.ResponseWriter, r *request) error {
	var in torg.OrderPatch
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	ifMatch, err := versionHeader(r.Header.Get("If-Match"))
	if err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.PatchOrder(ctx, r.PathValue("id"), in, ifMatch)
	})
}

// versionHeader reads If-Match: "3" (or 3, or W/"3"); nil when absent or "*".
func versionHeader(v string) (*int64, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
	if v == "" || v == "*" {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil {
		return nil, torg.Invalid("If-Match", `must be the order's version in quotes, such as "3"`)
	}
	return &n, nil
}

func (s *Server) addOrderRegister(w http.ResponseWriter, r *request) error {
	var in struct {
		RegisterID string `json:"register_id"`
	}
	err := decodeInput(r.body, &in, func() error {
		if in.RegisterID == "" {
			return torg.Invalid("register_id", "is required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.AddOrderRegister(ctx, r.PathValue("id"), in.RegisterID)
	})
}

func (s *Server) removeOrderRegister(w http.ResponseWriter, r *request) error {
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.RemoveOrderRegister(ctx, r.PathValue("id"), r.PathValue("register_id"))
	})
}

func (s *Server) listTransactions(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "state", "register_id", "order_id", "kind")
	q := r.URL.Query()
	f := store.TransactionFilter{State: torg.TxState(q.Get("state")), RegisterID: q.Get("register_id"), OrderID: q.Get("order_id"), Kind: q.Get("kind")}
	if f.Kind != "" && !contains(torg.TxKinds, f.Kind) {
		err = mergeFields(err, torg.Invalid("kind", `must be "sale", "return", "cash_in" or "cash_out"`))
	}
	switch f.State {
	case "", torg.TxNew, torg.TxProcessed, torg.TxConflict, torg.TxFailed, torg.TxIgnored:
	default:
		err = mergeFields(err, torg.Invalid("state", `must be "new", "processed", "conflict", "failed" or "ignored"`))
	}
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.Transaction], error) {
		return tx.Transactions(ctx, f, p)
	})
}

func (s *Server) getTransaction(w http.ResponseWriter, r *request) error {
	return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.Transaction(ctx, r.PathValue("id"))
	})
}
