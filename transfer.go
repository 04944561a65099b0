package torg

import (
	"fmt"
	"time"
)

// KKMTransfer's rules (docs/API.md, «KKMTransfer»): what documents and balance movements one register
// transaction makes. PlanTransfer is a pure function of the transaction and the few facts read for
// it; the store numbers the plan's documents and writes them.

// TransferSource is a transaction waiting for KKMTransfer, with its register.
type TransferSource struct {
	ID           string
	RegisterID   string
	RegisterCode string
	WarehouseID  string  // the register's warehouse
	CashDeskID   *string // the register's cash desk, nil when it has none
	OrderID      *string // the order the receipt names
	Detached     bool    // a person decided to process it without its order
	In           TransactionInput
}

// Sells reports whether the transaction sells (and so closes) its order.
func (s *TransferSource) Sells() bool { return s.OrderID != nil && !s.Detached }

// TransferFacts is what planning needs besides the transaction: read by the store, for a whole batch.
type TransferFacts struct {
	Retail    string              // the retail customer's id
	Customers map[string]string   // an order's id → its customer's id
	VAT       map[string]VATRate  // a product's id → its VAT rate
	Sales     map[string]SaleDocs // a sale's transaction id → its documents, for the returns of it
	NewID     func() string       // makes a document's id
}

// SaleDocs is what a return needs of the sale it refunds: its sales invoice, customer and order.
type SaleDocs struct {
	InvoiceID  string
	CustomerID string
	OrderID    *string
}

// StockMove is a change of a product's stock in a warehouse by one document line.
type StockMove struct {
	DocID       string
	LineNo      int
	Date        time.Time
	WarehouseID string
	ProductID   string
	Quantity    Quantity // positive in, negative out
}

// MoneyMove is a document's change of a money balance: cash in a cash desk, or a customer's debt
// (positive: the customer owes more).
type MoneyMove struct {
	DocID  string
	Date   time.Time
	Owner  string // the cash desk or the customer
	Amount Money
}

// PlannedLine is a line of a planned goods document.
type PlannedLine struct {
	LineNo     int
	SaleLineNo int // a customer return's line: the line of the sale it returns
	ProductID  string
	Quantity   Quantity
	Price      Money
	Discount   Money
	Amount     Money
	VATRate    VATRate
	VATAmount  Money
}

// PlannedInvoice is a planned sales invoice («Расходная накладная»), posted.
type PlannedInvoice struct {
	ID       string
	Number   int64 // given by the store
	Lines    []PlannedLine
	VATTotal Money
}

// PlannedReturn is a planned customer return («Возврат товаров от покупателя»), posted.
type PlannedReturn struct {
	ID       string
	Number   int64
	Sale     SaleDocs
	Lines    []PlannedLine
	VATTotal Money
}

// PlannedCashDoc is a planned cash document on the register's cash desk: a cash receipt order for a
// sale's cash part or a cash in, a cash expense order for a return's cash part or a cash out. Posted
// is false when the register has no cash desk; NotPostedReason then says so.
type PlannedCashDoc struct {
	ID              string
	Number          int64
	Amount          Money
	Posted          bool
	NotPostedReason string
}

// PlannedCardDoc is a planned card document, posted: a card payment for a sale's card part, a card
// refund for a return's.
type PlannedCardDoc struct {
	ID     string
	Number int64
	Amount Money
}

// TransferPlan is what KKMTransfer makes of one transaction: its documents (nil when it makes none of
// a kind), the movements of stock, cash and debts they post, and the customer they are for.
type TransferPlan struct {
	Source      TransferSource
	CustomerID  string
	Invoice     *PlannedInvoice
	CashReceipt *PlannedCashDoc
	CardPayment *PlannedCardDoc
	Return      *PlannedReturn
	CashExpense *PlannedCashDoc
	CardRefund  *PlannedCardDoc
	Stock       []StockMove
	Cash        []MoneyMove
	Debt        []MoneyMove
}

