package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"torg"
)

// This file is where orders are posted: the one function offer brings the registers listed on an
// order in line with it — an agreed, posted order goes to every listed register that lacks its
// current version, and any other order is withdrawn from every register that holds it — together
// with the order's reservation. Every change of an order runs it in the change's own transaction.

// setPosted stores the posted flag and offers or withdraws the order accordingly.
func (tx *Tx) setPosted(ctx context.Context, o *torg.Order, posted bool) error {
	if o.Posted != posted {
		o.Posted = posted
		if _, err := tx.exec(ctx, "UPDATE orders SET posted = ?, updated_at = ? WHERE id = ?", posted, micros(torg.Now()), o.ID); err != nil {
			return err
		}
	}
	return tx.offer(ctx, o)
}

// offer sends order.upsert to each listed register that lacks the current version of an agreed,
// posted order, or order.delete to each register that holds any other order; it keeps the order's
// reservation and ends a claim on an order no longer offered.
func (tx *Tx) offer(ctx context.Context, o *torg.Order) error {
	if o.Posted && o.Status == torg.StatusAgreed {
		// The registers' counter rows are locked last, so that other orders to them wait the least.
		if err := tx.reserve(ctx, o); err != nil {
			return err
		}
		var need []string
		for _, r := range o.Registers {
			if !r.State.Holds() || r.SentVersion != o.Version {
				need = append(need, r.RegisterID)
			}
		}
		if len(need) == 0 {
			return nil
		}
		if err := tx.snapshot(ctx, o); err != nil {
			return err
		}
		return tx.deliver(ctx, o, need, torg.PackageUpsert, "", torg.DeliverySent)
	}
	reason := torg.ReasonNotAgreed
	switch {
	case o.Status == torg.StatusCancelled:
		reason = torg.ReasonCancelled
	case !o.Posted:
		reason = torg.ReasonUnposted
	}
	if err := tx.withdraw(ctx, o, holders(o, ""), reason); err != nil {
		return err
	}
	if err := tx.setClaim(ctx, o, nil); err != nil {
		return err
	}
	return tx.unreserve(ctx, o.ID)
}

// holders lists the registers that hold the order (or are being sent it), except one.
func holders(o *torg.Order, except string) []string {
	var out []string
	for _, r := range o.Registers {
		if r.State.Holds() && r.RegisterID != except {
			out = append(out, r.RegisterID)
		}
	}
	return out
}

// withdraw sends order.delete with the reason to the registers.
func (tx *Tx) withdraw(ctx context.Context, o *torg.Order, registerIDs []string, reason string) error {
	if len(registerIDs) == 0 {
		return nil
	}
	return tx.deliver(ctx, o, registerIDs, torg.PackageDelete, reason, torg.DeliveryWithdrawalSent)
}

// deliver adds one package for each register and moves each register's delivery state.
func (tx *Tx) deliver(ctx context.Context, o *torg.Order, registerIDs []string, kind, reason string, state torg.DeliveryState) error {
	var why *string
	if reason != "" {
		why = &reason
	}
	if err := tx.addPackages(ctx, o, registerIDs, kind, why, nil); err != nil {
		return err
	}
	in, ids := marks(len(registerIDs)), anys(registerIDs)
	_, err := tx.exec(ctx, "UPDATE order_registers SET state = ?, sent_version = ?,"+
		" package_seq = (SELECT last_seq FROM registers r WHERE r.id = order_registers.register_id)"+
		" WHERE order_id = ? AND register_id IN ("+in+")", append([]any{string(state), o.Version, o.ID}, ids...)...)
	if err != nil {
		return err
	}
	for i := range o.Registers {
		if slices.Contains(registerIDs, o.Registers[i].RegisterID) {
			o.Registers[i].State, o.Registers[i].SentVersion = state, o.Version
		}
	}
	return nil
}

