package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"torg"
	"torg/client"
)

// A web shop sends an order for 1.25 kg of cheese and 2 loaves, agreed and posted at once, under an
// Idempotency-Key made from its own order number, and reads back the order's state.
func Example() {
	ctx := context.Background()
	c, err := client.New(client.Config{Server: "http://127.0.0.1:8080", Token: os.Getenv("TORG_TOKEN")})
	if err != nil {
		log.Fatal(err)
	}
	created, err := c.CreateOrderWithResponse(ctx,
		&client.CreateOrderParams{IdempotencyKey: client.Ptr("SHOP-1001")},
		client.OrderInput{
			ExternalNumber: client.Ptr("SHOP-1001"),
			CustomerCode:   client.Ptr("retail"),
			WarehouseCode:  client.Ptr("MAIN"),
			Status:         client.Ptr(client.NewOrderStatusAgreed),
			FillRegisters:  client.Ptr(true),
			Post:           client.Ptr(true),
			Lines: []client.OrderLineInput{
				{ProductCode: client.Ptr("CHEESE"), Quantity: 1250}, // thousandths: 1.25 kg
				{ProductCode: client.Ptr("BREAD"), Quantity: 2000},
			},
		})
	var problem *client.ProblemError
	switch {
	case errors.As(err, &problem) && problem.Slug() == torg.CodeValidation:
		for _, f := range problem.Errors {
			log.Printf("%s: %s", f.Field, f.Message) // such as lines[0].product_code: no such product
		}
		return
	case err != nil:
		log.Fatal(err) // the server could not be reached after the retries, or another problem
	}
	order, err := c.GetOrderWithResponse(ctx, created.JSON201.Id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(order.JSON200.Number, order.JSON200.Status, order.JSON200.Total) // Total in kopecks
}

// An admin registers the shop's webhook for the states of its orders, and keeps its secret with the
// receiver, which checks every delivery's Torg-Signature with it.
func ExampleClientWithResponses_CreateWebhookWithResponse() {
	ctx := context.Background()
	c, err := client.New(client.Config{Server: "http://127.0.0.1:8080", Token: os.Getenv("TORG_ADMIN_TOKEN")})
	if err != nil {
		log.Fatal(err)
	}
	hook, err := c.CreateWebhookWithResponse(ctx, nil, client.CreateWebhookJSONRequestBody{
		Url:    "https://shop.example/torg-events",
		Events: []client.WebhookEvent{client.OrderSold, client.OrderClosed, client.OrderCancelled},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hook.JSON201.Id, hook.JSON201.Secret)
}

// A shop that polls reads the orders changed since its last look, oldest change first, and keeps
// the answer's next for the following look.
func ExampleClientWithResponses_ListOrdersWithResponse_updatedAfter() {
	ctx := context.Background()
	c, err := client.New(client.Config{Server: "http://127.0.0.1:8080", Token: os.Getenv("TORG_TOKEN")})
	if err != nil {
		log.Fatal(err)
	}
	after := "0" // from the first change; the shop keeps the last next between runs
	page, err := c.ListOrdersWithResponse(ctx, &client.ListOrdersParams{UpdatedAfter: &after})
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range page.JSON200.Items {
		fmt.Println(o.Id, o.Status, o.Version)
	}
	fmt.Println("ask next time with updated_after =", *page.JSON200.Next) // never null with updated_after
}