// Count adds the plan's documents to a run's result.
func (p *TransferPlan) Count(res *TransferResult) {
	res.Processed++
	if p.Invoice != nil {
		res.SalesInvoices++
	}
	if p.CashReceipt != nil {
		res.CashReceipts++
		if p.CashReceipt.Posted {
			res.CashReceiptsPosted++
		}
	}
	if p.CardPayment != nil {
		res.CardPayments++
	}
	if p.Return != nil {
		res.CustomerReturns++
	}
	if p.CashExpense != nil {
		res.CashExpenses++
		if p.CashExpense.Posted {
			res.CashExpensesPosted++
		}
	}
	if p.CardRefund != nil {
		res.CardRefunds++
	}
}

// PlanTransfer works out one transaction's documents and movements, without their numbers. A sale
// makes a posted sales invoice dated closed_at for the register's warehouse and the order's customer
// (or the retail customer), taking stock out (it may go negative: the goods have left) and raising
// the customer's debt; a cash receipt order for the cash part, posted into the register's cash desk
// when it has one (cash in, debt down); a posted card payment for the card part (debt down).
//
// A cash in makes a cash receipt order (purpose cash_in) and a cash out a cash expense order (purpose
// cash_out) for its amount, on the register's cash desk, posted when it has one (its balance rises or
// falls); neither has a customer, so no debt moves.
//
// A return makes a posted customer return into the register's warehouse for the sale's customer,
// against the sale's invoice (stock in, debt down); a cash expense order for the cash paid back, out of
// the register's cash desk when it has one (cash out, debt up); a posted card refund for the card
// part (debt up). A return waits for its sale's invoice: until the sale is processed it fails, and is
// tried again on every run.
func PlanTransfer(src TransferSource, facts TransferFacts) (*TransferPlan, error) {
	p := &TransferPlan{Source: src, CustomerID: facts.Retail}
	switch src.In.Kind {
	case KindReturn:
		return p, p.planReturn(facts)
	case KindCashIn, KindCashOut:
		p.CustomerID = ""
		p.planCashMove(facts)
		return p, nil
	}
	if src.Sells() {
		c, ok := facts.Customers[*src.OrderID]
		if !ok {
			return nil, fmt.Errorf("the transaction's order %s does not exist", *src.OrderID)
		}
		p.CustomerID = c
	}
	return p, p.planSale(facts)
}

func (p *TransferPlan) planSale(facts TransferFacts) error {
	src, date := &p.Source, p.Source.In.ClosedAt
	inv := &PlannedInvoice{ID: facts.NewID()}
	for i, l := range src.In.Lines {
		rate, ok := facts.VAT[l.ProductID]
		if !ok {
			return fmt.Errorf("product %s of line %d does not exist", l.ProductID, i+1)
		}
		v := rate.VATAmount(l.Amount)
		inv.VATTotal += v
		inv.Lines = append(inv.Lines, PlannedLine{LineNo: i + 1, ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price,
			Discount: l.Discount, Amount: l.Amount, VATRate: rate, VATAmount: v})
		p.Stock = append(p.Stock, StockMove{DocID: inv.ID, LineNo: i + 1, Date: date, WarehouseID: src.WarehouseID,
			ProductID: l.ProductID, Quantity: -l.Quantity})
	}
	p.Invoice = inv
	p.Debt = append(p.Debt, MoneyMove{DocID: inv.ID, Date: date, Owner: p.CustomerID, Amount: src.In.Total})
	if cash := src.In.Paid(PaymentCash); cash > 0 {
		p.CashReceipt = p.cashDoc(facts.NewID(), cash)
		if p.CashReceipt.Posted {
			p.Cash = append(p.Cash, MoneyMove{DocID: p.CashReceipt.ID, Date: date, Owner: *src.CashDeskID, Amount: cash})
			p.Debt = append(p.Debt, MoneyMove{DocID: p.CashReceipt.ID, Date: date, Owner: p.CustomerID, Amount: -cash})
		}
	}
	if card := src.In.Paid(PaymentCard); card > 0 {
		p.CardPayment = &PlannedCardDoc{ID: facts.NewID(), Amount: card}
		p.Debt = append(p.Debt, MoneyMove{DocID: p.CardPayment.ID, Date: date, Owner: p.CustomerID, Amount: -card})
	}
	return nil
}

