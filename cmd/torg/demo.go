package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/register"
	"torg/internal/store"
)

// demo runs a newcomer's first look: a back office with a demo store and two register agents.
func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address of the back office")
	k1Listen := fs.String("register1", "127.0.0.1:8091", "address of register K1's cashier screen")
	k2Listen := fs.String("register2", "127.0.0.1:8092", "address of register K2's cashier screen")
	dir := fs.String("data", "", "folder for the demo's data (default: a new temporary folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "torg-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db := "sqlite:" + filepath.Join(*dir, "torg.db")
	const adminToken, password = "demo-admin-token", "torg-demo"
	seeded, err := seedDemo(ctx, db, password)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	cfg := serveConfig{listen: *listen, db: db, adminToken: adminToken, kkmTransferEvery: 30 * time.Second, claimTTL: 10 * time.Minute,
		ready: func(url string) { ready <- url }}
	go func() { served <- runServer(ctx, cfg, log, io.Discard) }()
	var url string
	select {
	case url = <-ready:
	case err := <-served:
		return inUse(err, "--listen", *listen)
	}
	k1, err := register.Start(ctx, register.Config{Server: url, Token: seeded.tokens["K1"], Listen: *k1Listen, DataDir: filepath.Join(*dir, "K1"), Cashier: "Иванова", Log: log})
	if err != nil {
		return inUse(err, "--register1", *k1Listen)
	}
	k2, err := register.Start(ctx, register.Config{Server: url, Token: seeded.tokens["K2"], Listen: *k2Listen, DataDir: filepath.Join(*dir, "K2"), Cashier: "Петров", Log: log})
	if err != nil {
		return inUse(err, "--register2", *k2Listen)
	}
	if err := sellAtRegister(ctx, k2, seeded.toSell, url, adminToken); err != nil {
		return fmt.Errorf("demo: selling an order at K2: %w", err)
	}
	fmt.Fprintf(stdout, demoText, url, password, adminToken, k1.URL(), k2.URL(), *dir)
	err = <-served
	k1.Wait()
	k2.Wait()
	return err
}

const demoText = `
torg demo — a store with two warehouses, registers K1–K4 and customer orders in every state.

  Back office     %[1]s/          log in as admin / %[2]s
  API reference   %[1]s/docs      admin token: %[3]s
  Register K1     %[4]s/          (has a cash desk)
  Register K2     %[5]s/          (no cash desk: its cash receipt orders wait to be posted by hand)

What to try:
  1. Open both cashier screens side by side: the agreed orders are on both.
  2. On K1 press «Подобрать чек» on an order, pay cash with change, close the receipt:
     the order disappears from K2 at once.
  3. In the back office, make a new order, «Заполнить» its ККМ tab, set «Согласован», «Провести»,
     and watch it arrive at both registers (the ККМ tab shows each one's delivery state).
  4. KKMTransfer runs every 30 s (or "Run now"): the sale becomes a sales invoice and a cash receipt
     order; see the stock, cash and settlements reports.

Data is kept in %[6]s. Press Ctrl-C to stop.
`

// demoStore is what the seeded demo store gives the demo.
type demoStore struct {
	tokens map[string]string // register tokens by code
	toSell string            // the order K2 sells once it runs
}

// inUse explains an address already in use, naming the flag that picks another.
func inUse(err error, flagName, addr string) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is already in use (another torg demo?): pick another address with %s", addr, flagName)
	}
	return err
}

