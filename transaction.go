package torg

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// TxState is where a register transaction stands with KKMTransfer.
type TxState string

// Transaction states.
const (
	TxNew       TxState = "new"       // waiting for KKMTransfer
	TxProcessed TxState = "processed" // its documents are posted
	TxConflict  TxState = "conflict"  // needs a person: see ConflictReason
	TxFailed    TxState = "failed"    // KKMTransfer could not process it; retried on every run
	TxIgnored   TxState = "ignored"   // a person decided it makes no documents
)

// Conflict reasons: why a closed receipt could not sell its order.
const (
	ConflictUnknownOrder = "unknown_order"
	ConflictAlreadySold  = "already_sold"
	ConflictCancelled    = "cancelled"
	ConflictNotOffered   = "not_offered"
	ConflictMismatch     = "mismatch"      // the receipt differs from its order: see CompareSale
	ConflictOverReturn   = "over_return"   // a return of more than its sale has left: see CheckReturn
	ConflictUnknownSale  = "unknown_sale"  // a return of a sale this register's warehouse does not know
	ConflictOverCashOut  = "over_cash_out" // a cash out of more than the drawer's expected cash: see DrawerCash
)

// Kinds of transaction.
const (
	KindSale    = "sale"     // goods sold
	KindReturn  = "return"   // goods a customer brought back («Возврат прихода»), money paid back
	KindCashIn  = "cash_in"  // cash put into the drawer («Внесение»)
	KindCashOut = "cash_out" // cash taken out of the drawer («Выемка»)
)

// TxKinds lists the kinds of transaction.
var TxKinds = []string{KindSale, KindReturn, KindCashIn, KindCashOut}

// IsCashMove reports whether the kind moves cash only, with no goods: a cash in or a cash out.
func IsCashMove(kind string) bool { return kind == KindCashIn || kind == KindCashOut }

// Payment types.
const (
	PaymentCash = "cash"
	PaymentCard = "card"
)

// Transaction is a closed receipt a register uploaded («Транзакция ККМ»), with what the back office
// made of it.
type Transaction struct {
	TransactionInput
	Kind string `json:"kind"` // "sale", "return", "cash_in" or "cash_out"
	// OriginalTransactionID, Comment and Counterpart repeat the input's, sent always (null, "") rather
	// than left out.
	OriginalTransactionID *string      `json:"original_transaction_id"`
	Comment               string       `json:"comment"`
	Counterpart           string       `json:"counterpart"`
	Partial               bool         `json:"partial"`    // sold less than its order (docs/API.md, «A sale compared with its order»)
	Mismatches            []FieldError `json:"mismatches"` // where a sale differs from its order
	RegisterID            string       `json:"register_id"`
	State                 TxState      `json:"state"`
	ConflictReason        *string      `json:"conflict_reason"`
	Error                 *string      `json:"error"`
	ReceivedAt            time.Time    `json:"received_at"`
	SalesInvoiceID        *string      `json:"sales_invoice_id"`
	CashReceiptID         *string      `json:"cash_receipt_id"`
	CardPaymentID         *string      `json:"card_payment_id"`
	// CustomerReturnID, CashExpenseID and CardRefundID are a return's documents (a cash out has a cash
	// expense order only, a cash in a cash receipt order only).
	CustomerReturnID *string     `json:"customer_return_id"`
	CashExpenseID    *string     `json:"cash_expense_id"`
	CardRefundID     *string     `json:"card_refund_id"`
	Resolution       *Resolution `json:"resolution"` // what a person decided about a conflict
}

// TransactionInput is a closed receipt as a register uploads it. Its id is made by the register
// before the first attempt, so that every retry is recognised.
type TransactionInput struct {
	ID   string `json:"id"`
	Kind string `json:"kind,omitempty"` // "sale", the default, stored as ""
	// OriginalTransactionID is the sale a return refunds.
	OriginalTransactionID *string   `json:"original_transaction_id,omitempty"`
	OrderID               *string   `json:"order_id"`
	OrderVersion          *int64    `json:"order_version"`
	ShiftNumber           int64     `json:"shift_number"`
	ReceiptNumber         int64     `json:"receipt_number"`
	ClosedAt              time.Time `json:"closed_at"`
	Cashier               string    `json:"cashier"`
	Lines                 []TxLine  `json:"lines"`
	Payments              []Payment `json:"payments"`
	Total                 Money     `json:"total"`
	Fiscal                *Fiscal   `json:"fiscal"`
	// Comment is what the cashier wrote on a cash in or cash out.
	Comment string `json:"comment,omitempty"`
	// Counterpart is where a cash in's money came from or a cash out's went (the store's main cash
	// desk, the bank), as the cashier chose it; staff may fill it in later in the back office.
	Counterpart string `json:"counterpart,omitempty"`
}

