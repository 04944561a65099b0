package store

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"torg"
)

// newID makes an opaque, time-ordered id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Catalog is one catalog kind (warehouses, products, …): how its items of type T are kept, and the
// input In that creates or patches one. Every catalog has an id and a unique code.
type Catalog[T any, In interface{ Apply(*T) error }] struct {
	zero  func() T // a new item with its defaults
	table string
	noun  string
	cols  []string                // columns after id, in the order of vals and scan
	extra []string                // columns scanned after cols but never written here
	vals  func(*T) []any          // values of cols
	scan  func(scanner, *T) error // scans id followed by cols
	id    func(*T) *string
	code  func(*T) string
	check func(context.Context, *Tx, *T) error  // references to other rows, optional
	save  func(context.Context, *Tx, *T) error  // side tables, after insert or update, optional
	load  func(context.Context, *Tx, []T) error // side tables, after a read, optional
}

func (c *Catalog[T, In]) selectSQL() string {
	return "SELECT id, " + strings.Join(append(c.cols[:len(c.cols):len(c.cols)], c.extra...), ", ") + " FROM " + c.table
}

// Create validates in and inserts a new item.
func (c *Catalog[T, In]) Create(ctx context.Context, tx *Tx, in In) (T, error) {
	v := c.zero()
	if err := in.Apply(&v); err != nil {
		return v, err
	}
	return v, c.insert(ctx, tx, &v)
}

// Validate checks in as Create would, without the database.
func (c *Catalog[T, In]) Validate(in In) error {
	v := c.zero()
	return in.Apply(&v)
}

// Get returns the item with the id.
func (c *Catalog[T, In]) Get(ctx context.Context, tx *Tx, id string) (T, error) {
	return c.get(ctx, tx, id, false)
}

// Patch applies in to the item with the id, validates the result and stores it.
func (c *Catalog[T, In]) Patch(ctx context.Context, tx *Tx, id string, in In) (T, error) {
	return c.patch(ctx, tx, id, in.Apply)
}

// List returns a page of items in creation order, only the one with the code when code is not empty.
func (c *Catalog[T, In]) List(ctx context.Context, tx *Tx, code string, page torg.Page) (torg.List[T], error) {
	return c.list(ctx, tx, code, page)
}

func (c *Catalog[T, In]) insert(ctx context.Context, tx *Tx, v *T) error {
	*c.id(v) = newID()
	if err := c.runCheck(ctx, tx, v); err != nil {
		return err
	}
	now := micros(torg.Now())
	q := "INSERT INTO " + c.table + " (id, " + strings.Join(c.cols, ", ") + ", created_at, updated_at) VALUES (?" +
		strings.Repeat(", ?", len(c.cols)+2) + ")"
	args := append(append([]any{*c.id(v)}, c.vals(v)...), now, now)
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return duplicate(translate(err), "code", c.code(v))
	}
	return c.runSave(ctx, tx, v)
}

func (c *Catalog[T, In]) get(ctx context.Context, tx *Tx, id string, lock bool) (T, error) {
	var v T
	q := c.selectSQL() + " WHERE id = ?"
	if lock {
		q += tx.d.forUpdate
	}
	err := c.scan(tx.queryRow(ctx, q, id), &v)
	if errNoRows(err) {
		return v, notFound(c.noun, id)
	}
	if err != nil {
		return v, err
	}
	items := []T{v}
	if c.load != nil {
		err = c.load(ctx, tx, items)
	}
	return items[0], err
}

func (c *Catalog[T, In]) patch(ctx context.Context, tx *Tx, id string, apply func(*T) error) (T, error) {
	v, err := c.get(ctx, tx, id, true)
	if err != nil {
		return v, err
	}
	if err := apply(&v); err != nil {
		return v, err
	}
	if err := c.runCheck(ctx, tx, &v); err != nil {
		return v, err
	}
	q := "UPDATE " + c.table + " SET " + strings.Join(c.cols, " = ?, ") + " = ?, updated_at = ? WHERE id = ?"
	args := append(c.vals(&v), micros(torg.Now()), id)
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return v, duplicate(translate(err), "code", c.code(&v))
	}
	return v, c.runSave(ctx, tx, &v)
}

func (c *Catalog[T, In]) list(ctx context.Context, tx *Tx, code string, page torg.Page) (torg.List[T], error) {
	q, args := c.selectSQL()+" WHERE id > ?", []any{page.After}
	if code != "" {
		q, args = q+" AND code = ?", append(args, code)
	}
	q, args = q+" ORDER BY id LIMIT ?", append(args, page.Limit+1)
	items := []T{}
	err := tx.eachRow(ctx, func(row scanner) error {
		var v T
		if err := c.scan(row, &v); err != nil {
			return err
		}
		items = append(items, v)
		return nil
	}, q, args...)
	if err != nil {
		return torg.List[T]{}, err
	}
	var out torg.List[T]
	if len(items) > page.Limit {
		items = items[:page.Limit]
		next := torg.EncodeCursor(*c.id(&items[len(items)-1]))
		out.Next = &next
	}
	if c.load != nil && len(items) > 0 {
		if err := c.load(ctx, tx, items); err != nil {
			return out, err
		}
	}
	out.Items = items
	return out, nil
}

func (c *Catalog[T, In]) runCheck(ctx context.Context, tx *Tx, v *T) error {
	if c.check == nil {
		return nil
	}
	return c.check(ctx, tx, v)
}

func (c *Catalog[T, In]) runSave(ctx context.Context, tx *Tx, v *T) error {
	if c.save == nil {
		return nil
	}
	return c.save(ctx, tx, v)
}

// exists reports whether table has a row with the id.
func (tx *Tx) exists(ctx context.Context, table, id string) (bool, error) {
	var one int
	err := tx.queryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&one)
	if errNoRows(err) {
		return false, nil
	}
	return err == nil, err
}