// addPackages adds one package about the order for each register, numbered by the register's own
// counter in this transaction (the counter row stays locked until commit, so a register's packages
// commit in seq order and a reader never skips one), and wakes the registers after commit. claim is
// what an order.claimed package announces.
func (tx *Tx) addPackages(ctx context.Context, o *torg.Order, registerIDs []string, kind string, reason *string, claim *torg.Claim) error {
	if len(registerIDs) == 0 {
		return nil
	}
	in, ids := marks(len(registerIDs)), anys(registerIDs)
	if tx.d.pg {
		// Lock the counter rows in id order first, so that transactions sending to the same registers
		// never deadlock. NO KEY UPDATE, the lock the UPDATE takes anyway, lets foreign-key checks of
		// other transactions (KEY SHARE) through.
		if _, err := tx.exec(ctx, "SELECT id FROM registers WHERE id IN ("+in+") ORDER BY id FOR NO KEY UPDATE", ids...); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, "UPDATE registers SET last_seq = last_seq + 1 WHERE id IN ("+in+")", ids...); err != nil {
		return err
	}
	var claimant, expires any
	if claim != nil {
		claimant, expires = claim.RegisterID, micros(claim.ExpiresAt)
	}
	_, err := tx.exec(ctx, "INSERT INTO packages (register_id, seq, kind, order_id, version, reason, claim_register_id, claim_expires_at, created_at)"+
		" SELECT id, last_seq, ?, ?, ?, ?, ?, ?, ? FROM registers WHERE id IN ("+in+")",
		append([]any{kind, o.ID, o.Version, reason, claimant, expires, micros(torg.Now())}, ids...)...)
	if err != nil {
		return err
	}
	return tx.wake(ctx, registerIDs)
}

// snapshot stores what registers receive of the order's current version, once per version.
func (tx *Tx) snapshot(ctx context.Context, o *torg.Order) error {
	s := torg.OrderSnapshot{ID: o.ID, Number: o.Number, Version: o.Version, Date: o.Date, WarehouseID: o.WarehouseID,
		Comment: o.Comment, Total: o.Total, Lines: make([]torg.SnapshotLine, len(o.Lines))}
	err := tx.queryRow(ctx, "SELECT id, code, name, phone FROM customers WHERE id = ?", o.CustomerID).Scan(&s.Customer.ID, &s.Customer.Code,
		&s.Customer.Name, &s.Customer.Phone)
	if err != nil {
		return err
	}
	ids := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ProductID
	}
	prods, err := tx.products(ctx, ids, nil)
	if err != nil {
		return err
	}
	for i, l := range o.Lines {
		p := prods["id:"+l.ProductID]
		s.Lines[i] = torg.SnapshotLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: p.code, Name: p.name, Unit: p.unit,
			Quantity: l.Quantity, Price: l.Price, Discount: l.Discount, Amount: l.Amount, VATRate: l.VATRate}
	}
	body, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, "INSERT INTO order_snapshots (order_id, version, body) VALUES (?, ?, ?) ON CONFLICT (order_id, version) DO NOTHING",
		o.ID, o.Version, string(body))
	return err
}

// reserve makes the order's reservation equal its lines.
func (tx *Tx) reserve(ctx context.Context, o *torg.Order) error {
	if err := tx.unreserve(ctx, o.ID); err != nil {
		return err
	}
	args := make([]any, 0, len(o.Lines)*5)
	for _, l := range o.Lines {
		args = append(args, o.ID, l.LineNo, o.WarehouseID, l.ProductID, int64(l.Quantity))
	}
	_, err := tx.exec(ctx, "INSERT INTO reservations (order_id, line_no, warehouse_id, product_id, quantity) VALUES "+rowsOf(len(o.Lines), 5), args...)
	return err
}

// unreserve ends the order's reservation.
func (tx *Tx) unreserve(ctx context.Context, orderID string) error {
	_, err := tx.exec(ctx, "DELETE FROM reservations WHERE order_id = ?", orderID)
	return err
}

