package store_test

import (
	"sync"
	"testing"

	"torg/internal/store"
	"torg/internal/store/storetest"
)

// A store opened with OnPackages tells it, once a change commits, every register that got a package
// in it: an agreed order posted to K1 and K2 wakes both, and a register of no order is not woken.
func TestAStoreTellsWhichRegistersGotPackages(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			var mu sync.Mutex
			woken := map[string]int{}
			s := storetest.New(t, d, store.OnPackages(func(registerIDs []string) {
				mu.Lock()
				defer mu.Unlock()
				for _, id := range registerIDs {
					woken[id]++
				}
			}))
			sh := newSaleShop(t, s) // Update returns after the packages are numbered and their registers told
			mu.Lock()
			defer mu.Unlock()
			if woken[sh.k1.ID] == 0 || woken[sh.k2.ID] == 0 || len(woken) != 2 {
				t.Errorf("woken %v, want K1 %s and K2 %s", woken, sh.k1.ID, sh.k2.ID)
			}
		})
	}
}
