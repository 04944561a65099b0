package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
)

// history is what the test knows of the random history it made: every movement with its date.
type history struct {
	stock    []stockMove // goods receipts (+), sales (−) and returns (+)
	cash     []moneyMove // cash into the desk (+) and paid back out of it (−)
	debt     []debtMove
	sales    []sale
	returns  []sale            // returns of whole sale lines, by the register and cashier that took them back
	products map[string]string // id → VAT rate
}

type stockMove struct {
	at       time.Time
	product  string
	quantity int64
	receipt  bool
	ret      bool
}

type moneyMove struct {
	at     time.Time
	amount int64
}

// debtMove is a movement of the customer's debt: a sale (+), a payment (−), a refund paid back (+)
// or a customer return (−, ret).
type debtMove struct {
	at           time.Time
	amount       int64
	payment, ret bool
}

type saleLine struct {
	product                     string
	quantity, amnt, price, disc int64
}

type sale struct {
	id, code          string // the transaction's id and the register's code
	at                time.Time
	register, cashier string
	lines             []saleLine
	total             int64
}

// vatOf is amount × rate ÷ (100 + rate), rounded half away from zero, computed here by itself.
func vatOf(amount int64, rate string) int64 {
	var r int64
	if _, err := fmt.Sscan(rate, &r); err != nil {
		return 0
	}
	return (2*amount*r + 100 + r) / (2 * (100 + r))
}

// makeHistory makes a seeded random history of goods receipts and sales over 60 days before now.
func makeHistory(t *testing.T, s *testServer, sh *shop, desk string) history {
	t.Helper()
	rng := rand.New(rand.NewPCG(2026, 16))
	h := history{products: map[string]string{sh.milk: "10", sh.soap: "22"}}
	prices := map[string]int64{sh.milk: 15000, sh.soap: 8990}
	start := time.Now().Add(-60 * 24 * time.Hour).Truncate(time.Minute)
	for i := range 200 {
		at := start.Add(time.Duration(rng.IntN(60*24*60)) * time.Minute)
		if rng.IntN(8) == 0 { // a goods receipt
			p := []string{sh.milk, sh.soap}[rng.IntN(2)]
			q := int64(rng.IntN(50_000) + 1)
			call[torg.GoodsReceipt](s, 201, "POST", "/api/v1/goods-receipts", fmt.Sprintf(`{"warehouse_id":%q,"date":%q,"lines":[{"product_id":%q,"quantity":%d.%03d,"cost":100}]}`,
				sh.wh, at.UTC().Format(time.RFC3339), p, q/1000, q%1000))
			h.stock = append(h.stock, stockMove{at: at, product: p, quantity: q, receipt: true})
			continue
		}
		code := []string{"R1", "R2"}[rng.IntN(2)]
		sl := sale{id: uuid.NewString(), code: code, at: at, register: sh.reg[code], cashier: []string{"Иванова", "Петров", "Сидорова"}[rng.IntN(3)]}
		var lines []string
		for _, p := range []string{sh.milk, sh.soap} {
			if rng.IntN(3) == 0 {
				continue
			}
			q := int64(rng.IntN(3000) + 1)
			disc := int64(rng.IntN(50))
			amount := (q*prices[p]+500)/1000 - disc
			sl.total += amount
			sl.lines = append(sl.lines, saleLine{p, q, amount, prices[p], disc})
			lines = append(lines, fmt.Sprintf(`{"product_id":%q,"quantity":%d.%03d,"price":%d,"discount":%d,"amount":%d}`, p, q/1000, q%1000, prices[p], disc, amount))
		}
		if len(lines) == 0 {
			continue
		}
		cashPart := sl.total * int64(rng.IntN(3)) / 2
		var pays []string
		if cashPart > 0 {
			pays = append(pays, fmt.Sprintf(`{"type":"cash","amount":%d}`, cashPart))
		}
		if sl.total-cashPart > 0 {
			pays = append(pays, fmt.Sprintf(`{"type":"card","amount":%d}`, sl.total-cashPart))
		}
		body := fmt.Sprintf(`{"id":%q,"order_id":null,"shift_number":1,"receipt_number":%d,"closed_at":%q,"cashier":%q,"lines":[%s],"payments":[%s],"total":%d}`,
			sl.id, i+1, at.UTC().Format(time.RFC3339), sl.cashier, strings.Join(lines, ","), strings.Join(pays, ","), sl.total)
		if r := s.do("POST", "/api/v1/register/transactions", sh.tok[code], body); r.status != 201 {
			t.Fatalf("upload %d: %d %s", i, r.status, r.body)
		}
		h.sales = append(h.sales, sl)
		for _, l := range sl.lines {
			h.stock = append(h.stock, stockMove{at: at, product: l.product, quantity: -l.quantity})
		}
		h.debt = append(h.debt, debtMove{at, sl.total, false, false})
		if card := sl.total - cashPart; card > 0 {
			h.debt = append(h.debt, debtMove{at, -card, true, false})
		}
		if code == "R1" && cashPart > 0 { // R1 books its cash into the desk; R2 has none
			h.cash = append(h.cash, moneyMove{at, cashPart})
			h.debt = append(h.debt, debtMove{at, -cashPart, true, false})
		}
	}
	for i, sl := range h.sales {
		if rng.IntN(5) != 0 {
			continue
		}
		makeReturn(t, s, sh, rng, &h, sl, 1000+i)
	}
	if res := sh.run(t); res.Failed != 0 {
		t.Fatalf("KKMTransfer: %v", res)
	}
	return h
}

