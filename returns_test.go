package torg

import (
	"testing"
	"time"
)

func TestAReturnsShapeIsChecked(t *testing.T) {
	orig := "0199aaaa-0000-7000-8000-000000000000"
	base := func() TransactionInput {
		return TransactionInput{ID: "0199aaaa-0000-7000-8000-000000000001", Kind: KindReturn, OriginalTransactionID: &orig, ShiftNumber: 1,
			ReceiptNumber: 1, ClosedAt: time.Now(), Total: 100, Payments: []Payment{{PaymentCash, 100}},
			Lines: []TxLine{{LineNo: 1, ProductID: "P", Quantity: 1000, Price: 100, Amount: 100}}}
	}
	if err := func() *TransactionInput { in := base(); return &in }().Validate(); err != nil {
		t.Fatalf("a well-formed return: %v", err)
	}
	for name, c := range map[string]struct {
		change func(*TransactionInput)
		field  string
	}{
		"a return without its sale":         {func(in *TransactionInput) { in.OriginalTransactionID = nil }, "original_transaction_id"},
		"a return line without its line_no": {func(in *TransactionInput) { in.Lines[0].LineNo = 0 }, "lines[0].line_no"},
		"a sale naming a sale":              {func(in *TransactionInput) { in.Kind = KindSale; in.Lines[0].LineNo = 0 }, "original_transaction_id"},
		"a sale line naming a line":         {func(in *TransactionInput) { in.Kind, in.OriginalTransactionID = KindSale, nil }, "lines[0].line_no"},
		"a kind no till makes":              {func(in *TransactionInput) { in.Kind = "refund" }, "kind"},
		"a cash in with lines":              {func(in *TransactionInput) { in.Kind, in.OriginalTransactionID, in.Lines[0].LineNo = KindCashIn, nil, 0 }, "lines"},
		"a refund not adding up":            {func(in *TransactionInput) { in.Payments[0].Amount = 90 }, "payments"},
		"a negative refund":                 {func(in *TransactionInput) { in.Payments[0].Amount = -100 }, "payments[0].amount"},
	} {
		in := base()
		c.change(&in)
		err, _ := in.Validate().(*Error)
		found := false
		for _, f := range returnFields(err) {
			found = found || f.Field == c.field
		}
		if !found {
			t.Errorf("%s: %v, want %s named", name, err, c.field)
		}
	}
}

func returnFields(err *Error) []FieldError {
	if err == nil {
		return nil
	}
	return err.Fields
}

func TestReturnsOfALineAddUpToItsAmount(t *testing.T) {
	sale := &TransactionInput{Lines: []TxLine{{ProductID: "P", Quantity: 3000, Price: 1000, Discount: 100, Amount: 2900}}}
	returned := ReturnedSoFar{}
	var refunded Money
	for range 3 {
		l := ReturnPart(sale, returned, 1, 1000)
		if bad := CheckReturn(sale, &TransactionInput{Lines: []TxLine{l}}, returned); len(bad) > 0 {
			t.Fatalf("%+v: %v", l, bad)
		}
		refunded += l.Amount
		returned = Returned([]TransactionInput{{Lines: append([]TxLine{{LineNo: 1, Quantity: returned[1].Quantity, Amount: returned[1].Amount}}, l)}})
	}
	if refunded != 2900 || len(Returnable(sale, returned)) != 0 {
		t.Errorf("three returns of one refunded %d, want the line's 29.00; left %v", refunded, Returnable(sale, returned))
	}
	if bad := CheckReturn(sale, &TransactionInput{Lines: []TxLine{{LineNo: 1, ProductID: "P", Quantity: 1, Price: 1000, Amount: 1}}}, returned); len(bad) != 1 {
		t.Errorf("a return beyond the whole line: %v", bad)
	}
}

// The returns of a sale are summed from the JSON their transactions are kept as, by the sale's line
// numbers; a body that is not a transaction is an error, not a return of nothing.
func TestReturnsAreSummedFromTheirStoredBodies(t *testing.T) {
	got, err := ReturnedOf([]string{
		`{"lines":[{"line_no":1,"quantity":1,"amount":100},{"line_no":2,"quantity":0.5,"amount":40}]}`,
		`{"lines":[{"line_no":1,"quantity":2,"amount":200}]}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ReturnedSoFar{1: {Quantity: 3000, Amount: 300}, 2: {Quantity: 500, Amount: 40}}
	if len(got) != len(want) || got[1].Quantity != want[1].Quantity || got[1].Amount != want[1].Amount ||
		got[2].Quantity != want[2].Quantity || got[2].Amount != want[2].Amount {
		t.Errorf("returned %+v, want %+v", got, want)
	}
	if _, err := ReturnedOf([]string{`{"lines":`}); err == nil {
		t.Error("a broken body summed without an error")
	}
}
