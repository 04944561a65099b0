package torg

import (
	"strings"
	"time"
	"unicode/utf8"
)

// GoodsReceipt is a goods receipt («Приходная накладная»): goods enter a warehouse. It is posted
// when made.
type GoodsReceipt struct {
	ID          string             `json:"id"`
	Number      string             `json:"number"`
	Date        time.Time          `json:"date"`
	WarehouseID string             `json:"warehouse_id"`
	Supplier    string             `json:"supplier"`
	Posted      bool               `json:"posted"`
	Lines       []GoodsReceiptLine `json:"lines"`
	TotalCost   Money              `json:"total_cost"`
}

// GoodsReceiptLine is one product received; cost is the price paid per unit.
type GoodsReceiptLine struct {
	LineNo    int      `json:"line_no"`
	ProductID string   `json:"product_id"`
	Quantity  Quantity `json:"quantity"`
	Cost      Money    `json:"cost"`
	Amount    Money    `json:"amount"`
}

// GoodsReceiptInput makes a goods receipt.
type GoodsReceiptInput struct {
	WarehouseID   string                  `json:"warehouse_id"`
	WarehouseCode string                  `json:"warehouse_code"`
	Supplier      string                  `json:"supplier"`
	Date          Opt[time.Time]          `json:"date"`
	Lines         []GoodsReceiptLineInput `json:"lines"`
}

// GoodsReceiptLineInput is a line of a goods receipt as a client sends it.
type GoodsReceiptLineInput struct {
	ProductID   string   `json:"product_id"`
	ProductCode string   `json:"product_code"`
	Quantity    Quantity `json:"quantity"`
	Cost        Money    `json:"cost"`
}

// Validate checks what can be checked without the database.
func (in *GoodsReceiptInput) Validate() error {
	var f Fields
	normal(&in.WarehouseCode)
	checkRef(&f, "warehouse", in.WarehouseID, in.WarehouseCode, true)
	in.Supplier = strings.TrimSpace(in.Supplier)
	if !printable(&in.Supplier) || utf8.RuneCountInString(in.Supplier) > maxNameLen {
		f.Add("supplier", "must be at most %d printable characters", maxNameLen)
	}
	if len(in.Lines) == 0 || len(in.Lines) > MaxOrderLines {
		f.Add("lines", "a goods receipt has 1 to %d lines", MaxOrderLines)
	}
	for i := range in.Lines {
		normal(&in.Lines[i].ProductCode)
		l, p := in.Lines[i], fieldIndex("lines", i)
		checkRef(&f, p+".product", l.ProductID, l.ProductCode, true)
		if l.Quantity <= 0 {
			f.Add(p+".quantity", "must be greater than 0")
		}
		if l.Cost < 0 {
			f.Add(p+".cost", "must not be negative")
		}
		if _, ok := LineAmount(l.Quantity, l.Cost, 0); !ok {
			f.Add(p+".quantity", "quantity × cost is too large")
		}
	}
	return f.Err()
}

// SalesInvoice is a sales invoice («Расходная накладная»): goods leave a warehouse for a customer.
// KKMTransfer makes one, posted, for each register transaction.
type SalesInvoice struct {
	ID            string      `json:"id"`
	Number        string      `json:"number"`
	Date          time.Time   `json:"date"`
	Posted        bool        `json:"posted"`
	OrderID       *string     `json:"order_id"`
	TransactionID string      `json:"transaction_id"`
	RegisterID    string      `json:"register_id"`
	CustomerID    string      `json:"customer_id"`
	WarehouseID   string      `json:"warehouse_id"`
	Lines         []OrderLine `json:"lines"`
	Total         Money       `json:"total"`
	VATTotal      Money       `json:"vat_total"`
}

// Purposes of a cash receipt order.
const (
	PurposeSale   = "sale"    // cash taken for a sale
	PurposeCashIn = "cash_in" // cash put into a till («Внесение»)
)

