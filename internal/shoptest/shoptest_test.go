package shoptest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"torg"
	"torg/internal/api"
	"torg/internal/shoptest"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// The shop made through the API and the shop made through the store hold the same things: one
// definition, two ways to make it.
func TestTheShopIsTheSameThroughTheAPIAndTheStore(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			direct := storetest.New(t, d)
			shDirect := shoptest.InStore(t, direct)
			served := storetest.New(t, d)
			srv := api.New(api.Config{Store: served, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AdminToken: "shop-admin"})
			hs := httptest.NewServer(srv.Handler(nil))
			t.Cleanup(func() { srv.Drain(); hs.Close() })
			shAPI := shoptest.New(t, func(method, path, token, body string) (int, []byte) {
				req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, b
			}, "shop-admin")
			a, b := contents(t, direct, shDirect), contents(t, served, shAPI)
			if !slices.Equal(a, b) {
				t.Fatalf("through the store:\n%s\nthrough the API:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			if len(a) != len(shoptest.Warehouses)+1+len(shoptest.Products)+len(shoptest.Registers) {
				t.Fatalf("the shop holds %d things: %v", len(a), a)
			}
			for _, sh := range []*shoptest.Shop{shDirect, shAPI} {
				if len(sh.Token) != len(shoptest.Registers) || sh.Retail == "" || sh.WH == "" || sh.WH2 == "" || sh.Milk == "" || sh.Soap == "" {
					t.Errorf("ids %+v", sh)
				}
			}
		})
	}
}

// contents lists what the store holds of the shop, by code: ids vary, the rest must not.
func contents(t *testing.T, st *store.Store, sh *shoptest.Shop) []string {
	t.Helper()
	ctx := context.Background()
	code := map[string]string{sh.CashDesk: "CASH1"}
	for c, id := range sh.Warehouse {
		code[id] = c
	}
	var out []string
	page := torg.Page{Limit: 100}
	err := st.View(ctx, func(tx *store.Tx) error {
		ws, err := store.Warehouses.List(ctx, tx, "", page)
		if err != nil {
			return err
		}
		for _, w := range ws.Items {
			out = append(out, fmt.Sprintf("warehouse %s %s", w.Code, w.Name))
		}
		ds, err := store.CashDesks.List(ctx, tx, "", page)
		if err != nil {
			return err
		}
		for _, d := range ds.Items {
			out = append(out, fmt.Sprintf("cash desk %s %s", d.Code, d.Name))
		}
		ps, err := store.Products.List(ctx, tx, "", page)
		if err != nil {
			return err
		}
		for _, p := range ps.Items {
			out = append(out, fmt.Sprintf("product %s %s %s %d %s %v", p.Code, p.Name, p.Unit, p.Price, p.VATRate, p.Barcodes))
		}
		rs, err := store.Registers.List(ctx, tx, "", page)
		if err != nil {
			return err
		}
		for _, r := range rs.Items {
			desk := ""
			if r.CashDeskID != nil {
				desk = code[*r.CashDeskID]
			}
			out = append(out, fmt.Sprintf("register %s %s at %s accepts %v auto %v desk %q", r.Code, r.Name, code[r.WarehouseID], r.AcceptsOrders, r.AutoLoadOrders, desk))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
