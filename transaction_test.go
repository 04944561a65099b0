package torg

import (
	"math"
	"testing"
	"time"
)

// validTx is a well-formed one-line receipt of 300.00 paid in cash.
func validTx() TransactionInput {
	return TransactionInput{ID: "0190c7a2-8b7e-7c1d-9a4f-3e2b1c0d9e8f", ShiftNumber: 1, ReceiptNumber: 1,
		ClosedAt: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), Cashier: "Иванова",
		Lines:    []TxLine{{ProductID: "p1", Quantity: 2000, Price: 15000, Amount: 30000}},
		Payments: []Payment{{Type: PaymentCash, Amount: 30000}}, Total: 30000}
}

// fieldsOf lists the fields a validation error names.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Code != CodeValidation {
		t.Fatalf("want a validation error, got %v", err)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestTransactionSumsThatOverflowAreRefusedNotWrapped(t *testing.T) {
	t.Run("payments whose sum leaves int64 are named, though they wrap around to the total", func(t *testing.T) {
		in := validTx()
		// 2^63 − 1 and 2^63 − 1 + 30000 + 2 wrap around to exactly 30000.
		in.Payments = []Payment{{Type: PaymentCard, Amount: math.MaxInt64}, {Type: PaymentCard, Amount: 30000 + 2}, {Type: PaymentCard, Amount: math.MaxInt64}}
		f := fieldsOf(t, in.Validate())
		if _, ok := f["payments"]; !ok {
			t.Fatalf("the payments' overflowing sum is not named: %v", f)
		}
	})
	t.Run("lines whose amounts sum beyond int64 are named, though they wrap around to the total", func(t *testing.T) {
		in := validTx()
		big := Money(math.MaxInt64)
		// Lines made by hand (not from JSON) can carry amounts beyond MaxMoney; each is checked
		// against its quantity and price, and their sum must not wrap around either.
		// 2 × (2^63 − 1) + 30002 wraps around to exactly the total, 30000.
		in.Lines = []TxLine{{ProductID: "p1", Quantity: 1000, Price: 30000, Discount: 30000 - big, Amount: big},
			{ProductID: "p1", Quantity: 1000, Price: 0, Discount: -big, Amount: big}, {ProductID: "p1", Quantity: 1000, Price: 30002, Amount: 30002}}
		f := fieldsOf(t, in.Validate())
		if _, ok := f["total"]; !ok {
			t.Fatalf("the lines' overflowing sum is not named: %v", f)
		}
	})
	t.Run("a well-formed receipt passes", func(t *testing.T) {
		in := validTx()
		if err := in.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestReceiptQR(t *testing.T) {
	at := time.Date(2026, 3, 15, 14, 30, 59, 0, time.Local)
	f := Fiscal{FN: "9999078900012345", FD: 1234, FP: "2751032817"}
	if got, want := ReceiptQR(at, 351940, f, false), "t=20260315T1430&s=3519.40&fn=9999078900012345&i=1234&fp=2751032817&n=1"; got != want {
		t.Errorf("sale: %q, want %q", got, want)
	}
	if got, want := ReceiptQR(at.UTC(), 5, f, true), "t=20260315T1430&s=0.05&fn=9999078900012345&i=1234&fp=2751032817&n=2"; got != want {
		t.Errorf("refund, written in the till's zone: %q, want %q", got, want)
	}
}
