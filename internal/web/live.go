package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"torg"
	"torg/internal/store"
)

// Live delivery states: the order page listens to a server-sent event stream that re-reads the
// order's registers about once a second and sends them when they change.
const (
	livePeriod   = time.Second
	liveLifetime = 55 * time.Second // then the browser reconnects: no stream outlives the server's write timeout
)

// liveState is what the order page updates in place.
type liveState struct {
	Status      torg.Status    `json:"status"`
	StatusLabel string         `json:"status_label"`
	Posted      bool           `json:"posted"`
	Version     int64          `json:"version"`
	Registers   []liveRegister `json:"registers"`
}

// liveRegister is one row of the «ККМ» tab.
type liveRegister struct {
	ID    string             `json:"id"`
	State torg.DeliveryState `json:"state"`
	Label string             `json:"label"`
	Claim bool               `json:"claim"`
}

func (u *UI) orderEvents(p *page) error {
	id := p.r.PathValue("id")
	first, err := u.liveState(p, id)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(p.w)
	rc.SetWriteDeadline(time.Now().Add(liveLifetime + 10*time.Second))
	h := p.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	p.w.WriteHeader(http.StatusOK)
	fmt.Fprint(p.w, "retry: 1000\n\n")
	last := ""
	tick, end := time.NewTicker(livePeriod), time.After(liveLifetime)
	defer tick.Stop()
	for st := first; ; {
		if b, _ := json.Marshal(st); string(b) != last {
			last = string(b)
			if _, err := fmt.Fprintf(p.w, "event: order\ndata: %s\n\n", b); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
		select {
		case <-p.ctx.Done():
			return nil
		case <-u.drain:
			return nil
		case <-end:
			return nil
		case <-tick.C:
		}
		if st, err = u.liveState(p, id); err != nil {
			u.log.Warn("live order state", "order", id, "err", err)
			return nil
		}
	}
}

// liveState reads the order's status and its registers' delivery states.
func (u *UI) liveState(p *page, id string) (liveState, error) {
	var o torg.Order
	var seller string
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if o, err = tx.Order(p.ctx, id); err != nil {
			return err
		}
		seller, err = sellingRegister(p.ctx, tx, o)
		return err
	})
	if err != nil {
		return liveState{}, err
	}
	st := liveState{Status: o.Status, StatusLabel: translate(p.lang, "status."+string(o.Status)), Posted: o.Posted, Version: o.Version,
		Registers: []liveRegister{}}
	for _, r := range o.Registers {
		state := shownState(r, seller)
		st.Registers = append(st.Registers, liveRegister{ID: r.RegisterID, State: state, Label: translate(p.lang, "state."+string(state)),
			Claim: o.Claim != nil && o.Claim.RegisterID == r.RegisterID})
	}
	return st, nil
}

// foundProduct is a product the goods table's search offers.
type foundProduct struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Unit  string `json:"unit"`
	VAT   string `json:"vat_rate"`
	Price string `json:"price"`
	// Available is the stock of the order's warehouse that other orders leave free, when the search
	// names the warehouse.
	Available *string `json:"available,omitempty"`
	// AvailableQty is Available in thousandths.
	AvailableQty *int64 `json:"available_qty,omitempty"`
}

// findProducts answers the goods table's search by code, name or barcode, as JSON.
func (u *UI) findProducts(p *page) error {
	var ps []torg.Product
	var avail map[string]torg.Quantity
	q, wh, order := p.r.URL.Query().Get("q"), p.r.URL.Query().Get("warehouse"), p.r.URL.Query().Get("order")
	err := u.store.View(p.ctx, func(tx *store.Tx) (err error) {
		if ps, err = tx.FindProducts(p.ctx, q, 12); err != nil || wh == "" {
			return err
		}
		ids := make([]string, len(ps))
		for i, x := range ps {
			ids[i] = x.ID
		}
		avail, err = tx.Available(p.ctx, wh, order, ids)
		return err
	})
	if err != nil {
		return err
	}
	f := fmtr{p.lang}
	out := make([]foundProduct, len(ps))
	for i, x := range ps {
		out[i] = foundProduct{ID: x.ID, Code: x.Code, Name: x.Name, Unit: x.Unit, VAT: string(x.VATRate), Price: f.moneyInput(x.Price)}
		if a, ok := avail[x.ID]; ok {
			text, n := f.qty(a), int64(a)
			out[i].Available, out[i].AvailableQty = &text, &n
		}
	}
	p.w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(p.w).Encode(out)
}