// TxLine is a line of a receipt.
type TxLine struct {
	LineNo    int      `json:"line_no,omitempty"` // a return's line: the line of the sale it returns
	ProductID string   `json:"product_id"`
	Quantity  Quantity `json:"quantity"`
	Price     Money    `json:"price"`
	Discount  Money    `json:"discount"`
	Amount    Money    `json:"amount"`
}

// Payment is a part of a receipt's total paid one way.
type Payment struct {
	Type   string `json:"type"`
	Amount Money  `json:"amount"`
}

// Fiscal is the fiscal data of a receipt (54-ФЗ): fiscal drive number ФН, fiscal document number ФД
// and fiscal sign ФП. (fn, fd) identifies a fiscal document.
type Fiscal struct {
	FN string `json:"fn"`
	FD int64  `json:"fd"`
	FP string `json:"fp"`
}

// Validate checks the receipt's arithmetic and shape (docs/API.md, «The register channel»); that products exist is the
// store's to check.
func (in *TransactionInput) Validate() error {
	var f Fields
	if u, err := uuid.Parse(in.ID); err != nil || u.String() != strings.ToLower(in.ID) {
		f.Add("id", "must be a UUID the register made before the first attempt")
	} else {
		in.ID = u.String()
	}
	switch in.Kind {
	case "", KindSale:
		in.Kind = "" // the default, so that a retry that leaves it out is the same content
	case KindReturn, KindCashIn, KindCashOut:
	default:
		f.Add("kind", `must be "sale", "return", "cash_in" or "cash_out"`)
	}
	if in.OrderID != nil && (*in.OrderID == "" || in.Kind != "") {
		f.Add("order_id", "must be an order's id, or null for a sale without an order; only a sale has one")
	}
	in.checkKind(&f)
	if in.ShiftNumber < 1 {
		f.Add("shift_number", "must be a positive integer")
	}
	if in.ReceiptNumber < 1 {
		f.Add("receipt_number", "must be a positive integer")
	}
	if in.ClosedAt.IsZero() {
		f.Add("closed_at", "is required: when the receipt was closed, RFC 3339")
	}
	in.ClosedAt = in.ClosedAt.UTC().Truncate(time.Microsecond)
	if !printable(&in.Cashier) || len(in.Cashier) > maxNameLen {
		f.Add("cashier", "must be at most %d printable characters", maxNameLen)
	}
	if IsCashMove(in.Kind) {
		in.checkCashMove(&f)
	} else {
		in.checkLines(&f)
	}
	in.checkPayments(&f)
	if in.Fiscal != nil && (!printable(&in.Fiscal.FP) || in.Fiscal.FN == "" || len(in.Fiscal.FN) > 32 || !allDigits(in.Fiscal.FN) || in.Fiscal.FD < 1 || len(in.Fiscal.FP) > 32) {
		f.Add("fiscal", "needs fn (digits), fd (a positive integer) and fp")
	}
	return f.Err()
}

// checkKind checks what a return, a cash in and a cash out carry besides a sale's fields.
func (in *TransactionInput) checkKind(f *Fields) {
	if in.Kind == KindReturn {
		if in.OriginalTransactionID == nil || *in.OriginalTransactionID == "" {
			f.Add("original_transaction_id", "is required: the sale the return refunds")
		}
	} else if in.OriginalTransactionID != nil {
		f.Add("original_transaction_id", "only a return names the sale it refunds")
	}
	if in.Comment != "" && !IsCashMove(in.Kind) || !printable(&in.Comment) || len(in.Comment) > maxCommentLen {
		f.Add("comment", "only a cash in or cash out has a comment, of at most %d printable characters", maxCommentLen)
	}
	if in.Counterpart != "" && !IsCashMove(in.Kind) || !printable(&in.Counterpart) || len(in.Counterpart) > maxNameLen {
		f.Add("counterpart", "only a cash in or cash out names its counterpart, in at most %d printable characters", maxNameLen)
	}
	seen := map[int]bool{}
	for i, l := range in.Lines {
		switch {
		case in.Kind != KindReturn && l.LineNo != 0:
			f.Add(fieldIndex("lines", i)+".line_no", "only a return's line names the line of its sale")
		case in.Kind == KindReturn && (l.LineNo < 1 || seen[l.LineNo]):
			f.Add(fieldIndex("lines", i)+".line_no", "must be a line of the sale, each at most once")
		}
		seen[l.LineNo] = true
	}
}

