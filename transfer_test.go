package torg

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ids makes document ids d1, d2, … in the order planning asks for them.
func ids() func() string {
	n := 0
	return func() string { n++; return "d" + strconv.Itoa(n) }
}

func TestPlanTransfer(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	desk, order := "DESK", "O1"
	sale := func(payments ...Payment) TransactionInput {
		return TransactionInput{ID: "T", ClosedAt: at, Total: 30000, Payments: payments,
			Lines: []TxLine{{ProductID: "P1", Quantity: 2000, Price: 10000, Amount: 20000}, {ProductID: "P2", Quantity: 1000, Price: 10000, Amount: 10000}}}
	}
	facts := func() TransferFacts {
		return TransferFacts{Retail: "RETAIL", Customers: map[string]string{order: "ANNA"},
			VAT: map[string]VATRate{"P1": "22", "P2": "none"}, NewID: ids()}
	}
	stock := []StockMove{{DocID: "d1", LineNo: 1, Date: at, WarehouseID: "W", ProductID: "P1", Quantity: -2000},
		{DocID: "d1", LineNo: 2, Date: at, WarehouseID: "W", ProductID: "P2", Quantity: -1000}}
	tests := []struct {
		name     string
		src      TransferSource
		customer string
		cash     *PlannedCashDoc
		card     *PlannedCardDoc
		cashMove []MoneyMove
		debt     []MoneyMove
	}{
		{
			name:     "a cash sale of an order into the register's cash desk charges the order's customer and pays it off",
			src:      TransferSource{ID: "T", RegisterCode: "K1", WarehouseID: "W", CashDeskID: &desk, OrderID: &order, In: sale(Payment{PaymentCash, 30000})},
			customer: "ANNA",
			cash:     &PlannedCashDoc{ID: "d2", Amount: 30000, Posted: true},
			cashMove: []MoneyMove{{DocID: "d2", Date: at, Owner: desk, Amount: 30000}},
			debt:     []MoneyMove{{DocID: "d1", Date: at, Owner: "ANNA", Amount: 30000}, {DocID: "d2", Date: at, Owner: "ANNA", Amount: -30000}},
		},
		{
			name:     "a register without a cash desk leaves the cash receipt unposted, and the debt open for it",
			src:      TransferSource{ID: "T", RegisterCode: "K1", WarehouseID: "W", In: sale(Payment{PaymentCash, 20000}, Payment{PaymentCard, 10000})},
			customer: "RETAIL",
			cash:     &PlannedCashDoc{ID: "d2", Amount: 20000, NotPostedReason: "register K1 has no cash desk"},
			card:     &PlannedCardDoc{ID: "d3", Amount: 10000},
			debt:     []MoneyMove{{DocID: "d1", Date: at, Owner: "RETAIL", Amount: 30000}, {DocID: "d3", Date: at, Owner: "RETAIL", Amount: -10000}},
		},
		{
			name:     "a sale detached from its order goes to the retail customer, paid by card",
			src:      TransferSource{ID: "T", RegisterCode: "K1", WarehouseID: "W", CashDeskID: &desk, OrderID: &order, Detached: true, In: sale(Payment{PaymentCard, 30000})},
			customer: "RETAIL",
			card:     &PlannedCardDoc{ID: "d2", Amount: 30000},
			debt:     []MoneyMove{{DocID: "d1", Date: at, Owner: "RETAIL", Amount: 30000}, {DocID: "d2", Date: at, Owner: "RETAIL", Amount: -30000}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanTransfer(tc.src, facts())
			if err != nil {
				t.Fatal(err)
			}
			if p.CustomerID != tc.customer {
				t.Errorf("customer %s, want %s", p.CustomerID, tc.customer)
			}
			wantLines := []PlannedLine{{1, 0, "P1", 2000, 10000, 0, 20000, "22", 3607}, {2, 0, "P2", 1000, 10000, 0, 10000, "none", 0}}
			if p.Invoice == nil || p.Invoice.ID != "d1" || !reflect.DeepEqual(p.Invoice.Lines, wantLines) || p.Invoice.VATTotal != 3607 {
				t.Errorf("invoice %+v", p.Invoice)
			}
			if p.CashReceipt != nil && tc.cash != nil && strings.HasPrefix(p.CashReceipt.NotPostedReason, tc.cash.NotPostedReason) {
				p.CashReceipt.NotPostedReason = tc.cash.NotPostedReason
			}
			if !reflect.DeepEqual(p.CashReceipt, tc.cash) || !reflect.DeepEqual(p.CardPayment, tc.card) {
				t.Errorf("cash %+v card %+v, want %+v %+v", p.CashReceipt, p.CardPayment, tc.cash, tc.card)
			}
			if !reflect.DeepEqual(p.Stock, stock) || !reflect.DeepEqual(p.Cash, tc.cashMove) || !reflect.DeepEqual(p.Debt, tc.debt) {
				t.Errorf("moves: stock %+v cash %+v debt %+v", p.Stock, p.Cash, p.Debt)
			}
		})
	}
}

