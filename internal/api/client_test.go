package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"torg"
	"torg/client"
)

// checkedTransport sends requests and checks every answer against the OpenAPI document.
type checkedTransport struct{ t testing.TB }

func (c checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	checkAnswer(c.t, req.Method, req.URL.Path, resp, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// newClient is a Go client of the test server with the token.
func newClient(t *testing.T, s *testServer, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Server: s.url, Token: token, HTTPClient: &http.Client{Transport: checkedTransport{t}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAWebShopThroughTheGoClient(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		admin := newClient(t, s, s.admin)
		tok, err := admin.CreateAPITokenWithResponse(ctx, client.CreateAPITokenJSONRequestBody{Name: "web shop", Role: client.APITokenRoleIntegration})
		if err != nil || tok.JSON201 == nil || tok.JSON201.Token == nil {
			t.Fatalf("making the shop's token: %v", err)
		}
		shop := newClient(t, s, *tok.JSON201.Token)

		if _, err := shop.CreateWarehouseWithResponse(ctx, nil, client.CreateWarehouseJSONRequestBody{Code: "MAIN", Name: "Основной склад"}); err != nil {
			t.Fatal(err)
		}
		cheese := client.CreateProductJSONRequestBody{Code: "CHEESE", Name: "Сыр весовой", Unit: client.Ptr("кг"), Price: client.Ptr(torg.Money(89990))}
		if _, err := shop.CreateProductWithResponse(ctx, nil, cheese); err != nil {
			t.Fatal(err)
		}
		products, err := shop.ListProductsWithResponse(ctx, &client.ListProductsParams{Code: client.Ptr("CHEESE")})
		if err != nil || len(products.JSON200.Items) != 1 || products.JSON200.Items[0].Price != 89990 || products.JSON200.Next != nil {
			t.Fatalf("the catalog: %+v, %v", products, err)
		}

		order := client.OrderInput{ExternalNumber: client.Ptr("SHOP-1001"), CustomerCode: client.Ptr("retail"), WarehouseCode: client.Ptr("MAIN"),
			Status: client.Ptr(client.NewOrderStatusAgreed), Lines: []client.OrderLineInput{{ProductCode: client.Ptr("CHEESE"), Quantity: 123_456_789}}}
		key := &client.CreateOrderParams{IdempotencyKey: client.Ptr("SHOP-1001")}
		first, err := shop.CreateOrderWithResponse(ctx, key, order)
		if err != nil {
			t.Fatal(err)
		}
		id := first.JSON201.Id

		t.Run("a replay answers the first order byte for byte, and makes no second", func(t *testing.T) {
			again, err := shop.CreateOrderWithResponse(ctx, key, order)
			if err != nil || !client.Replayed(again.HTTPResponse) || client.Replayed(first.HTTPResponse) || !bytes.Equal(again.Body, first.Body) {
				t.Fatalf("again: %v, replayed %v\n%s\n%s", err, again != nil && client.Replayed(again.HTTPResponse), first.Body, again.Body)
			}
			list, err := shop.ListOrdersWithResponse(ctx, &client.ListOrdersParams{ExternalNumber: client.Ptr("SHOP-1001")})
			if err != nil || len(list.JSON200.Items) != 1 {
				t.Fatalf("orders SHOP-1001: %+v, %v", list, err)
			}
		})

		t.Run("the order is posted and read back exactly", func(t *testing.T) {
			posted, err := shop.PostOrderWithResponse(ctx, id, nil, client.PostOrderJSONRequestBody{})
			if err != nil || !posted.JSON200.Posted || posted.JSON200.Status != client.OrderStatusAgreed {
				t.Fatalf("posting: %+v, %v", posted, err)
			}
			got, err := shop.GetOrderWithResponse(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			o := got.JSON200
			// 123456.789 kg × 899.90 ₽ = 11 109 876 442.11 kopecks, rounded half away from zero.
			if len(o.Lines) != 1 || o.Lines[0].Quantity != 123_456_789 || o.Lines[0].Amount != 11_109_876_442 || o.Total != 11_109_876_442 {
				t.Fatalf("read back: %+v", o.Lines)
			}
			if !bytes.Contains(got.Body, []byte(`"quantity":123456.789,`)) {
				t.Errorf("the order's JSON does not carry 123456.789: %s", got.Body)
			}
			if o.ExternalNumber == nil || *o.ExternalNumber != "SHOP-1001" || o.Claim != nil || o.SoldTotal != nil || !o.Posted || o.Version < 1 {
				t.Errorf("read back: %+v", o)
			}
			if etag := got.HTTPResponse.Header.Get("ETag"); etag == "" {
				t.Error("no ETag")
			}
		})

		t.Run("a problem comes back as its type, naming the fields", func(t *testing.T) {
			_, err := shop.CreateProductWithResponse(ctx, nil, cheese)
			var p *client.ProblemError
			if !errors.As(err, &p) || p.Slug() != torg.CodeDuplicate || p.Status != 409 || len(p.Errors) != 1 || p.Errors[0].Field != "code" {
				t.Fatalf("a second CHEESE: %#v", err)
			}
			_, err = shop.CreateOrderWithResponse(ctx, nil, client.OrderInput{CustomerCode: client.Ptr("retail"), CustomerId: client.Ptr("c1"), Lines: []client.OrderLineInput{}})
			if !errors.As(err, &p) || p.Slug() != torg.CodeValidation || p.Status != 422 || !hasProblemField(p, "lines") || !hasProblemField(p, "warehouse_id") {
				t.Fatalf("an order without lines or warehouse: %#v", err)
			}
			_, err = shop.CreateCashDeskWithResponse(ctx, nil, client.CreateCashDeskJSONRequestBody{Code: "C1", Name: "Касса"})
			if !client.IsProblem(err, torg.CodeForbidden) {
				t.Fatalf("a web shop making a cash desk: %v", err)
			}
		})
	})
}

// hasProblemField reports whether the problem names the field.
func hasProblemField(p *client.ProblemError, field string) bool {
	for _, f := range p.Errors {
		if f.Field == field {
			return true
		}
	}
	return false
}
