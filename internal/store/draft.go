package store

import (
	"context"
	"fmt"
	"strings"

	"torg"
)

// This file keeps work out of SQLite's single writer. A new order is drafted before the writer,
// on a read connection: its customer, warehouse, products and registers read, its lines priced,
// its plan made and the JSON its registers receive rendered. The writer then checks with one read
// that the catalog has not changed since (a version that triggers on the catalog's tables advance,
// migration 00019), and writes the draft; when the catalog did change, it drafts the order again
// inside, as it always did. On PostgreSQL the reads are one round trip inside the transaction
// anyway, and there is no single writer to spare: the draft is made there.

// OrderDraft is a new order worked out before the transaction that writes it: everything but its
// number. Make one with Store.DraftOrder and write it with Tx.CreateDrafted.
type OrderDraft struct {
	in       torg.OrderInput
	order    torg.Order // all but its number
	plan     torg.Plan
	snapshot string // the JSON registers receive, with an empty number
	catalog  int64  // the catalog's version the draft was read at; 0 when it was not drafted ahead
}

// DraftOrder works out the order the input makes, outside any write transaction (on SQLite; on
// PostgreSQL it only validates the input). Bad input is refused here, naming every bad field.
func (s *Store) DraftOrder(ctx context.Context, in torg.OrderInput) (*OrderDraft, error) {
	if s.group == nil {
		return &OrderDraft{in: in}, in.Validate()
	}
	var d OrderDraft
	defer s.drafts.prepare(s.db) // what this draft met for the first time, for the next ones
	err := s.View(ctx, func(tx *Tx) error {
		tx.stmts = &s.drafts // prepared on the read pool: parsing SQL would cost more than the reads
		v, err := tx.catalogVersion(ctx)
		if err != nil {
			return err
		}
		if d, err = tx.draftOrder(ctx, in); err != nil {
			return err
		}
		d.catalog = v
		return nil
	})
	return &d, err
}

// CreateDrafted makes the drafted order, as CreateOrder makes it from its input: when the catalog
// changed since the draft was made, the order is drafted again in this transaction.
func (tx *Tx) CreateDrafted(ctx context.Context, d *OrderDraft) (torg.Order, error) {
	if d.catalog == 0 {
		return tx.CreateOrder(ctx, d.in)
	}
	v, err := tx.catalogVersion(ctx)
	if err != nil {
		return torg.Order{}, err
	}
	if v != d.catalog {
		return tx.CreateOrder(ctx, d.in)
	}
	return tx.writeOrder(ctx, *d)
}

// catalogVersion is the version of what an order reads of the catalog (customers, warehouses,
// products, registers' warehouses and order settings): SQLite's triggers advance it with every
// change of them, in the changing transaction.
func (tx *Tx) catalogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := tx.queryRow(ctx, "SELECT value FROM counters WHERE name = 'catalog_version'").Scan(&v)
	return v + 1, err // never 0, which means "not drafted ahead"
}

// noNumber is how a snapshot rendered before its order's number was taken shows the number.
const noNumber = `"number":""`

// withNumber puts the order's number into a snapshot rendered without it. The number is the
// snapshot's second field, after the id, which holds no quotes; a comment's quotes are escaped.
func withNumber(body, number string) (string, error) {
	i := strings.Index(body, noNumber)
	if i < 0 {
		return "", fmt.Errorf("store: a snapshot without a number field: %.80s", body)
	}
	return body[:i] + `"number":"` + number + `"` + body[i+len(noNumber):], nil
}
