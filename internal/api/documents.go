package api

import (
	"context"
	"net/http"
	"path"
	"time"

	"torg"
	"torg/internal/store"
)

// getByID answers 200 with what get returns for the path's id.
func (s *Server) getByID(get func(tx *store.Tx, ctx context.Context, id string) (any, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) { return get(tx, ctx, r.PathValue("id")) })
	}
}

func (s *Server) createGoodsReceipt(w http.ResponseWriter, r *request) error {
	var in torg.GoodsReceiptInput
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	return s.write(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.CreateGoodsReceipt(ctx, in)
	})
}

func (s *Server) listGoodsReceipts(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "warehouse_id")
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.GoodsReceipt], error) {
		return tx.GoodsReceipts(ctx, r.URL.Query().Get("warehouse_id"), p)
	})
}

func (s *Server) listSalesInvoices(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "order_id", "transaction_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.SalesInvoice], error) {
		return tx.SalesInvoices(ctx, q.Get("order_id"), q.Get("transaction_id"), p)
	})
}

func (s *Server) listCashReceipts(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "posted", "purpose", "transaction_id")
	q := r.URL.Query()
	if v := q.Get("posted"); v != "" && v != "true" && v != "false" {
		err = mergeFields(err, torg.Invalid("posted", "must be true or false"))
	}
	if v := q.Get("purpose"); v != "" && v != torg.PurposeSale && v != torg.PurposeCashIn {
		err = mergeFields(err, torg.Invalid("purpose", `must be "sale" or "cash_in"`))
	}
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.CashReceipt], error) {
		return tx.CashReceipts(ctx, q.Get("posted"), q.Get("purpose"), q.Get("transaction_id"), p)
	})
}

func (s *Server) postCashReceipt(w http.ResponseWriter, r *request) error {
	var in struct {
		CashDeskID string `json:"cash_desk_id"`
	}
	err := decodeInput(r.body, &in, func() error {
		if in.CashDeskID == "" {
			return torg.Invalid("cash_desk_id", "is required: the cash desk the cash enters")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.PostCashReceipt(ctx, r.PathValue("id"), in.CashDeskID)
	})
}

func (s *Server) listCardPayments(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "transaction_id")
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.CardPayment], error) {
		return tx.CardPayments(ctx, r.URL.Query().Get("transaction_id"), p)
	})
}

func (s *Server) listCustomerReturns(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "order_id", "sales_invoice_id", "transaction_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.CustomerReturn], error) {
		return tx.CustomerReturns(ctx, q.Get("order_id"), q.Get("sales_invoice_id"), q.Get("transaction_id"), p)
	})
}

func (s *Server) listCashExpenses(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "posted", "purpose", "transaction_id")
	q := r.URL.Query()
	if v := q.Get("posted"); v != "" && v != "true" && v != "false" {
		err = mergeFields(err, torg.Invalid("posted", "must be true or false"))
	}
	if v := q.Get("purpose"); v != "" && v != torg.PurposeRefund && v != torg.PurposeCashOut {
		err = mergeFields(err, torg.Invalid("purpose", `must be "refund" or "cash_out"`))
	}
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.CashExpense], error) {
		return tx.CashExpenses(ctx, q.Get("posted"), q.Get("purpose"), q.Get("transaction_id"), p)
	})
}

func (s *Server) postCashExpense(w http.ResponseWriter, r *request) error {
	var in struct {
		CashDeskID string `json:"cash_desk_id"`
	}
	err := decodeInput(r.body, &in, func() error {
		if in.CashDeskID == "" {
			return torg.Invalid("cash_desk_id", "is required: the cash desk the cash leaves")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.PostCashExpense(ctx, r.PathValue("id"), in.CashDeskID)
	})
}

func (s *Server) listCardRefunds(w http.ResponseWriter, r *request) error {
	p, format, err := fileListParams(r, "transaction_id")
	if err != nil {
		return err
	}
	return answerList(s, w, r, p, format, func(ctx context.Context, tx *store.Tx, p torg.Page) (torg.List[torg.CardRefund], error) {
		return tx.CardRefunds(ctx, r.URL.Query().Get("transaction_id"), p)
	})
}

func (s *Server) resolveTransaction(w http.ResponseWriter, r *request) error {
	var in torg.Resolution
	if err := decodeInput(r.body, &in, func() error { return in.Validate() }); err != nil {
		return err
	}
	return s.write(w, r, http.StatusOK, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.ResolveTransaction(ctx, r.PathValue("id"), in)
	})
}

// runKKMTransfer runs KKMTransfer now and answers with what it did.
func (s *Server) runKKMTransfer(w http.ResponseWriter, r *request) error {
	if err := noBody(r); err != nil {
		return err
	}
	res, err := s.kkm.Run(r.Context(), nil)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) kkmTransferStatus(w http.ResponseWriter, r *request) error {
	st, err := s.kkm.Status(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// report answers a report built from the query parameters it names, as JSON or, with ?format=, as a
// file of its rows.
func report[T any](s *Server, params []string, build func(tx *store.Tx, ctx context.Context, q map[string]string) ([]T, error)) handler {
	params = append(params, "format")
	return func(w http.ResponseWriter, r *request) error {
		var f torg.Fields
		q := map[string]string{}
		for k, v := range r.URL.Query() {
			if !contains(params, k) {
				f.Add(k, "is not a parameter of this report")
				continue
			}
			q[k] = v[0]
		}
		checkFormat(q, &f)
		if err := f.Err(); err != nil {
			return err
		}
		if format, ok := q["format"]; ok {
			var items []T
			err := s.store.View(r.Context(), func(tx *store.Tx) (err error) {
				items, err = build(tx, r.Context(), q)
				return err
			})
			if err != nil {
				return err
			}
			return writeFile(w, format, path.Base(r.URL.Path)+"-"+fileDay(time.Now()), items)
		}
		return s.read(w, r, func(ctx context.Context, tx *store.Tx) (any, error) {
			items, err := build(tx, ctx, q)
			return torg.Report[T]{Items: items}, err
		})
	}
}