func TestPlanTransferRefusesWhatCannotMakeDocuments(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	gone := "GONE"
	in := TransactionInput{ID: "T", ClosedAt: at, Total: 100, Payments: []Payment{{PaymentCash, 100}},
		Lines: []TxLine{{ProductID: "P1", Quantity: 1000, Price: 100, Amount: 100}}}
	facts := TransferFacts{Retail: "RETAIL", Customers: map[string]string{}, VAT: map[string]VATRate{}, NewID: ids()}
	if _, err := PlanTransfer(TransferSource{ID: "T", OrderID: &gone, In: in}, facts); err == nil || !strings.Contains(err.Error(), "order GONE") {
		t.Errorf("an order that does not exist: %v", err)
	}
	if _, err := PlanTransfer(TransferSource{ID: "T", In: in}, facts); err == nil || !strings.Contains(err.Error(), "product P1 of line 1") {
		t.Errorf("a product that does not exist: %v", err)
	}
}

// A cash in is a cash receipt order and a cash out a cash expense order on the register's cash desk,
// posted when it has one; without one they wait unposted with the reason. Neither moves a debt.
func TestPlanTransferOfCashInAndOut(t *testing.T) {
	desk := "DESK"
	n := 0
	facts := TransferFacts{Retail: "RETAIL", NewID: func() string { n++; return "doc" + strconv.Itoa(n) }}
	for _, c := range []struct {
		name     string
		kind     string
		desk     *string
		cash     Money // the desk's change
		receipt  bool
		posted   bool
		document string
	}{
		{"a cash in with a cash desk", KindCashIn, &desk, 5000, true, true, "receipt"},
		{"a cash out with a cash desk", KindCashOut, &desk, -5000, false, true, "expense"},
		{"a cash in without one", KindCashIn, nil, 0, true, false, "receipt"},
		{"a cash out without one", KindCashOut, nil, 0, false, false, "expense"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := TransferSource{ID: "T", RegisterCode: "K1", CashDeskID: c.desk, In: TransactionInput{Kind: c.kind, Total: 5000,
				Payments: []Payment{{PaymentCash, 5000}}}}
			p, err := PlanTransfer(src, facts)
			if err != nil {
				t.Fatal(err)
			}
			doc := p.CashExpense
			if c.receipt {
				doc = p.CashReceipt
			}
			if doc == nil || doc.Amount != 5000 || doc.Posted != c.posted || (doc.NotPostedReason == "") == !c.posted {
				t.Fatalf("the %s: %+v", c.document, doc)
			}
			var moved Money
			for _, m := range p.Cash {
				moved += m.Amount
			}
			if moved != c.cash || len(p.Debt) != 0 || len(p.Stock) != 0 || p.Invoice != nil || p.Return != nil || p.CustomerID != "" {
				t.Errorf("plan: %+v", p)
			}
		})
	}
}