// setClaim stores or (with nil) ends the register's claim on the order.
func (tx *Tx) setClaim(ctx context.Context, o *torg.Order, c *torg.Claim) error {
	if c == nil && o.Claim == nil {
		return nil
	}
	var reg, exp any
	if c != nil {
		reg, exp = c.RegisterID, micros(c.ExpiresAt)
	}
	o.Claim = c
	_, err := tx.exec(ctx, "UPDATE orders SET claim_register_id = ?, claim_expires_at = ? WHERE id = ?", reg, exp, o.ID)
	return err
}

// editable locks the order for a change staff or an integrator make, refusing one that is sold,
// closed or cancelled.
func (tx *Tx) editable(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if !o.Status.Editable() {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be changed", o.Number, o.Status)
	}
	return o, nil
}

// PatchOrder changes the order's status, comment, date, customer or lines. ifMatch, when not nil, is
// the version the client saw. A posted order is offered again in the same transaction.
func (tx *Tx) PatchOrder(ctx context.Context, id string, in torg.OrderPatch, ifMatch *int64) (torg.Order, error) {
	if err := in.Validate(); err != nil {
		return torg.Order{}, err
	}
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if ifMatch != nil && *ifMatch != o.Version {
		return o, torg.Errorf(torg.CodeStaleVersion, "order %s is at version %d, not %d", o.Number, o.Version, *ifMatch)
	}
	if !o.Status.Editable() {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be changed", o.Number, o.Status)
	}
	changed, err := tx.applyPatch(ctx, &o, in)
	if err != nil || !changed {
		return o, err
	}
	o.Version++
	_, err = tx.exec(ctx, "UPDATE orders SET status = ?, comment = ?, date = ?, customer_id = ?, total = ?, version = ?, updated_at = ? WHERE id = ?",
		string(o.Status), o.Comment, micros(o.Date), o.CustomerID, int64(o.Total), o.Version, micros(torg.Now()), o.ID)
	if err != nil {
		return o, err
	}
	if in.Lines.Set {
		if err := tx.insertLines(ctx, o.ID, o.Lines); err != nil {
			return o, err
		}
	}
	if o.Posted || o.Status == torg.StatusCancelled {
		if err := tx.offer(ctx, &o); err != nil {
			return o, err
		}
	}
	return tx.Order(ctx, o.ID)
}

// applyPatch changes o in memory and reports whether anything differs.
func (tx *Tx) applyPatch(ctx context.Context, o *torg.Order, in torg.OrderPatch) (bool, error) {
	before := *o
	before.Lines = slices.Clone(o.Lines)
	var f torg.Fields
	if in.Status.Set && in.Status.Value != o.Status {
		if !o.Status.CanBecome(in.Status.Value) {
			return false, torg.Errorf(torg.CodeStateConflict, "order %s cannot go from %s to %s", o.Number, o.Status, in.Status.Value)
		}
		o.Status = in.Status.Value
	}
	in.Comment.ApplyTo(&o.Comment)
	if in.Date.Set {
		o.Date = in.Date.Value.UTC().Truncate(time.Microsecond)
	}
	if in.CustomerID.Set || in.CustomerCode.Set {
		o.CustomerID = tx.resolve(ctx, &f, "customers", "customer", in.CustomerID.Value, in.CustomerCode.Value)
	}
	if in.Lines.Set {
		lines, err := tx.priceLines(ctx, &f, in.Lines.Value)
		if err != nil {
			return false, err
		}
		o.Lines, o.Total = lines, torg.Total(lines)
	}
	if err := f.Err(); err != nil {
		return false, err
	}
	changed := o.Status != before.Status || o.Comment != before.Comment || !o.Date.Equal(before.Date) ||
		o.CustomerID != before.CustomerID || !slices.Equal(o.Lines, before.Lines)
	return changed, nil
}

// PostOrder posts the order («Провести»): an agreed order goes to its registers; any other is
// withdrawn from them. Posting again changes nothing.
func (tx *Tx) PostOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	if err := tx.setPosted(ctx, &o, true); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}

// UnpostOrder withdraws the order from every register and ends its reservation.
func (tx *Tx) UnpostOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil {
		return o, err
	}
	if o.Status == torg.StatusSold || o.Status == torg.StatusClosed {
		return o, torg.Errorf(torg.CodeStateConflict, "order %s is %s and cannot be unposted", o.Number, o.Status)
	}
	if err := tx.setPosted(ctx, &o, false); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}

