package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/exchange"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// TestReportsWhenCashDesksReachTheLimit brings two cash desks near the edge of int64 (as years of
// documents would) and sells into them through KKMTransfer: the sale that would overflow a desk
// fails alone, naming the desk, and the reports keep answering, on the API and on the pages,
// without a wrapped total.
func TestReportsWhenCashDesksReachTheLimit(t *testing.T) {
	ctx := context.Background()
	const start = math.MaxInt64 - 3*torg.MaxMoney/2 // room for one sale of MaxMoney, not two
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			hub := exchange.NewHub()
			st, err := store.Open(ctx, dsn, store.OnPackages(hub.Wake))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				t.Fatal(err)
			}
			e := newEnvOn(t, st, hub)
			var desks []string
			var ins []torg.TransactionInput
			err = st.Update(ctx, func(tx *store.Tx) error {
				wh, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of("W"), Name: torg.Of("w")})
				if err != nil {
					return err
				}
				p, err := store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of("GOLD"), Name: torg.Of("gold")})
				if err != nil {
					return err
				}
				for r, code := range []string{"A", "B"} {
					desk, err := store.CashDesks.Create(ctx, tx, torg.CashDeskInput{Code: torg.Of(code), Name: torg.Of("desk " + code)})
					if err != nil {
						return err
					}
					desks = append(desks, desk.ID)
					reg, err := store.Registers.Create(ctx, tx, torg.RegisterInput{Code: torg.Of("R" + code), Name: torg.Of("r"),
						WarehouseID: torg.Of(wh.ID), CashDeskID: torg.Of(desk.ID)})
					if err != nil {
						return err
					}
					for i, pay := range []string{torg.PaymentCash, torg.PaymentCash, torg.PaymentCard} {
						in := torg.TransactionInput{ID: uuid.NewString(), ShiftNumber: 1, ReceiptNumber: int64(i + 1), Cashier: "c",
							ClosedAt: time.Date(2026, 11, 27, 9, r, i, 0, time.UTC), Total: torg.MaxMoney,
							Lines:    []torg.TxLine{{ProductID: p.ID, Quantity: 1000, Price: torg.MaxMoney, Amount: torg.MaxMoney}},
							Payments: []torg.Payment{{Type: pay, Amount: torg.MaxMoney}}}
						if _, _, err := tx.UploadTransaction(ctx, reg.ID, in); err != nil {
							return err
						}
						ins = append(ins, in)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			plantCash(t, dsn, desks, int64(start))
			var res torg.TransferResult
			json.Unmarshal([]byte(e.api("POST", "/api/v1/jobs/kkm-transfer/run", "")), &res)
			if res.Processed != 4 || res.Failed != 2 {
				t.Fatalf("run: %+v", res)
			}
			for i, in := range ins {
				var tr torg.Transaction
				json.Unmarshal([]byte(e.api("GET", "/api/v1/transactions/"+in.ID, "")), &tr)
				want := ""
				if i%3 == 1 {
					want = "cash desk " + []string{"A", "B"}[i/3] + "'s balance would leave the range the system can hold"
				}
				if orEmpty(tr.Error) != want || (want == "") != (tr.State == torg.TxProcessed) {
					t.Errorf("transaction %d: %s %q, want %q", i, tr.State, orEmpty(tr.Error), want)
				}
			}
			var cash struct { // balances beyond MaxMoney, which torg.Money does not take as input
				Items []struct {
					Balance int64 `json:"balance"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(e.api("GET", "/api/v1/reports/cash", "")), &cash); err != nil {
				t.Fatal(err)
			}
			if want := int64(start + torg.MaxMoney); len(cash.Items) != 2 || cash.Items[0].Balance != want || cash.Items[1].Balance != want {
				t.Fatalf("cash report %+v, want %d twice", cash, want)
			}
			e.api("GET", "/api/v1/reports/settlements", "")
			e.api("GET", "/api/v1/reports/stock", "")
			c := e.login("admin")
			// The failed transaction's page gives its reason in the user's language.
			c.get("/transactions/"+ins[1].ID, 200).contains(t, `<dd class="bad-text" id="tx-error">остаток кассы A вышел бы за диапазон, который может хранить система</dd>`)
			page := c.get("/reports/cash", 200)
			page.contains(t, "desk A", "desk B", `id="money-total-beyond"`)
			if strings.Contains(page.body, `class="num total"`) {
				t.Fatalf("the page shows a total of two balances whose sum is beyond int64:\n%s", page.body)
			}
			c.get("/reports/settlements", 200).contains(t, "retail", `class="num total"`)
			c.get("/reports/stock", 200).contains(t, "GOLD")

			t.Run("reservations that sum beyond int64 are a clear conflict on the API and the page, not a server error", func(t *testing.T) {
				var o torg.Order
				err := st.Update(ctx, func(tx *store.Tx) (err error) {
					o, err = tx.CreateOrder(ctx, torg.OrderInput{CustomerCode: "retail", WarehouseCode: "W", Status: torg.Of(torg.StatusAgreed),
						Lines: []torg.OrderLineInput{{ProductCode: "GOLD", Quantity: 1000, Price: torg.Of(torg.Money(1))}}, Post: true})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				storetest.Exec(t, dsn, fmt.Sprintf("INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, quantity)"+
					" SELECT order_id, line_no + n, warehouse_id, product_id, 4000000000000000000 FROM reservations,"+
					" (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) k WHERE order_id = '%s'", o.ID))
				req, _ := http.NewRequest("GET", e.url+"/api/v1/reports/stock", nil)
				req.Header.Set("Authorization", "Bearer "+e.admin)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var problem struct{ Type, Detail string }
				json.NewDecoder(resp.Body).Decode(&problem)
				resp.Body.Close()
				if resp.StatusCode != 409 || !strings.HasSuffix(problem.Type, "state-conflict") ||
					problem.Detail != "the quantity of product GOLD reserved in warehouse W is beyond the range the system can hold" {
					t.Fatalf("API: %d %+v", resp.StatusCode, problem)
				}
				c.get("/reports/stock", 409).contains(t, "вне диапазона")
			})
		})
	}
}

// plantCash sets the cash desks' balances, with a movement each, straight in the database.
func plantCash(t *testing.T, dsn string, desks []string, balance int64) {
	t.Helper()
	for _, desk := range desks { // ids the store made: safe to write into the statement
		storetest.Exec(t, dsn, fmt.Sprintf("INSERT INTO cash_moves (doc_id, date, cash_desk_id, amount) VALUES ('planted-%s', 0, '%s', %d)", desk, desk, balance))
		storetest.Exec(t, dsn, fmt.Sprintf("INSERT INTO cash_balances (cash_desk_id, balance) VALUES ('%s', %d)", desk, balance))
	}
}

func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
