package store_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// hook registers a webhook for the events on the store.
func hook(t *testing.T, s *store.Store, events ...string) torg.Webhook {
	t.Helper()
	var w torg.Webhook
	err := s.Update(context.Background(), func(tx *store.Tx) (err error) {
		w, err = tx.CreateWebhook(context.Background(), torg.WebhookInput{URL: "https://shop.example/hook", Events: events})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// claimAll leases every due delivery, as of a moment far enough ahead that every backoff has passed.
func claimAll(t *testing.T, s *store.Store, at time.Time) []torg.OutgoingDelivery {
	t.Helper()
	ds, err := s.ClaimWebhookDeliveries(context.Background(), at, time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func deliverAll(t *testing.T, s *store.Store, ds []torg.OutgoingDelivery, res torg.DeliveryResult, at time.Time) {
	t.Helper()
	for _, d := range ds {
		if err := s.FinishWebhookDelivery(context.Background(), d, res, at, time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

func eventOf(t *testing.T, d torg.OutgoingDelivery) torg.Event {
	t.Helper()
	var ev torg.Event
	if err := json.Unmarshal(d.Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.ID != d.EventID || ev.Type != d.Type {
		t.Fatalf("the body %s does not match its delivery %+v", d.Body, d)
	}
	return ev
}

func TestWebhookEventsAreWrittenWithTheirChange(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		t.Run("nothing is written while no webhook wants the event", func(t *testing.T) {
			sh := newSaleShop(t, s)
			sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			sh.transfer(t)
			w := hook(t, s, torg.EventOrderSold)
			if ds := claimAll(t, s, torg.Now().Add(time.Hour)); len(ds) != 0 {
				t.Fatalf("a sale before the webhook existed is delivered to it: %+v", ds)
			}
			var log torg.List[torg.WebhookDelivery]
			s.View(ctx, func(tx *store.Tx) (err error) {
				log, err = tx.WebhookDeliveries(ctx, w.ID, "", torg.Page{Limit: 10})
				return err
			})
			if len(log.Items) != 0 {
				t.Fatalf("delivery log %+v, want empty", log.Items)
			}
			s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
		})
		t.Run("sold then closed arrive in order, the second only after the first is delivered", func(t *testing.T) {
			w := hook(t, s, torg.EventOrderSold, torg.EventOrderClosed)
			defer s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
			sh := newSaleShop(t, s)
			tr := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			sh.transfer(t)
			later := torg.Now().Add(time.Minute)
			first := claimAll(t, s, later)
			if len(first) != 1 || first[0].Type != torg.EventOrderSold || first[0].Secret != w.Secret || first[0].Attempt != 1 {
				t.Fatalf("first claim %+v, want order.sold alone", first)
			}
			ev := eventOf(t, first[0])
			if ev.Data.Order == nil || ev.Data.Order.ID != sh.order.ID || ev.Data.Order.Status != torg.StatusSold ||
				ev.Data.TransactionID == nil || *ev.Data.TransactionID != tr.ID {
				t.Errorf("order.sold carries %+v", ev.Data)
			}
			if again := claimAll(t, s, later); len(again) != 0 {
				t.Fatalf("a leased event, or the one behind it, was claimed again: %+v", again)
			}
			deliverAll(t, s, first, torg.DeliveryResult{Status: 500, Error: "answered 500"}, later)
			if again := claimAll(t, s, later); len(again) != 0 {
				t.Fatalf("a failed attempt is retried before its backoff: %+v", again)
			}
			retry := claimAll(t, s, later.Add(2*time.Second))
			if len(retry) != 1 || retry[0].EventID != first[0].EventID || retry[0].Attempt != 2 {
				t.Fatalf("retry %+v, want order.sold again as attempt 2", retry)
			}
			deliverAll(t, s, retry, torg.DeliveryResult{Status: 204}, later.Add(2*time.Second))
			second := claimAll(t, s, later.Add(3*time.Second))
			if len(second) != 1 || second[0].Type != torg.EventOrderClosed {
				t.Fatalf("after order.sold was delivered: %+v, want order.closed", second)
			}
			if o := eventOf(t, second[0]).Data.Order; o == nil || o.Status != torg.StatusClosed || o.SalesInvoiceID == nil {
				t.Errorf("order.closed carries %+v", o)
			}
			deliverAll(t, s, second, torg.DeliveryResult{Status: 200}, later.Add(3*time.Second))
			var log torg.List[torg.WebhookDelivery]
			s.View(ctx, func(tx *store.Tx) (err error) {
				log, err = tx.WebhookDeliveries(ctx, w.ID, "", torg.Page{Limit: 1})
				return err
			})
			if len(log.Items) != 1 || log.Items[0].Type != torg.EventOrderClosed || log.Items[0].State != torg.DeliveryDelivered || log.Next == nil {
				t.Fatalf("the log's first page %+v", log)
			}
		})
		t.Run("a cancel and a receipt for the cancelled order are told; redeliver sends again", func(t *testing.T) {
			w := hook(t, s, torg.EventOrderCancelled, torg.EventTransactionConflict)
			defer s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
			sh := newSaleShop(t, s)
			sh.update(t, func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, sh.order.ID); return err })
			sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			later := torg.Now().Add(time.Minute)
			got := claimAll(t, s, later)
			if len(got) != 1 || got[0].Type != torg.EventOrderCancelled {
				t.Fatalf("claimed %+v, want order.cancelled first", got)
			}
			deliverAll(t, s, got, torg.DeliveryResult{Status: 200}, later)
			got = claimAll(t, s, later)
			if len(got) != 1 || got[0].Type != torg.EventTransactionConflict {
				t.Fatalf("claimed %+v, want transaction.conflict", got)
			}
			if ev := eventOf(t, got[0]); ev.Data.ConflictReason == nil || *ev.Data.ConflictReason != torg.ConflictCancelled {
				t.Errorf("transaction.conflict carries %+v", ev.Data)
			}
			deliverAll(t, s, got, torg.DeliveryResult{Status: 200}, later)
			var d torg.WebhookDelivery
			sh.update(t, func(tx *store.Tx) (err error) {
				d, err = tx.RedeliverWebhookEvent(ctx, w.ID, got[0].EventID)
				return err
			})
			if d.State != torg.DeliveryPending || d.Attempts != 0 {
				t.Fatalf("after redeliver %+v", d)
			}
			if again := claimAll(t, s, torg.Now().Add(time.Second)); len(again) != 1 || again[0].EventID != got[0].EventID {
				t.Fatalf("redelivered %+v", again)
			}
		})
		t.Run("a return of an order's sale is told as order.returned", func(t *testing.T) {
			w := hook(t, s, torg.EventOrderReturned)
			defer s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
			sh := newSaleShop(t, s)
			sale := sh.sell(t, torg.Now(), torg.TxLine{ProductID: sh.kettle.ID, Quantity: 2000, Price: 15000})
			ret := torg.TransactionInput{ID: uuid.NewString(), Kind: torg.KindReturn, OriginalTransactionID: &sale.ID, ShiftNumber: 1,
				ReceiptNumber: 2, ClosedAt: torg.Now(), Cashier: "Иванова",
				Lines: []torg.TxLine{torg.ReturnPart(&sale.TransactionInput, nil, 1, 1000)}}
			ret.Total = ret.Lines[0].Amount
			ret.Payments = []torg.Payment{{Type: torg.PaymentCash, Amount: ret.Total}}
			var stored torg.Transaction
			sh.update(t, func(tx *store.Tx) (err error) { stored, _, err = tx.UploadTransaction(ctx, sh.k1.ID, ret); return err })
			if stored.State != torg.TxNew {
				t.Fatalf("the return is %s (%v)", stored.State, stored.ConflictReason)
			}
			got := claimAll(t, s, torg.Now().Add(time.Minute))
			if len(got) != 1 || got[0].Type != torg.EventOrderReturned {
				t.Fatalf("claimed %+v, want order.returned", got)
			}
			if ev := eventOf(t, got[0]); ev.Data.Order == nil || ev.Data.Order.ID != sh.order.ID || ev.Data.TransactionID == nil || *ev.Data.TransactionID != ret.ID {
				t.Errorf("order.returned carries %+v", ev.Data)
			}
			deliverAll(t, s, got, torg.DeliveryResult{Status: 200}, torg.Now().Add(time.Minute))
		})
		t.Run("an event older than its retry period fails instead of waiting again", func(t *testing.T) {
			w := hook(t, s, torg.EventOrderCancelled)
			defer s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
			sh := newSaleShop(t, s)
			sh.update(t, func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, sh.order.ID); return err })
			late := torg.Now().Add(torg.WebhookRetryFor + time.Minute)
			got := claimAll(t, s, late)
			deliverAll(t, s, got, torg.DeliveryResult{Error: "connection refused"}, late)
			if again := claimAll(t, s, late.Add(2*torg.WebhookMaxBackoff)); len(again) != 0 {
				t.Fatalf("a failed delivery was claimed again: %+v", again)
			}
			var log torg.List[torg.WebhookDelivery]
			s.View(ctx, func(tx *store.Tx) (err error) {
				log, err = tx.WebhookDeliveries(ctx, w.ID, torg.DeliveryFailed, torg.Page{Limit: 10})
				return err
			})
			if len(log.Items) != 1 || log.Items[0].LastError == nil || *log.Items[0].LastError != "connection refused" {
				t.Fatalf("failed deliveries %+v", log.Items)
			}
		})
		t.Run("senders claiming at once never take one event twice", func(t *testing.T) {
			w := hook(t, s, torg.EventOrderCancelled)
			defer s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, w.ID) })
			for range 6 {
				sh := newSaleShop(t, s)
				sh.update(t, func(tx *store.Tx) error { _, err := tx.CancelOrder(ctx, sh.order.ID); return err })
			}
			later := torg.Now().Add(time.Minute)
			var mu sync.Mutex
			seen := map[string]int{}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					ds, err := s.ClaimWebhookDeliveries(ctx, later, time.Minute, 2)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					for _, d := range ds {
						seen[d.EventID]++
					}
					mu.Unlock()
				})
			}
			wg.Wait()
			for id, n := range seen {
				if n > 1 {
					t.Errorf("event %s was claimed %d times", id, n)
				}
			}
		})
	})
}