// CancelOrder cancels the order and withdraws it from every register. Cancelling again changes nothing.
func (tx *Tx) CancelOrder(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.order(ctx, id, true)
	if err != nil || o.Status == torg.StatusCancelled {
		return o, err
	}
	return tx.PatchOrder(ctx, id, torg.OrderPatch{Status: torg.Of(torg.StatusCancelled)}, nil)
}

// AddOrderRegister lists a register that accepts orders on the order (Add); a posted, agreed order is
// sent to it at once.
func (tx *Tx) AddOrderRegister(ctx context.Context, id, registerID string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	var f torg.Fields
	if err := tx.checkAddable(ctx, &f, "register_id", []string{registerID}); err != nil {
		return o, err
	}
	if err := f.Err(); err != nil {
		return o, err
	}
	return tx.afterListChange(ctx, &o, tx.listRegisters(ctx, &o, []string{registerID}))
}

// FillOrderRegisters lists every register of the order's warehouse that loads orders automatically (Fill).
func (tx *Tx) FillOrderRegisters(ctx context.Context, id string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	return tx.afterListChange(ctx, &o, tx.fill(ctx, &o))
}

func (tx *Tx) afterListChange(ctx context.Context, o *torg.Order, err error) (torg.Order, error) {
	if err != nil {
		return *o, err
	}
	if o.Posted {
		if err := tx.offer(ctx, o); err != nil {
			return *o, err
		}
	}
	return tx.Order(ctx, o.ID)
}

// RemoveOrderRegister takes a register off the order's list; if it holds the order it gets
// order.delete, and its claim ends.
func (tx *Tx) RemoveOrderRegister(ctx context.Context, id, registerID string) (torg.Order, error) {
	o, err := tx.editable(ctx, id)
	if err != nil {
		return o, err
	}
	i := slices.IndexFunc(o.Registers, func(r torg.OrderRegister) bool { return r.RegisterID == registerID })
	if i < 0 {
		return o, torg.Errorf(torg.CodeNotFound, "register %q is not listed on order %s", registerID, o.Number)
	}
	if o.Registers[i].State.Holds() {
		if err := tx.withdraw(ctx, &o, []string{registerID}, torg.ReasonRemoved); err != nil {
			return o, err
		}
	}
	if o.Claim != nil && o.Claim.RegisterID == registerID {
		if err := tx.setClaim(ctx, &o, nil); err != nil {
			return o, err
		}
	}
	if _, err := tx.exec(ctx, "DELETE FROM order_registers WHERE order_id = ? AND register_id = ?", id, registerID); err != nil {
		return o, err
	}
	return tx.Order(ctx, id)
}

// wake records that the registers have new packages: the store wakes their long polls after commit,
// and on PostgreSQL every other process's too, through NOTIFY (delivered only on commit).
func (tx *Tx) wake(ctx context.Context, registerIDs []string) error {
	tx.woken = append(tx.woken, registerIDs...)
	if !tx.d.pg {
		return nil
	}
	for len(registerIDs) > 0 { // a payload stays well under NOTIFY's 8000 bytes
		n := min(len(registerIDs), 150)
		if _, err := tx.exec(ctx, "SELECT pg_notify('"+NotifyChannel+"', ?)", strings.Join(registerIDs[:n], ",")); err != nil {
			return err
		}
		registerIDs = registerIDs[n:]
	}
	return nil
}

// NotifyChannel is the PostgreSQL channel on which processes tell each other of new packages: the
// payload is a comma-separated list of register ids.
const NotifyChannel = "torg_packages"

// Reserved is the quantity of the product that orders hold in the warehouse.
func (tx *Tx) Reserved(ctx context.Context, warehouseID, productID string) (torg.Quantity, error) {
	var q torg.Quantity
	err := tx.queryRow(ctx, "SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE warehouse_id = ? AND product_id = ?",
		warehouseID, productID).Scan(&q)
	return q, err
}