// CashReceipt is a cash receipt order («Приходный кассовый ордер»): cash enters a cash desk. It is
// posted only into a cash desk; without one it waits with a reason. A sale's has the sale's customer
// and sales invoice; a cash in's has neither.
type CashReceipt struct {
	ID              string    `json:"id"`
	Number          string    `json:"number"`
	Date            time.Time `json:"date"`
	Posted          bool      `json:"posted"`
	NotPostedReason *string   `json:"not_posted_reason"`
	Purpose         string    `json:"purpose"` // "sale" or "cash_in"
	CashDeskID      *string   `json:"cash_desk_id"`
	CustomerID      *string   `json:"customer_id"`
	SalesInvoiceID  *string   `json:"sales_invoice_id"`
	OrderID         *string   `json:"order_id"`
	TransactionID   string    `json:"transaction_id"`
	Amount          Money     `json:"amount"`
	Counterpart     string    `json:"counterpart"` // where a cash in's money came from
	Comment         string    `json:"comment"`     // the cashier's comment on a cash in
}

// CardPayment is the card part of a sale.
type CardPayment struct {
	ID             string    `json:"id"`
	Number         string    `json:"number"`
	Date           time.Time `json:"date"`
	Posted         bool      `json:"posted"`
	CustomerID     string    `json:"customer_id"`
	SalesInvoiceID string    `json:"sales_invoice_id"`
	TransactionID  string    `json:"transaction_id"`
	Amount         Money     `json:"amount"`
}

// ReturnLine is a line of a customer return: the sale's line it returns, with the quantity returned.
type ReturnLine struct {
	OrderLine
	SaleLineNo int `json:"sale_line_no"`
}

// CustomerReturn is a customer return («Возврат товаров от покупателя»): goods come back into the
// register's warehouse and the customer's debt falls. KKMTransfer makes one, posted, for each return.
type CustomerReturn struct {
	ID                    string       `json:"id"`
	Number                string       `json:"number"`
	Date                  time.Time    `json:"date"`
	Posted                bool         `json:"posted"`
	OrderID               *string      `json:"order_id"`
	SalesInvoiceID        string       `json:"sales_invoice_id"`
	TransactionID         string       `json:"transaction_id"`
	OriginalTransactionID string       `json:"original_transaction_id"`
	RegisterID            string       `json:"register_id"`
	CustomerID            string       `json:"customer_id"`
	WarehouseID           string       `json:"warehouse_id"`
	Lines                 []ReturnLine `json:"lines"`
	Total                 Money        `json:"total"`
	VATTotal              Money        `json:"vat_total"`
}

// Purposes of a cash expense order.
const (
	PurposeRefund  = "refund"   // cash paid back to a customer for a return
	PurposeCashOut = "cash_out" // cash taken out of a till («Выемка»)
)

// CashExpense is a cash expense order («Расходный кассовый ордер»): cash leaves a cash desk. It is
// posted only out of a cash desk; without one it waits with a reason.
type CashExpense struct {
	ID               string    `json:"id"`
	Number           string    `json:"number"`
	Date             time.Time `json:"date"`
	Posted           bool      `json:"posted"`
	NotPostedReason  *string   `json:"not_posted_reason"`
	Purpose          string    `json:"purpose"` // "refund" or "cash_out"
	CashDeskID       *string   `json:"cash_desk_id"`
	CustomerID       *string   `json:"customer_id"`
	CustomerReturnID *string   `json:"customer_return_id"`
	OrderID          *string   `json:"order_id"`
	TransactionID    string    `json:"transaction_id"`
	Amount           Money     `json:"amount"`
	Counterpart      string    `json:"counterpart"` // where a cash out's money went
	Comment          string    `json:"comment"`     // the cashier's comment on a cash out
}

// CardRefund is the card part of a return: money paid back to the customer's card.
type CardRefund struct {
	ID               string    `json:"id"`
	Number           string    `json:"number"`
	Date             time.Time `json:"date"`
	Posted           bool      `json:"posted"`
	CustomerID       string    `json:"customer_id"`
	CustomerReturnID string    `json:"customer_return_id"`
	TransactionID    string    `json:"transaction_id"`
	Amount           Money     `json:"amount"`
}

