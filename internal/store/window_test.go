package store_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"torg"
	"torg/internal/exchange"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

// A long poll woken by a change this process committed is answered from memory: the package is
// there, as the database has it, and no read of the database is made; the next poll, which waits,
// is told "nothing new" from memory too, while a fetch that does not wait reads the database.
func TestAFetchAfterALocalCommitIsAnsweredFromMemory(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newSaleShop(t, s)
		cursor := sh.lastSeq(t, sh.k1.ID) // reads the database, and fills K1's window
		if _, err := s.PollPackages(ctx, sh.k1.ID, cursor, true); err != nil {
			t.Fatal(err)
		}
		sh.update(t, func(tx *store.Tx) (err error) {
			sh.order, err = tx.PatchOrder(ctx, sh.order.ID, torg.OrderPatch{Comment: torg.Of("позвонить")}, nil)
			return err
		})
		reads := s.PackageReads()
		got, err := s.PollPackages(ctx, sh.k1.ID, cursor, true)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.PackageReads() - reads; n != 0 {
			t.Errorf("the woken fetch read the database %d times, want none", n)
		}
		want, err := s.ReadPackages(ctx, sh.k1.ID, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Packages) != 1 || got.LastSeq != cursor+1 || !samePackages(got, want) {
			t.Fatalf("from memory: %+v\nthe database: %+v", got, want)
		}
		var snap torg.OrderSnapshot
		if err := json.Unmarshal(got.Packages[0].Order, &snap); err != nil || snap.Version != sh.order.Version || snap.Comment != "позвонить" {
			t.Fatalf("the order in the package: %+v, %v", snap, err)
		}
		reads = s.PackageReads()
		if p, err := s.PollPackages(ctx, sh.k1.ID, got.LastSeq, true); err != nil || len(p.Packages) != 0 || p.LastSeq != got.LastSeq {
			t.Fatalf("a waiting poll at the newest seq: %+v, %v", p, err)
		}
		if n := s.PackageReads() - reads; n != 0 {
			t.Errorf("a waiting poll with nothing new read the database %d times, want none", n)
		}
		if _, err := s.PollPackages(ctx, sh.k1.ID, got.LastSeq, false); err != nil {
			t.Fatal(err)
		}
		if n := s.PackageReads() - reads; n != 1 {
			t.Errorf("a fetch that answers \"nothing new\" at once read the database %d times, want 1", n)
		}
	})
}

// samePackages compares two answers, their orders' JSON by meaning.
func samePackages(a, b torg.Packages) bool {
	if a.LastSeq != b.LastSeq || len(a.Packages) != len(b.Packages) {
		return false
	}
	for i := range a.Packages {
		p, q := a.Packages[i], b.Packages[i]
		var po, qo any
		json.Unmarshal(p.Order, &po)
		json.Unmarshal(q.Order, &qo)
		p.Order, q.Order = nil, nil
		if !reflect.DeepEqual(po, qo) || !p.Written.Equal(q.Written) {
			return false
		}
		p.Written, q.Written = time.Time{}, time.Time{}
		if !reflect.DeepEqual(p, q) {
			return false
		}
	}
	return true
}

