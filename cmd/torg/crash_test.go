package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"torg"
	"torg/internal/store/storetest"
)

// crashKills is how many times TestCrashRecovery kills the server: 20 by default (CI), more with
// TORG_CRASH_KILLS for a long run.
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("TORG_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// retrier sends requests to a server that may be down, again and again with the same key or id and
// body, until it answers with something other than a lost connection or 503.
type retrier struct {
	url     string
	http    *http.Client
	replays atomic.Int64 // answers that were replays of a response stored before a crash
	retries atomic.Int64 // requests sent again after a lost answer
}

func (c *retrier) send(t *testing.T, method, path, token, body string, headers ...string) response {
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
			time.Sleep(20 * time.Millisecond)
		}
		if attempt > 2000 {
			t.Errorf("%s %s never got an answer", method, path)
			return response{}
		}
		req, _ := http.NewRequest(method, c.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := c.http.Do(req)
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable || (resp.StatusCode == http.StatusConflict && bytes.Contains(b, []byte("idempotency-in-progress"))) {
			continue
		}
		if resp.Header.Get("Idempotent-Replayed") == "true" {
			c.replays.Add(1)
		}
		return response{status: resp.StatusCode, header: resp.Header, body: b}
	}
}

// TestCrashRecovery loads the server with order intake and sales while killing it with SIGKILL at
// random moments and starting it again, the clients retrying with the same keys and ids. Then it
// proves that nothing acknowledged was lost or doubled.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("a fault run")
	}
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { crashRun(t, storetest.DSN(t, d), crashKills()) })
	}
}