// sellAtRegister sells the order at the register the way its cashier would — through its local
// API: pick, pay cash, close — waits until the back office has the transaction, and runs
// KKMTransfer, so that the demo's history is made by the same code as a real sale.
func sellAtRegister(ctx context.Context, k *register.Agent, orderID, server, adminToken string) error {
	local := &http.Client{Timeout: 15 * time.Second}
	call := func(method, url, token, body string, out any) error {
		req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := local.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			b, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	var status struct {
		Outbox int `json:"outbox"`
	}
	var picked struct{ Receipt struct{ ID string } }
	err := pollUntil(ctx, func() bool { return call("POST", k.URL()+"/api/orders/"+orderID+"/pick", "", "{}", &picked) == nil })
	if err != nil {
		return errors.New("the order did not reach the register")
	}
	var r struct{ Total torg.Money }
	if err := call("GET", k.URL()+"/api/receipts/"+picked.Receipt.ID, "", "", &r); err != nil {
		return err
	}
	var closed map[string]any
	if err := call("POST", k.URL()+"/api/receipts/"+picked.Receipt.ID+"/close", "", fmt.Sprintf(`{"payments":[{"type":"cash","amount":%d}]}`, r.Total), &closed); err != nil {
		return err
	}
	err = pollUntil(ctx, func() bool { return call("GET", k.URL()+"/api/status", "", "", &status) == nil && status.Outbox == 0 })
	if err != nil {
		return errors.New("the register did not upload its receipt")
	}
	var res map[string]any
	return call("POST", server+"/api/v1/jobs/kkm-transfer/run", adminToken, "", &res)
}

// pollUntil checks cond every 50 ms for up to 30 s.
func pollUntil(ctx context.Context, cond func() bool) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("timed out")
}

// seedDemo makes the demo store in a new database: catalogs, stock, a web user, register tokens,
// and orders in several states.
func seedDemo(ctx context.Context, db, password string) (demoStore, error) {
	out := demoStore{tokens: map[string]string{}}
	quiet := slog.New(slog.DiscardHandler)
	st, err := openStore(ctx, db, quiet)
	if err != nil {
		return out, err
	}
	defer st.Close()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return out, err
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddUser(ctx, "admin", torg.RoleAdmin, string(hash)); err != nil {
			return err
		}
		var err error
		out.toSell, err = seedCatalogs(ctx, tx, out.tokens)
		return err
	})
	var e *torg.Error
	if errors.As(err, &e) && e.Code == torg.CodeDuplicate {
		return out, errors.New("this demo folder was seeded before: start the demo with a new --data folder")
	}
	return out, err
}

// seedCatalogs fills the catalogs and orders; it returns the order that K2 sells once it runs.
func seedCatalogs(ctx context.Context, tx *store.Tx, tokens map[string]string) (string, error) {
	s := seeder{ctx: ctx, tx: tx}
	main := s.warehouse("MAIN", "Основной склад")
	second := s.warehouse("SECOND", "Склад на Садовой")
	desk := s.cashDesk("CASH-MAIN", "Касса магазина")
	desk2 := s.cashDesk("CASH-SECOND", "Касса на Садовой")
	regs := map[string]string{
		"K1": s.register("K1", "Касса 1", main, true, true, &desk),
		"K2": s.register("K2", "Касса 2", main, true, true, nil),
		"K3": s.register("K3", "Касса 3 (без заказов)", main, false, false, &desk),
		"K4": s.register("K4", "Касса на Садовой", second, true, true, &desk2),
	}
	products := []struct {
		code, name, unit, vat string
		price                 torg.Money
		barcode               string
	}{
		{"MILK", "Молоко 3,2% 1 л", "шт", "10", 8990, "4607025392408"},
		{"BREAD", "Хлеб бородинский", "шт", "10", 6450, "4600702000017"},
		{"CHEESE", "Сыр российский", "кг", "10", 79900, "2200001000004"},
		{"COFFEE", "Кофе зерновой 1 кг", "шт", "22", 149000, "4006581017020"},
		{"SOAP", "Мыло хозяйственное", "шт", "22", 4990, "4600005000012"},
		{"APPLES", "Яблоки голден", "кг", "10", 15990, "2200002000003"},
	}
	var lines []torg.GoodsReceiptLineInput
	for _, p := range products {
		s.product(p.code, p.name, p.unit, p.vat, p.price, p.barcode)
		lines = append(lines, torg.GoodsReceiptLineInput{ProductCode: p.code, Quantity: 50_000, Cost: p.price * 7 / 10})
	}
	if s.err == nil {
		_, s.err = tx.CreateGoodsReceipt(ctx, torg.GoodsReceiptInput{WarehouseID: main, Lines: lines})
	}
	s.customer("ROMASHKA", "ООО «Ромашка»", "7701234567", "buh@romashka.example")
	s.customer("IVANOV", "Иванов Пётр", "", "petr@example.ru")
	agreed := func(customer, comment string, ls ...torg.OrderLineInput) torg.OrderInput {
		return torg.OrderInput{CustomerCode: customer, WarehouseID: main, Status: torg.Of(torg.StatusAgreed), Comment: comment, Lines: ls, FillRegisters: true, Post: true}
	}
	line := func(code string, q torg.Quantity) torg.OrderLineInput {
		return torg.OrderLineInput{ProductCode: code, Quantity: q}
	}
	s.order(agreed("ROMASHKA", "Самовывоз до 18:00", line("COFFEE", 2000), line("MILK", 6000)))
	s.order(agreed("IVANOV", "", line("CHEESE", 1250), line("BREAD", 1000), line("APPLES", 2500)))
	s.order(torg.OrderInput{CustomerCode: "retail", WarehouseID: main, Comment: "Ждёт согласования", Lines: []torg.OrderLineInput{line("SOAP", 10000)}})
	cancelled := s.order(torg.OrderInput{CustomerCode: "IVANOV", WarehouseID: main, Lines: []torg.OrderLineInput{line("MILK", 1000)}})
	if s.err == nil {
		_, s.err = tx.CancelOrder(ctx, cancelled.ID)
	}
	toSell := s.order(agreed("ROMASHKA", "Продан на кассе 2", line("BREAD", 3000), line("MILK", 2000)))
	for _, code := range []string{"K1", "K2"} {
		if s.err == nil {
			var t torg.APIToken
			t, s.err = tx.IssueRegisterToken(ctx, regs[code])
			tokens[code] = t.Token
		}
	}
	return toSell.ID, s.err
}