// makeReturn uploads a return of some whole lines of a sale, a few days after it (never after now), by
// either register of the warehouse, paid back in cash, by card or both, and records what it moves:
// the goods come back, the customer's debt falls by the total and rises back by what is paid out
// (cash only where the register has a cash desk to pay it from: R1).
func makeReturn(t *testing.T, s *testServer, sh *shop, rng *rand.Rand, h *history, sl sale, receipt int) {
	t.Helper()
	at := sl.at.Add(time.Duration(rng.IntN(5*24*60)+1) * time.Minute)
	if at.After(time.Now()) {
		return
	}
	code := []string{"R1", "R2"}[rng.IntN(2)]
	r := sale{id: uuid.NewString(), code: code, at: at, register: sh.reg[code], cashier: []string{"Иванова", "Петров", "Сидорова"}[rng.IntN(3)]}
	var lines []string
	for n, l := range sl.lines {
		if l.amnt <= 0 || rng.IntN(2) == 0 {
			continue
		}
		r.total += l.amnt
		r.lines = append(r.lines, l)
		lines = append(lines, fmt.Sprintf(`{"line_no":%d,"product_id":%q,"quantity":%d.%03d,"price":%d,"discount":%d,"amount":%d}`,
			n+1, l.product, l.quantity/1000, l.quantity%1000, l.price, l.disc, l.amnt))
	}
	if len(lines) == 0 {
		return
	}
	cashPart := r.total * int64(rng.IntN(3)) / 2
	var pays []string
	if cashPart > 0 {
		pays = append(pays, fmt.Sprintf(`{"type":"cash","amount":%d}`, cashPart))
	}
	if r.total-cashPart > 0 {
		pays = append(pays, fmt.Sprintf(`{"type":"card","amount":%d}`, r.total-cashPart))
	}
	body := fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,"order_id":null,"shift_number":1,"receipt_number":%d,"closed_at":%q,"cashier":%q,"lines":[%s],"payments":[%s],"total":%d}`,
		r.id, sl.id, receipt, at.UTC().Format(time.RFC3339), r.cashier, strings.Join(lines, ","), strings.Join(pays, ","), r.total)
	if res := s.do("POST", "/api/v1/register/transactions", sh.tok[code], body); res.status != 201 {
		t.Fatalf("upload return %d: %d %s", receipt, res.status, res.body)
	}
	h.returns = append(h.returns, r)
	for _, l := range r.lines {
		h.stock = append(h.stock, stockMove{at: at, product: l.product, quantity: l.quantity, ret: true})
	}
	h.debt = append(h.debt, debtMove{at, -r.total, false, true})
	if card := r.total - cashPart; card > 0 {
		h.debt = append(h.debt, debtMove{at, card, true, false})
	}
	if code == "R1" && cashPart > 0 {
		h.cash = append(h.cash, moneyMove{at, -cashPart})
		h.debt = append(h.debt, debtMove{at, cashPart, true, false})
	}
}

// exactReport reads a report with numbers kept exact: quantities and money as their own types.
func exactReport[T any](t *testing.T, s *testServer, path string) []T {
	t.Helper()
	r := s.do("GET", path, s.admin, "")
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	var rep struct{ Items []T }
	dec := json.NewDecoder(bytes.NewReader(r.body))
	if err := dec.Decode(&rep); err != nil {
		t.Fatal(err)
	}
	return rep.Items
}

// TestPeriodReportsEqualTheHistory makes a seeded random history of goods receipts and sales over
// two months and checks every figure of every period report against sums computed here.
func TestPeriodReportsEqualTheHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *testServer) {
		sh := newShop(t, s)
		desk := call[torg.CashDesk](s, 201, "POST", "/api/v1/cash-desks", `{"code":"D","name":"d"}`).ID
		call[torg.Register](s, 200, "PATCH", "/api/v1/registers/"+sh.reg["R1"], fmt.Sprintf(`{"cash_desk_id":%q}`, desk))
		h := makeHistory(t, s, sh, desk)
		day := func(d int) time.Time {
			n := time.Now().In(time.Local)
			return time.Date(n.Year(), n.Month(), n.Day()-d, 0, 0, 0, 0, time.Local)
		}
		for _, period := range []struct {
			name     string
			from, to time.Time // to excluded
			query    string
		}{
			{"a month in the middle", day(45), day(14), "from=" + day(45).Format("2006-01-02") + "&to=" + day(15).Format("2006-01-02")},
			{"up to now", day(10), time.Now().Add(time.Hour), "from=" + day(10).Format("2006-01-02")},
			// The whole history: 61 days always hold a whole calendar month, read from the month totals.
			{"the whole history", day(61), time.Now().Add(time.Hour), "from=" + day(61).Format("2006-01-02")},
		} {
			in := func(at time.Time) bool { return !at.Before(period.from) && at.Before(period.to) }
			before := func(at time.Time) bool { return at.Before(period.from) }
			t.Run(period.name, func(t *testing.T) {
				t.Run("stock turnover", func(t *testing.T) {
					type row struct{ opening, receipts, shipments, returns, closing int64 }
					want := map[string]*row{sh.milk: {}, sh.soap: {}}
					for _, m := range h.stock {
						r := want[m.product]
						switch {
						case before(m.at):
							r.opening += m.quantity
						case in(m.at) && m.receipt:
							r.receipts += m.quantity
						case in(m.at) && m.ret:
							r.returns += m.quantity
						case in(m.at):
							r.shipments -= m.quantity
						}
					}
					items := exactReport[torg.StockTurnover](t, s, "/api/v1/reports/stock-turnover?warehouse_id="+sh.wh+"&"+period.query)
					if len(items) != 2 {
						t.Fatalf("%d rows, want 2", len(items))
					}
					for _, it := range items {
						w := want[it.ProductID]
						w.closing = w.opening + w.receipts - w.shipments + w.returns
						got := row{int64(it.Opening), int64(it.Receipts), int64(it.Shipments), int64(it.Returns), int64(it.Closing)}
						if got != *w {
							t.Errorf("%s: %+v, want %+v", it.ProductCode, got, *w)
						}
						if (it.Reserved != nil) != period.to.After(time.Now()) {
							t.Errorf("%s: reserved %v for a period to %v", it.ProductCode, it.Reserved, period.to)
						}
					}
				})
				t.Run("cash turnover", func(t *testing.T) {
					var opening, inSum, outSum int64
					for _, m := range h.cash {
						switch {
						case before(m.at):
							opening += m.amount
						case in(m.at) && m.amount > 0:
							inSum += m.amount
						case in(m.at):
							outSum -= m.amount
						}
					}
					items := exactReport[torg.CashTurnover](t, s, "/api/v1/reports/cash-turnover?cash_desk_id="+desk+"&"+period.query)
					if len(items) != 1 || int64(items[0].Opening) != opening || int64(items[0].In) != inSum || int64(items[0].Out) != outSum ||
						int64(items[0].Closing) != opening+inSum-outSum {
						t.Errorf("%+v, want opening %d, in %d, out %d, closing %d", items, opening, inSum, outSum, opening+inSum-outSum)
					}
					if outSum == 0 {
						t.Errorf("the history paid nothing back out of the desk in the period: the test checks too little")
					}
					var docs, docsOut int64
					var count int
					next := "/api/v1/reports/cash-turnover/documents?limit=7&cash_desk_id=" + desk + "&" + period.query
					for next != "" {
						r := s.do("GET", next, s.admin, "")
						var page struct {
							Items []torg.CashMove
							Next  *string
						}
						if err := json.Unmarshal(r.body, &page); err != nil || r.status != 200 {
							t.Fatalf("%d %s", r.status, r.body)
						}
						for _, m := range page.Items {
							docs += int64(m.Amount)
							count++
							kind := "cash-receipts"
							if m.Amount < 0 {
								kind, docsOut = "cash-expenses", docsOut-int64(m.Amount)
							}
							if m.Document != kind || m.Number == "" || !in(m.Date) {
								t.Errorf("document %+v", m)
							}
						}
						next = ""
						if page.Next != nil {
							next = "/api/v1/reports/cash-turnover/documents?limit=7&cash_desk_id=" + desk + "&" + period.query + "&after=" + *page.Next
						}
					}
					if docs != inSum-outSum || docsOut != outSum {
						t.Errorf("the %d documents behind the turnover sum to %d (%d out), want %d (%d out)", count, docs, docsOut, inSum-outSum, outSum)
					}
				})
				t.Run("settlements", func(t *testing.T) {
					var opening, invoiced, paid, returned int64
					for _, m := range h.debt {
						switch {
						case before(m.at):
							opening += m.amount
						case in(m.at) && m.payment: // a payment, less a refund paid back
							paid -= m.amount
						case in(m.at) && m.ret:
							returned -= m.amount
						case in(m.at):
							invoiced += m.amount
						}
					}
					if returned == 0 {
						t.Errorf("the history has no return in the period: the test checks too little")
					}
					items := exactReport[torg.SettlementTurnover](t, s, "/api/v1/reports/settlement-turnover?customer_id="+retailID(t, s)+"&"+period.query)
					want := torg.SettlementTurnover{CustomerID: retailID(t, s), Opening: torg.Money(opening), Invoiced: torg.Money(invoiced),
						Paid: torg.Money(paid), Returned: torg.Money(returned), Closing: torg.Money(opening + invoiced - paid - returned)}
					if len(items) != 1 || items[0] != want {
						t.Errorf("%+v, want %+v", items, want)
					}
				})
				t.Run("sales analysis", func(t *testing.T) {
					type agg struct {
						receipts, quantity, revenue, vat, returns int64
					}
					want := map[string]map[string]*agg{"day": {}, "register": {}, "cashier": {}, "product": {}}
					group := func(by, key string) *agg {
						a := want[by][key]
						if a == nil {
							a = &agg{}
							want[by][key] = a
						}
						return a
					}
					add := func(by, key string, q, revenue, vat int64, receipt bool) {
						a := group(by, key)
						a.quantity += q
						a.revenue += revenue
						a.vat += vat
						if receipt {
							a.receipts++
						}
					}
					// A return counts where it was made: its day, its register, its cashier.
					for _, r := range h.returns {
						if !in(r.at) {
							continue
						}
						for _, l := range r.lines {
							group("product", l.product).returns += l.amnt
						}
						group("day", r.at.In(time.Local).Format("2006-01-02")).returns += r.total
						group("register", r.register).returns += r.total
						group("cashier", r.cashier).returns += r.total
					}
					for _, sl := range h.sales {
						if !in(sl.at) {
							continue
						}
						var q, vat int64
						for _, l := range sl.lines {
							v := vatOf(l.amnt, h.products[l.product])
							q, vat = q+l.quantity, vat+v
							add("product", l.product, l.quantity, l.amnt, v, true)
						}
						add("day", sl.at.In(time.Local).Format("2006-01-02"), q, sl.total, vat, true)
						add("register", sl.register, q, sl.total, vat, true)
						add("cashier", sl.cashier, q, sl.total, vat, true)
					}
					for by, groups := range want {
						items := exactReport[torg.SalesRow](t, s, "/api/v1/reports/sales?by="+by+"&"+period.query)
						var keys []string
						for _, it := range items {
							keys = append(keys, it.Key)
							w := groups[it.Key]
							if w == nil {
								t.Errorf("by %s: a row %q the history does not have", by, it.Key)
								continue
							}
							got := agg{it.Receipts, int64(it.Quantity), int64(it.Revenue), int64(it.VAT), int64(it.Returns)}
							avg := torg.DivRound(torg.Money(w.revenue), w.receipts)
							if got != *w || it.AverageReceipt != avg {
								t.Errorf("by %s, %s: %+v average %d, want %+v average %d", by, it.Key, got, it.AverageReceipt, *w, avg)
							}
						}
						if len(items) != len(groups) {
							t.Errorf("by %s: %d rows, want %d", by, len(items), len(groups))
						}
						if by == "day" && !slices.IsSorted(keys) {
							t.Errorf("days out of order: %v", keys)
						}
					}
				})
			})
		}
	})
}

func TestPeriodReportsRefuseBadPeriods(t *testing.T) {
	s := startServer(t, "sqlite")
	for _, c := range []struct {
		path   string
		fields []string
	}{
		{"/api/v1/reports/stock-turnover?from=2026-03-10&to=2026-03-01", []string{"from"}},
		{"/api/v1/reports/cash-turnover?from=2010-01-01&to=2026-03-01", []string{"from"}},
		{"/api/v1/reports/settlement-turnover?from=yesterday&client=1", []string{"client", "from"}},
		{"/api/v1/reports/sales?by=week&store=2", []string{"by", "store"}},
		{"/api/v1/reports/cash-turnover/documents?to=2026-13-01", []string{"cash_desk_id", "to"}},
	} {
		r := s.do("GET", c.path, s.admin, "")
		if r.status != 422 {
			t.Errorf("%s: %d %s", c.path, r.status, r.body)
			continue
		}
		var fields []string
		for _, e := range r.problem(t).Errors {
			fields = append(fields, e.Field)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, c.fields) {
			t.Errorf("%s named %v, want %v", c.path, fields, c.fields)
		}
	}
}
