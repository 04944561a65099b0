package register

import (
	"context"
	"testing"
	"time"

	"torg"
)

// TestAnOrderTakenElsewhereIsShownAsTaken: order.claimed marks an order as picked by another
// register until its claim ends; order.released, or the claim's end, makes it available again.
func TestAnOrderTakenElsewhereIsShownAsTaken(t *testing.T) {
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	past := time.Now().Add(-time.Minute)
	f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{
		0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}, {Seq: 2, Kind: torg.PackageUpsert, Order: snapshot("b", 1)},
			{Seq: 3, Kind: torg.PackageClaimed, OrderID: "a", RegisterID: "k1", RegisterName: "Касса 1", ExpiresAt: &until},
			{Seq: 4, Kind: torg.PackageClaimed, OrderID: "b", RegisterID: "k1", RegisterName: "Касса 1", ExpiresAt: &past}},
	}}
	a, _ := startAgent(t, f, t.TempDir())
	states := func() map[string]LocalOrder {
		os, err := a.orders(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]LocalOrder{}
		for _, o := range os {
			out[o.ID] = o
		}
		return out
	}
	eventually(t, "the claims arrive", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.afters) > 1 && f.afters[len(f.afters)-1] >= 4
	})
	got := states()
	if o := got["a"]; o.State != "taken" || o.TakenBy != "Касса 1" || o.TakenUntil == nil || !o.TakenUntil.Equal(until) {
		t.Errorf("order a: %+v, want taken by Касса 1 until %v", o, until)
	}
	if o := got["b"]; o.State != "available" {
		t.Errorf("order b, whose claim ended: %s, want available", o.State)
	}

	f.mu.Lock()
	f.pages[4] = []torg.Package{{Seq: 5, Kind: torg.PackageReleased, OrderID: "a"}}
	f.mu.Unlock()
	eventually(t, "the release arrives", func() bool { return states()["a"].State == "available" })
}
