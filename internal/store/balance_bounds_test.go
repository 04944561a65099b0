package store

import (
	"math"
	"slices"
	"testing"

	"torg"
)

func TestLedgerApplyChecksEveryRunningTotal(t *testing.T) {
	const max = math.MaxInt64
	newLedger := func() *ledger {
		l := &ledger{stock: newTotals[stockKey, torg.Quantity](), cash: newTotals[string, torg.Money](), debt: newTotals[string, torg.Money]()}
		l.cash.v["MAIN"], l.debt.v["retail"], l.stock.v[stockKey{"W", "P"}] = max-10, max-10, math.MinInt64+10
		l.cash.beyond["OLD"] = true
		return l
	}
	cash := func(owner string, amounts ...torg.Money) (out []moneyMove) {
		for _, a := range amounts {
			out = append(out, moneyMove{Owner: owner, Amount: a})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		stock []stockMove
		cash  []moneyMove
		debt  []moneyMove
		bad   []balanceOverflow
	}{
		{name: "changes within the range are taken", cash: cash("MAIN", 10), debt: cash("retail", 10, -10),
			stock: []stockMove{{WarehouseID: "W", ProductID: "P", Quantity: -10}}},
		{name: "a debt that rises and falls by one sale is judged by what it comes to", debt: cash("retail", 1000, -1000)},
		{name: "a cash desk one kopeck beyond is refused", cash: cash("MAIN", 11), debt: cash("retail", 5),
			bad: []balanceOverflow{{kind: kindCash, owner: "MAIN"}}},
		{name: "stock below the range is refused", stock: []stockMove{{WarehouseID: "W", ProductID: "P", Quantity: -11}},
			bad: []balanceOverflow{{kind: kindStock, owner: "W", product: "P"}}},
		{name: "moves whose own sum is beyond int64 are refused", cash: cash("NEW", max, max, -max),
			bad: []balanceOverflow{{kind: kindCash, owner: "NEW"}}},
		{name: "a total stored beyond int64 takes no change", cash: cash("OLD", -1),
			bad: []balanceOverflow{{kind: kindCash, owner: "OLD"}}},
		{name: "every total beyond is named", cash: cash("MAIN", 11), debt: cash("retail", 11),
			bad: []balanceOverflow{{kind: kindCash, owner: "MAIN"}, {kind: kindDebt, owner: "retail"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLedger()
			bad := l.apply(c.stock, c.cash, c.debt)
			if !slices.Equal(bad, c.bad) {
				t.Fatalf("refused %v, want %v", bad, c.bad)
			}
			fresh := newLedger()
			if c.bad != nil && (l.cash.v["MAIN"] != fresh.cash.v["MAIN"] || l.debt.v["retail"] != fresh.debt.v["retail"] ||
				l.stock.v[stockKey{"W", "P"}] != fresh.stock.v[stockKey{"W", "P"}]) {
				t.Fatalf("a refused change moved a total: %v %v %v", l.cash.v, l.debt.v, l.stock.v)
			}
			if c.bad == nil {
				var want torg.Money = max - 10
				for _, m := range c.cash {
					want += m.Amount
				}
				if l.cash.v["MAIN"] != want {
					t.Fatalf("MAIN holds %d, want %d", l.cash.v["MAIN"], want)
				}
			}
		})
	}
}
