package torg

import (
	"encoding/json"
	"time"
)

// Package kinds: what an exchange package tells a register.
const (
	PackageUpsert = "order.upsert" // the order, as it is now: show it
	PackageDelete = "order.delete" // the order is no longer offered here: remove it
	// PackageClaimed: another register picked the order («Подобрать чек»); show it as taken until
	// the claim expires, is released, or the order changes.
	PackageClaimed = "order.claimed"
	// PackageReleased: the register that picked the order let it go; it is available again.
	PackageReleased = "order.released"
)

// Reasons an order.delete package gives.
const (
	ReasonSold      = "sold"
	ReasonCancelled = "cancelled"
	ReasonUnposted  = "unposted"
	ReasonNotAgreed = "not_agreed"
	ReasonRemoved   = "removed"
)

// Package is one exchange package («Пакет обмена») for one register; seq counts a register's
// packages from 1 without gaps.
type Package struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	Order   json.RawMessage `json:"order,omitempty"`    // an OrderSnapshot, for order.upsert
	OrderID string          `json:"order_id,omitempty"` // for every kind but order.upsert
	Reason  string          `json:"reason,omitempty"`   // for order.delete
	// For order.claimed: the register that picked the order, its name, and when its claim ends
	// unless renewed.
	RegisterID   string     `json:"register_id,omitempty"`
	RegisterName string     `json:"register_name,omitempty"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	// Written is when the change that made the package queued it: where its delivery's latency starts.
	Written time.Time `json:"-"`
}

// Packages is a register's answer to a fetch: packages after its cursor, oldest first, and the seq
// of the newest package it has (more wait when it is beyond the last one returned).
type Packages struct {
	Packages []Package `json:"packages"`
	LastSeq  int64     `json:"last_seq"`
}

// OrderSnapshot is what a register receives of one version of an order.
type OrderSnapshot struct {
	ID          string         `json:"id"`
	Number      string         `json:"number"`
	Version     int64          `json:"version"`
	Date        time.Time      `json:"date"`
	Customer    CustomerRef    `json:"customer"`
	WarehouseID string         `json:"warehouse_id"`
	Comment     string         `json:"comment"`
	Lines       []SnapshotLine `json:"lines"`
	Total       Money          `json:"total"`
}

// CustomerRef names a customer in a snapshot.
type CustomerRef struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Phone string `json:"phone"` // so that the cashier can find the order by it; "" when unknown
}

// SnapshotLine is an order line as a register shows and sells it.
type SnapshotLine struct {
	LineNo      int      `json:"line_no"`
	ProductID   string   `json:"product_id"`
	ProductCode string   `json:"product_code"`
	Name        string   `json:"name"`
	Unit        string   `json:"unit"`
	Quantity    Quantity `json:"quantity"`
	Price       Money    `json:"price"`
	Discount    Money    `json:"discount"`
	Amount      Money    `json:"amount"`
	VATRate     VATRate  `json:"vat_rate"`
}

// NumberPackages gives each queued package, in queue order, its register's next seq: last holds the
// newest seq of each register before the batch and is moved past it. Numbering a batch in queue
// order keeps one order's packages to a register in the order its changes committed.
func NumberPackages(last map[string]int64, registerIDs []string) []int64 {
	seqs := make([]int64, len(registerIDs))
	for i, id := range registerIDs {
		last[id]++
		seqs[i] = last[id]
	}
	return seqs
}