// seeder makes catalog items one after another, keeping the first error.
type seeder struct {
	ctx context.Context
	tx  *store.Tx
	err error
}

func (s *seeder) warehouse(code, name string) string {
	if s.err != nil {
		return ""
	}
	w, err := store.Warehouses.Create(s.ctx, s.tx, torg.WarehouseInput{Code: torg.Of(code), Name: torg.Of(name)})
	s.err = err
	return w.ID
}

func (s *seeder) cashDesk(code, name string) string {
	if s.err != nil {
		return ""
	}
	d, err := store.CashDesks.Create(s.ctx, s.tx, torg.CashDeskInput{Code: torg.Of(code), Name: torg.Of(name)})
	s.err = err
	return d.ID
}

func (s *seeder) register(code, name, warehouse string, accepts, autoLoad bool, desk *string) string {
	if s.err != nil {
		return ""
	}
	in := torg.RegisterInput{Code: torg.Of(code), Name: torg.Of(name), WarehouseID: torg.Of(warehouse), AcceptsOrders: torg.Of(accepts), AutoLoadOrders: torg.Of(autoLoad)}
	if desk != nil {
		in.CashDeskID = torg.Of(*desk)
	}
	r, err := store.Registers.Create(s.ctx, s.tx, in)
	s.err = err
	return r.ID
}

func (s *seeder) product(code, name, unit, vat string, price torg.Money, barcode string) {
	if s.err != nil {
		return
	}
	_, s.err = store.Products.Create(s.ctx, s.tx, torg.ProductInput{Code: torg.Of(code), Name: torg.Of(name), Unit: torg.Of(unit),
		VATRate: torg.Of(torg.VATRate(vat)), Price: torg.Of(price), Barcodes: torg.Of([]string{barcode})})
}

func (s *seeder) customer(code, name, inn, email string) {
	if s.err != nil {
		return
	}
	_, s.err = store.Customers.Create(s.ctx, s.tx, torg.CustomerInput{Code: torg.Of(code), Name: torg.Of(name), INN: torg.Of(inn), Email: torg.Of(email)})
}

func (s *seeder) order(in torg.OrderInput) torg.Order {
	if s.err != nil {
		return torg.Order{}
	}
	o, err := s.tx.CreateOrder(s.ctx, in)
	s.err = err
	return o
}