func crashRun(t *testing.T, dsn string, kills int) {
	env := []string{"TORG_DB=" + dsn, "TORG_ADMIN_TOKEN=" + testAdminToken, "TORG_KKM_TRANSFER_EVERY=0"}
	cmd, url, _, _ := startProcess(t, env, "serve", "--listen", "127.0.0.1:0")
	addr := strings.TrimPrefix(url, "http://")
	sh := newShop(t, &testServer{t: t, url: url, admin: testAdminToken})
	sh.s.must(201, "POST", "/api/v1/goods-receipts", `{"warehouse_code":"MAIN","lines":[{"product_code":"MILK","quantity":1000,"cost":9000},{"product_code":"SOAP","quantity":1000,"cost":5000}]}`)
	c := &retrier{url: url, http: &http.Client{Timeout: 10 * time.Second}}

	var stop atomic.Bool
	var wg sync.WaitGroup
	orders := sync.Map{}       // idempotency key → order id, for every acknowledged order
	transactions := sync.Map{} // transaction id → order id, for every acknowledged transaction
	for w := range 3 {
		wg.Go(func() { crashIntake(t, c, sh, w, &stop, &orders) })
	}
	for _, code := range []string{"R1", "R2"} {
		wg.Go(func() { crashSeller(t, c, sh, code, &stop, &transactions) })
	}
	returns := sync.Map{} // return transaction id → the sale's id, for every acknowledged return
	wg.Go(func() { crashReturner(t, c, sh, &stop, &transactions, &returns) })
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for range kills {
		time.Sleep(time.Duration(150+rng.IntN(450)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		cmd, _, _, _ = startProcess(t, env, "serve", "--listen", addr)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	checkAfterCrashes(t, sh, &orders, &transactions)
	checkReturnsAfterCrashes(t, sh, &returns)
	t.Logf("%d kills; %d requests sent again after a lost answer, %d answered as replays", kills, c.retries.Load(), c.replays.Load())
}

// crashIntake creates agreed orders for the registers, each under its own idempotency key.
func crashIntake(t *testing.T, c *retrier, sh *shop, worker int, stop *atomic.Bool, acked *sync.Map) {
	for i := 0; !stop.Load(); i++ {
		key := fmt.Sprintf("crash-%d-%d", worker, i)
		body := fmt.Sprintf(`{"external_number":%q,"customer_code":"retail","warehouse_id":%q,"status":"agreed","lines":[{"product_code":"MILK","quantity":1},{"product_code":"SOAP","quantity":2}],"fill_registers":true,"post":true}`,
			key, sh.wh)
		r := c.send(t, "POST", "/api/v1/orders", testAdminToken, body, "Idempotency-Key", key)
		if r.status != 201 {
			t.Errorf("order %s: %d %s", key, r.status, r.body)
			return
		}
		var o struct{ ID string }
		json.Unmarshal(r.body, &o)
		acked.Store(key, o.ID)
	}
}

// crashSeller is a register that follows its packages and sells every order it receives.
func crashSeller(t *testing.T, c *retrier, sh *shop, code string, stop *atomic.Bool, acked *sync.Map) {
	var after int64
	for !stop.Load() {
		r := c.send(t, "GET", fmt.Sprintf("/api/v1/register/packages?after=%d&wait=1", after), sh.tok[code], "")
		var p packages
		if r.status != 200 || json.Unmarshal(r.body, &p) != nil {
			t.Errorf("packages of %s: %d %s", code, r.status, r.body)
			return
		}
		for _, pk := range p.Packages {
			if pk.Seq != after+1 {
				t.Errorf("%s got seq %d after %d", code, pk.Seq, after)
			}
			after = pk.Seq
			if pk.Kind != "order.upsert" {
				continue
			}
			var o torg.OrderSnapshot
			json.Unmarshal(pk.Order, &o)
			if c.send(t, "POST", "/api/v1/register/orders/"+o.ID+"/claim", sh.tok[code], "").status != 200 {
				continue // the other register has it
			}
			body := exactReceipt(o)
			var tr struct{ ID string }
			json.Unmarshal([]byte(body), &tr)
			if r := c.send(t, "POST", "/api/v1/register/transactions", sh.tok[code], body); r.status != 201 && r.status != 200 {
				t.Errorf("upload: %d %s", r.status, r.body)
			}
			acked.Store(tr.ID, o.ID)
		}
	}
}

// crashReturner is a register that takes back one milk of each acknowledged sale, paid back in cash:
// it puts twice the milk's price into its drawer, pays the refund out of it, and takes the rest out.
func crashReturner(t *testing.T, c *retrier, sh *shop, stop *atomic.Bool, sales, acked *sync.Map) {
	done := map[string]bool{}
	receipt := int64(0)
	upload := func(what, body string) bool {
		if r := c.send(t, "POST", "/api/v1/register/transactions", sh.tok["R3"], body); r.status != 201 && r.status != 200 || !strings.Contains(string(r.body), `"state":"new"`) {
			t.Errorf("%s: %d %s", what, r.status, r.body)
			return false
		}
		return true
	}
	cash := func(kind string, amount int) bool {
		receipt++
		return upload(kind, fmt.Sprintf(`{"id":%q,"kind":%q,"shift_number":1,"receipt_number":%d,"closed_at":%q,"cashier":"Петрова",
			"payments":[{"type":"cash","amount":%d}],"total":%d}`, uuid.NewString(), kind, receipt, torg.Now().Format(time.RFC3339Nano), amount, amount))
	}
	for !stop.Load() {
		var saleID string
		sales.Range(func(k, _ any) bool {
			if !done[k.(string)] {
				saleID = k.(string)
			}
			return saleID == ""
		})
		if saleID == "" {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		done[saleID] = true
		if !cash("cash_in", 30000) {
			return
		}
		receipt++
		id := uuid.NewString()
		if !upload("return", fmt.Sprintf(`{"id":%q,"kind":"return","original_transaction_id":%q,"shift_number":1,"receipt_number":%d,"closed_at":%q,
			"cashier":"Петрова","lines":[{"line_no":1,"product_id":%q,"quantity":1,"price":15000,"discount":0,"amount":15000}],
			"payments":[{"type":"cash","amount":15000}],"total":15000}`, id, saleID, receipt, torg.Now().Format(time.RFC3339Nano), sh.milk)) {
			return
		}
		acked.Store(id, saleID)
		if !cash("cash_out", 15000) {
			return
		}
	}
}

// checkReturnsAfterCrashes: every acknowledged return is stored once, against its sale, and
// KKMTransfer made exactly one customer return of it.
func checkReturnsAfterCrashes(t *testing.T, sh *shop, returns *sync.Map) {
	n := 0
	returns.Range(func(k, v any) bool {
		n++
		tr := sh.s.must(200, "GET", "/api/v1/transactions/"+k.(string), "")
		if tr["original_transaction_id"] != v || tr["state"] != "processed" {
			t.Errorf("acknowledged return %s: %v", k, tr)
		}
		if docs := listAll(t, sh.s, "/api/v1/customer-returns?transaction_id="+k.(string)); len(docs) != 1 {
			t.Errorf("return %s has %d customer returns", k, len(docs))
		}
		return true
	})
	if n == 0 {
		t.Error("no return was acknowledged")
	}
	t.Logf("%d returns acknowledged", n)
}

// exactReceipt is a closed receipt that sells exactly the order, paid in cash.
func exactReceipt(o torg.OrderSnapshot) string {
	lines := make([]torg.TxLine, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = torg.TxLine{ProductID: l.ProductID, Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount}
	}
	b, _ := json.Marshal(torg.TransactionInput{ID: uuid.NewString(), OrderID: &o.ID, OrderVersion: &o.Version, ShiftNumber: 1,
		ReceiptNumber: 1, ClosedAt: torg.Now(), Cashier: "Иванова", Lines: lines, Total: o.Total,
		Payments: []torg.Payment{{Type: torg.PaymentCash, Amount: o.Total}}})
	return string(b)
}

// checkAfterCrashes proves the invariants of docs/API.md, «Customer orders» to «KKMTransfer» over what the clients were told.
func checkAfterCrashes(t *testing.T, sh *shop, orders, transactions *sync.Map) {
	s := sh.s
	n := 0
	orders.Range(func(k, v any) bool {
		n++
		items := s.must(200, "GET", "/api/v1/orders?external_number="+k.(string), "")["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != v {
			t.Errorf("acknowledged order %s: %d stored", k, len(items))
		}
		return true
	})
	if n == 0 {
		t.Fatal("no order was acknowledged")
	}
	sales := 0
	transactions.Range(func(k, v any) bool {
		sales++
		if tr := s.must(200, "GET", "/api/v1/transactions/"+k.(string), ""); tr["order_id"] != v {
			t.Errorf("acknowledged transaction %s: %v", k, tr)
		}
		return true
	})
	for _, code := range []string{"R1", "R2", "R3"} {
		if seqs := allSeqs(t, sh, code); !contiguous(seqs) {
			t.Errorf("%s's packages have a gap or a repeat: %v", code, seqs)
		}
	}
	if r := s.must(200, "POST", "/api/v1/jobs/kkm-transfer/run", ""); r["failed"] != 0.0 {
		t.Errorf("KKMTransfer: %v", r)
	}
	checkOneSalePerOrder(t, s)
	checkStockEqualsDocuments(t, sh)
	t.Logf("%d orders and %d sales acknowledged", n, sales)
}

// allSeqs reads every package of the register from the beginning.
func allSeqs(t *testing.T, sh *shop, code string) []int64 {
	var out []int64
	for after := int64(0); ; {
		p := sh.fetch(t, code, after)
		if len(p.Packages) == 0 {
			return out
		}
		for _, pk := range p.Packages {
			out = append(out, pk.Seq)
			after = pk.Seq
		}
	}
}

func contiguous(seqs []int64) bool {
	for i, s := range seqs {
		if s != int64(i+1) {
			return false
		}
	}
	return true
}

// listAll reads every page of a list.
func listAll(t *testing.T, s *testServer, path string) []map[string]any {
	var out []map[string]any
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for next := ""; ; {
		p := path + sep + "limit=500"
		if next != "" {
			p += "&after=" + next
		}
		list := s.must(200, "GET", p, "")
		for _, it := range list["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		n, ok := list["next"].(string)
		if !ok {
			return out
		}
		next = n
	}
}

// checkOneSalePerOrder: every sold or closed order has exactly one transaction that is not a
// conflict, and every processed transaction exactly one invoice.
func checkOneSalePerOrder(t *testing.T, s *testServer) {
	for _, o := range listAll(t, s, "/api/v1/orders") {
		if o["status"] != "sold" && o["status"] != "closed" {
			continue
		}
		sales := 0
		for _, tr := range listAll(t, s, "/api/v1/transactions?order_id="+o["id"].(string)) {
			if tr["state"] != "conflict" {
				sales++
			}
		}
		if sales != 1 {
			t.Errorf("order %s (%s) has %d sales", o["number"], o["status"], sales)
		}
	}
	for _, tr := range listAll(t, s, "/api/v1/transactions?state=processed&kind=sale") {
		if inv := listAll(t, s, "/api/v1/sales-invoices?transaction_id="+tr["id"].(string)); len(inv) != 1 {
			t.Errorf("transaction %s has %d invoices", tr["id"], len(inv))
		}
	}
}

// checkStockEqualsDocuments: stock on hand equals goods received less every invoice line, plus every
// customer return's.
func checkStockEqualsDocuments(t *testing.T, sh *shop) {
	s := sh.s
	want := map[string]float64{sh.milk: 1000, sh.soap: 1000}
	for _, inv := range listAll(t, s, "/api/v1/sales-invoices") {
		full := s.must(200, "GET", "/api/v1/sales-invoices/"+inv["id"].(string), "")
		for _, l := range full["lines"].([]any) {
			line := l.(map[string]any)
			want[line["product_id"].(string)] -= line["quantity"].(float64)
		}
	}
	for _, ret := range listAll(t, s, "/api/v1/customer-returns") {
		full := s.must(200, "GET", "/api/v1/customer-returns/"+ret["id"].(string), "")
		for _, l := range full["lines"].([]any) {
			line := l.(map[string]any)
			want[line["product_id"].(string)] += line["quantity"].(float64)
		}
	}
	for _, it := range reportItems(t, s, "/api/v1/reports/stock?warehouse_id="+sh.wh) {
		if got, w := it["on_hand"].(float64), want[it["product_id"].(string)]; got != w {
			t.Errorf("%s on hand %v, the documents say %v", it["product_code"], got, w)
		}
	}
}