// cashDoc is a cash document on the register's cash desk: posted when the register has one, else
// saved unposted with the reason.
func (p *TransferPlan) cashDoc(id string, amount Money) *PlannedCashDoc {
	d := &PlannedCashDoc{ID: id, Amount: amount, Posted: p.Source.CashDeskID != nil}
	if !d.Posted {
		d.NotPostedReason = fmt.Sprintf("register %s has no cash desk for recording operations («Наличная касса для отражения операций»); post it into a cash desk by hand",
			p.Source.RegisterCode)
	}
	return d
}

// planCashMove plans a cash in's cash receipt order or a cash out's cash expense order.
func (p *TransferPlan) planCashMove(facts TransferFacts) {
	src := &p.Source
	amount := src.In.Paid(PaymentCash)
	doc := p.cashDoc(facts.NewID(), amount)
	if src.In.Kind == KindCashIn {
		p.CashReceipt = doc
	} else {
		p.CashExpense, amount = doc, -amount
	}
	if doc.Posted {
		p.Cash = append(p.Cash, MoneyMove{DocID: doc.ID, Date: src.In.ClosedAt, Owner: *src.CashDeskID, Amount: amount})
	}
}

func (p *TransferPlan) planReturn(facts TransferFacts) error {
	src, date := &p.Source, p.Source.In.ClosedAt
	sale, ok := facts.Sales[*src.In.OriginalTransactionID]
	if !ok {
		return fmt.Errorf("the sale it returns, transaction %s, has no sales invoice yet; it is tried again on every run", *src.In.OriginalTransactionID)
	}
	p.CustomerID = sale.CustomerID
	ret := &PlannedReturn{ID: facts.NewID(), Sale: sale}
	for i, l := range src.In.Lines {
		rate, ok := facts.VAT[l.ProductID]
		if !ok {
			return fmt.Errorf("product %s of line %d does not exist", l.ProductID, i+1)
		}
		v := rate.VATAmount(l.Amount)
		ret.VATTotal += v
		ret.Lines = append(ret.Lines, PlannedLine{LineNo: i + 1, SaleLineNo: l.LineNo, ProductID: l.ProductID, Quantity: l.Quantity,
			Price: l.Price, Discount: l.Discount, Amount: l.Amount, VATRate: rate, VATAmount: v})
		p.Stock = append(p.Stock, StockMove{DocID: ret.ID, LineNo: i + 1, Date: date, WarehouseID: src.WarehouseID,
			ProductID: l.ProductID, Quantity: l.Quantity})
	}
	p.Return = ret
	p.Debt = append(p.Debt, MoneyMove{DocID: ret.ID, Date: date, Owner: p.CustomerID, Amount: -src.In.Total})
	if cash := src.In.Paid(PaymentCash); cash > 0 {
		p.CashExpense = p.cashDoc(facts.NewID(), cash)
		if p.CashExpense.Posted {
			p.Cash = append(p.Cash, MoneyMove{DocID: p.CashExpense.ID, Date: date, Owner: *src.CashDeskID, Amount: -cash})
			p.Debt = append(p.Debt, MoneyMove{DocID: p.CashExpense.ID, Date: date, Owner: p.CustomerID, Amount: cash})
		}
	}
	if card := src.In.Paid(PaymentCard); card > 0 {
		p.CardRefund = &PlannedCardDoc{ID: facts.NewID(), Amount: card}
		p.Debt = append(p.Debt, MoneyMove{DocID: p.CardRefund.ID, Date: date, Owner: p.CustomerID, Amount: card})
	}
	return nil
}