// TransferResult counts what one KKMTransfer run did.
type TransferResult struct {
	Processed          int `json:"processed"`
	SalesInvoices      int `json:"sales_invoices"`
	CashReceipts       int `json:"cash_receipts"`
	CashReceiptsPosted int `json:"cash_receipts_posted"`
	CardPayments       int `json:"card_payments"`
	CustomerReturns    int `json:"customer_returns"`
	CashExpenses       int `json:"cash_expenses"`
	CashExpensesPosted int `json:"cash_expenses_posted"`
	CardRefunds        int `json:"card_refunds"`
	Failed             int `json:"failed"`
	ConflictsWaiting   int `json:"conflicts_waiting"`
}

// Add adds the counts of another batch (conflicts waiting are a state, not a count: the latest wins).
func (r *TransferResult) Add(o TransferResult) {
	r.Processed += o.Processed
	r.SalesInvoices += o.SalesInvoices
	r.CashReceipts += o.CashReceipts
	r.CashReceiptsPosted += o.CashReceiptsPosted
	r.CardPayments += o.CardPayments
	r.CustomerReturns += o.CustomerReturns
	r.CashExpenses += o.CashExpenses
	r.CashExpensesPosted += o.CashExpensesPosted
	r.CardRefunds += o.CardRefunds
	r.Failed += o.Failed
	r.ConflictsWaiting = o.ConflictsWaiting
}

// JobRun is one run of a scheduled job.
type JobRun struct {
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at"`
	Result     *TransferResult `json:"result"`
	Error      *string         `json:"error"`
}

// JobStatus is a scheduled job's schedule and its last run.
type JobStatus struct {
	Every     string     `json:"every"`
	LastRun   *JobRun    `json:"last_run"`
	NextRunAt *time.Time `json:"next_run_at"`
	Runs      []JobRun   `json:"runs"`
}

// Resolution is what a person decided about a conflicting transaction.
type Resolution struct {
	Action  string `json:"action"`
	Comment string `json:"comment"`
}

// Resolution actions.
const (
	ResolveWithoutOrder = "process_without_order"
	ResolveIgnore       = "ignore"
	ResolveAccept       = "accept" // a mismatching sale, as it is, against its order
)

// Validate checks the action, and that ignoring says why.
func (r *Resolution) Validate() error {
	var f Fields
	switch r.Action {
	case ResolveWithoutOrder, ResolveAccept:
	case ResolveIgnore:
		if len(r.Comment) == 0 {
			f.Add("comment", "say why the transaction is ignored")
		}
	default:
		f.Add("action", `must be "accept", "process_without_order" or "ignore"`)
	}
	if !printableText(&r.Comment) || len(r.Comment) > maxCommentLen {
		f.Add("comment", "must be at most %d characters of text", maxCommentLen)
	}
	return f.Err()
}

// StockItem is a product's stock in a warehouse.
type StockItem struct {
	WarehouseID string   `json:"warehouse_id"`
	ProductID   string   `json:"product_id"`
	ProductCode string   `json:"product_code"`
	OnHand      Quantity `json:"on_hand"`
	Reserved    Quantity `json:"reserved"`
	Available   Quantity `json:"available"`
}

// CashItem is a cash desk's balance.
type CashItem struct {
	CashDeskID string `json:"cash_desk_id"`
	Balance    Money  `json:"balance"`
}

// DebtItem is what a customer owes: posted invoices minus posted cash receipts and card payments.
type DebtItem struct {
	CustomerID string `json:"customer_id"`
	Debt       Money  `json:"debt"`
}

// Report is a report's rows.
type Report[T any] struct {
	Items []T `json:"items"`
}

// CheckCounterpart checks where a cash in's money came from or a cash out's went, as staff write it:
// at most 255 printable characters, trimmed.
func CheckCounterpart(s *string) error {
	*s = strings.TrimSpace(*s)
	if !printable(s) || len(*s) > maxNameLen {
		return Invalid("counterpart", "must be at most %d printable characters", maxNameLen)
	}
	return nil
}