// checkCashMove checks a cash in or cash out: no lines, an amount (the total) above zero, paid in
// cash.
func (in *TransactionInput) checkCashMove(f *Fields) {
	if len(in.Lines) > 0 {
		f.Add("lines", "a cash in or cash out has no lines")
	}
	if in.Total <= 0 {
		f.Add("total", "must be greater than 0")
	}
	for i, p := range in.Payments {
		if p.Type != PaymentCash {
			f.Add(fieldIndex("payments", i)+".type", `a cash in or cash out is paid in "cash"`)
		}
	}
}

// DrawerCash is the cash a shift's transactions leave in the drawer: the cash taken for sales and put
// in, less the cash paid back for returns and taken out. Cash given back as change is not in a sale's
// payments, so it needs no subtracting.
func DrawerCash(txs []TransactionInput) Money {
	var sum Money
	for _, t := range txs {
		switch t.Kind {
		case "", KindSale, KindCashIn:
			sum += t.Paid(PaymentCash)
		case KindReturn, KindCashOut:
			sum -= t.Paid(PaymentCash)
		}
	}
	return sum
}

func (in *TransactionInput) checkLines(f *Fields) {
	if len(in.Lines) == 0 || len(in.Lines) > MaxOrderLines {
		f.Add("lines", "a receipt has 1 to %d lines", MaxOrderLines)
	}
	var sum Money
	overflow := false
	for i, l := range in.Lines {
		p := fieldIndex("lines", i)
		if l.ProductID == "" {
			f.Add(p+".product_id", "is required")
		}
		if l.Quantity <= 0 {
			f.Add(p+".quantity", "must be greater than 0")
		}
		if l.Price < 0 || l.Discount < 0 {
			f.Add(p+".price", "price and discount must not be negative")
		}
		if want, ok := LineAmount(l.Quantity, l.Price, l.Discount); !ok || want != l.Amount || want < 0 {
			f.Add(p+".amount", "must be round(quantity × price) − discount = %d", want)
		}
		if s, ok := sum.Plus(l.Amount); ok && !overflow {
			sum = s
		} else {
			overflow = true
		}
	}
	switch {
	case overflow:
		f.Add("total", "the lines' amounts add up beyond any amount")
	case sum != in.Total:
		f.Add("total", "must be the sum of the lines' amounts, %d", sum)
	}
}

func (in *TransactionInput) checkPayments(f *Fields) {
	if len(in.Payments) == 0 || len(in.Payments) > 20 {
		f.Add("payments", "a receipt has 1 to 20 payments")
	}
	var paid Money
	overflow := false
	for i, p := range in.Payments {
		if p.Type != PaymentCash && p.Type != PaymentCard {
			f.Add(fieldIndex("payments", i)+".type", `must be "cash" or "card"`)
		}
		if p.Amount <= 0 {
			f.Add(fieldIndex("payments", i)+".amount", "must be greater than 0")
		}
		if s, ok := paid.Plus(p.Amount); ok && !overflow {
			paid = s
		} else {
			overflow = true
		}
	}
	switch {
	case overflow:
		f.Add("payments", "add up beyond any amount")
	case paid != in.Total:
		f.Add("payments", "must add up to the total, %d; they add up to %d", in.Total, paid)
	}
}

// Paid sums the payments of one type.
func (in *TransactionInput) Paid(kind string) Money {
	var sum Money
	for _, p := range in.Payments {
		if p.Type == kind {
			sum += p.Amount
		}
	}
	return sum
}

// ReceiptQR is the text of a receipt's QR code as 54-ФЗ prints it: the time of the receipt to the
// minute in the till's zone (t), the total in roubles (s), the fiscal drive (fn), the fiscal document
// (i), the fiscal sign (fp) and the settlement sign (n: 1 a sale, 2 a refund). It is what the
// cashier screen's «Возврат» finds a sale by.
func ReceiptQR(closedAt time.Time, total Money, f Fiscal, refund bool) string {
	n := "1"
	if refund {
		n = "2"
	}
	return "t=" + closedAt.Local().Format("20060102T1504") + "&s=" + total.String() + "&fn=" + f.FN +
		"&i=" + strconv.FormatInt(f.FD, 10) + "&fp=" + f.FP + "&n=" + n
}