// Two processes over one PostgreSQL: packages numbered on A reach a register that long-polls on B,
// every one, in order, right after B hears of them — though B's window was full before A's changes.
func TestPackagesNumberedOnAnotherNodeAreNeverMissed(t *testing.T) {
	ctx := context.Background()
	dsn, a, b, hub := twoNodes(t)
	listen(t, hub, dsn, b.Heard)

	sh := newSaleShop(t, a)
	cursor := sh.lastSeq(t, sh.k1.ID)
	if p, err := b.PollPackages(ctx, sh.k1.ID, cursor, true); err != nil || len(p.Packages) != 0 { // fills B's window
		t.Fatalf("K1 on B: %+v, %v", p, err)
	}
	const changes = 30
	go func() {
		for i := range changes {
			err := a.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.PatchOrder(ctx, sh.order.ID, torg.OrderPatch{Comment: torg.Of(string(rune('a' + i%26)))}, nil)
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	target := cursor + changes
	for cursor < target {
		woken, unsubscribe := hub.Subscribe(sh.k1.ID)
		p, err := b.PollPackages(ctx, sh.k1.ID, cursor, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, pk := range p.Packages {
			if pk.Seq != cursor+1 || pk.Kind != torg.PackageUpsert || len(pk.Order) == 0 {
				t.Fatalf("after %d K1 got %+v", cursor, pk)
			}
			cursor = pk.Seq
		}
		if len(p.Packages) > 0 {
			unsubscribe()
			continue
		}
		select {
		case <-woken:
		case <-time.After(10 * time.Second):
			last, _ := b.ReadPackages(ctx, sh.k1.ID, cursor)
			t.Fatalf("K1's poll on B waited at %d for 10 s with no wake-up; the database has up to %d", cursor, last.LastSeq)
		}
		unsubscribe()
	}
	if p, err := b.Packages(ctx, sh.k1.ID, cursor); err != nil || len(p.Packages) != 0 || p.LastSeq != target {
		t.Fatalf("K1 after %d: %+v, %v; want nothing more, last_seq %d", cursor, p, err, target)
	}
}

// A register that long-polls on B, while A numbers its packages, is answered from B's memory: B
// reads what A's notification announces once, for every register it names, before it wakes them.
func TestPackagesNumberedOnAnotherNodeAreAnsweredFromMemory(t *testing.T) {
	ctx := context.Background()
	dsn, a, b, hub := twoNodes(t)
	var mu sync.Mutex
	var heard []string // the payloads B heard
	heardBy := func(payload string) []string {
		ids := b.Heard(payload)
		mu.Lock()
		heard = append(heard, payload)
		mu.Unlock()
		return ids
	}
	listen(t, hub, dsn, heardBy)

	sh := newSaleShop(t, a)
	for i := range 3 {
		cursor := sh.lastSeq(t, sh.k1.ID)
		for deadline := time.Now().Add(10 * time.Second); ; { // B has heard of every package so far
			mu.Lock()
			caught := len(heard) > 0 && strings.Contains(heard[len(heard)-1], sh.k1.ID+":"+strconv.FormatInt(cursor, 10))
			mu.Unlock()
			if caught {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("B never heard of K1's seq %d: %q", cursor, heard)
			}
			time.Sleep(time.Millisecond)
		}
		if p, err := b.PollPackages(ctx, sh.k1.ID, cursor, false); err != nil || len(p.Packages) != 0 { // B's window
			t.Fatalf("K1 on B: %+v, %v", p, err)
		}
		woken, unsubscribe := hub.Subscribe(sh.k1.ID)
		sh.update(t, func(tx *store.Tx) (err error) {
			sh.order, err = tx.PatchOrder(ctx, sh.order.ID, torg.OrderPatch{Comment: torg.Of(string(rune('a' + i)))}, nil)
			return err
		})
		select {
		case <-woken:
		case <-time.After(10 * time.Second):
			t.Fatal("B did not wake K1's poll")
		}
		unsubscribe()
		reads := b.PackageReads()
		got, err := b.PollPackages(ctx, sh.k1.ID, cursor, true)
		if err != nil {
			t.Fatal(err)
		}
		if n := b.PackageReads() - reads; n != 0 {
			t.Errorf("change %d: the woken fetch on B read the database %d times, want none", i+1, n)
		}
		want, err := b.ReadPackages(ctx, sh.k1.ID, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Packages) != 1 || !samePackages(got, want) {
			t.Fatalf("change %d: from B's memory %+v\nthe database: %+v", i+1, got, want)
		}
	}
}

// Principals are remembered while no token is revoked: after a second, ten register tokens cost
// one look for revocations, not ten lookups.
func TestPrincipalsOutliveASecondWithOneLookForRevocations(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects(t) {
		if d != "postgres" {
			continue // in process, SQLite has no round trips to count
		}
		s, trips, err := store.OpenCountingRoundTrips(ctx, storetest.DSN(t, d))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for i := range 10 {
			err := s.Update(ctx, func(tx *store.Tx) error {
				tok, err := tx.CreateAPIToken(ctx, "t"+string(rune('0'+i)), torg.RoleViewer, nil)
				secrets = append(secrets, tok.Token)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		authenticate := func() {
			for _, secret := range secrets {
				if _, err := s.Authenticate(ctx, secret); err != nil {
					t.Fatal(err)
				}
			}
		}
		authenticate()
		authenticate() // every connection has the statements prepared
		time.Sleep(1100 * time.Millisecond)
		trips.Store(0)
		authenticate()
		if n := trips.Load(); n > 3 {
			t.Errorf("ten remembered principals after a second cost %d round trips, want one look for revocations", n)
		}
	}
}

// A new order posted to the registers (the web shop's usual request) reaches a waiting register
// from memory too, made from its input or from a draft.
func TestANewOrderIsDeliveredFromMemory(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sh := newSaleShop(t, s)
		in := torg.OrderInput{CustomerCode: "retail", WarehouseID: sh.k1.WarehouseID, Status: torg.Of(torg.StatusAgreed),
			Lines: []torg.OrderLineInput{{ProductID: sh.cup.ID, Quantity: 1000}}, FillRegisters: true, Post: true}
		for _, how := range []string{"from its input", "from a draft"} {
			cursor := sh.lastSeq(t, sh.k1.ID)
			if _, err := s.PollPackages(ctx, sh.k1.ID, cursor, true); err != nil { // fills K1's window
				t.Fatal(err)
			}
			var o torg.Order
			if how == "from its input" {
				sh.update(t, func(tx *store.Tx) (err error) { o, err = tx.CreateOrder(ctx, in); return err })
			} else {
				d, err := s.DraftOrder(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				sh.update(t, func(tx *store.Tx) (err error) { o, err = tx.CreateDrafted(ctx, d); return err })
			}
			reads := s.PackageReads()
			got, err := s.PollPackages(ctx, sh.k1.ID, cursor, true)
			if err != nil {
				t.Fatal(err)
			}
			if n := s.PackageReads() - reads; n != 0 {
				t.Errorf("%s: the woken fetch read the database %d times, want none", how, n)
			}
			want, err := s.ReadPackages(ctx, sh.k1.ID, cursor)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Packages) != 1 || !samePackages(got, want) {
				t.Fatalf("%s: from memory: %+v\nthe database: %+v", how, got, want)
			}
			var snap torg.OrderSnapshot
			if err := json.Unmarshal(got.Packages[0].Order, &snap); err != nil || snap.Number != o.Number {
				t.Fatalf("%s: the order in the package: %+v, %v", how, snap, err)
			}
		}
	})
}

// listen has the hub follow the database's announcements until the test ends, telling heard what it
// hears, as serve does with its store's Heard; it returns once the listener is in place.
func listen(t *testing.T, hub *exchange.Hub, dsn string, heard func(string) []string) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	listening := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		hub.ListenPostgres(ctx, dsn, store.NotifyChannel, heard, slog.New(slog.DiscardHandler), listening)
	}()
	t.Cleanup(func() { stop(); <-done })
	<-listening
}

// twoNodes opens two stores over one new PostgreSQL database, as two serve processes would, with B's
// sequencer stopped so that A numbers every package, and a hub for B's polls. Without PostgreSQL it
// skips the test: one SQLite database has one serving process.
func twoNodes(t *testing.T) (dsn string, a, b *store.Store, hub *exchange.Hub) {
	t.Helper()
	dsn = storetest.DSN(t, "postgres")
	a, b = storetest.Open(t, dsn), storetest.Open(t, dsn)
	b.StopSequencer()
	return dsn, a, b, exchange.NewHub()
}
