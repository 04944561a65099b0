package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"torg"
	"torg/internal/store"
)

// option is an entry of a select.
type option struct {
	ID, Label string
}

// ordersPageSize is how many orders a page of the list shows.
const ordersPageSize = 50

// orderFilter is the list's filter, as in the query.
type orderFilter struct {
	Status, Warehouse, Customer, Q string
}

// orderRow is an order in the list.
type orderRow struct {
	torg.Order
	Customer, Warehouse string
	Received, Listed    int
}

// ordersData is the orders list page.
type ordersData struct {
	Filter                orderFilter
	Downloads             downloads
	Rows                  []orderRow
	Next, First           string
	Statuses              []torg.Status
	Warehouses, Customers []option
}

// allStatuses are the statuses in the order a filter offers them.
var allStatuses = []torg.Status{torg.StatusNew, torg.StatusAgreed, torg.StatusSold, torg.StatusClosed, torg.StatusCancelled}

func (u *UI) listOrders(p *page) error {
	q := p.r.URL.Query()
	f := orderFilter{Status: q.Get("status"), Warehouse: q.Get("warehouse"), Customer: q.Get("customer"), Q: strings.TrimSpace(q.Get("q"))}
	if format := q.Get("format"); format != "" {
		return u.exportOrders(p, f, format)
	}
	d := ordersData{Filter: f, Statuses: allStatuses, Downloads: downloadLinks(p.r.URL)}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		var err error
		if d.Warehouses, d.Customers, err = pickers(p.ctx, tx); err != nil {
			return err
		}
		list, err := u.findOrders(p.ctx, tx, f, q.Get("after"))
		if err != nil {
			return err
		}
		if list.Next != nil {
			d.Next = pageURL(p.r.URL, *list.Next)
		}
		if q.Get("after") != "" {
			d.First = pageURL(p.r.URL, "")
		}
		d.Rows, err = orderRows(p.ctx, tx, list.Items)
		return err
	})
	if err != nil {
		return err
	}
	return u.render(p, http.StatusOK, "orders", view{Nav: "orders", Title: "orders.title", Data: d})
}

// findOrders reads one page of the list: the order a number search names, or the filtered page.
func (u *UI) findOrders(ctx context.Context, tx *store.Tx, f orderFilter, after string) (torg.List[torg.Order], error) {
	if f.Q != "" {
		out := torg.List[torg.Order]{Items: []torg.Order{}}
		id, err := tx.OrderIDByNumber(ctx, f.Q)
		if err != nil || id == "" {
			return out, err
		}
		o, err := tx.Order(ctx, id)
		out.Items = append(out.Items, o)
		return out, err
	}
	page, err := pageOf(after, ordersPageSize)
	if err != nil {
		return torg.List[torg.Order]{}, err
	}
	return tx.Orders(ctx, f.store(), page)
}

func (f orderFilter) store() store.OrderFilter {
	return store.OrderFilter{Status: torg.Status(f.Status), WarehouseID: f.Warehouse, CustomerID: f.Customer}
}

// exportOrders answers every order the filters on screen find as a file of the format.
func (u *UI) exportOrders(p *page, f orderFilter, format string) error {
	t := table{Columns: []column{{"f.number", "mono"}, {"f.date", "text"}, {"f.customer", "text"}, {"f.warehouse", "text"},
		{"f.status", "text"}, {"doc.state", "text"}, {"f.total", "money"}, {"order.sold_total", "money"}, {"f.external_number", "text"}}}
	err := u.store.View(p.ctx, func(tx *store.Tx) error {
		orders, err := everyPage(func(page torg.Page) ([]torg.Order, *string, error) {
			if f.Q != "" {
				list, err := u.findOrders(p.ctx, tx, f, "")
				return list.Items, nil, err
			}
			list, err := tx.Orders(p.ctx, f.store(), page)
			return list.Items, list.Next, err
		})
		if err != nil {
			return err
		}
		rows, err := orderRows(p.ctx, tx, orders)
		for _, o := range rows {
			var sold cell = ""
			if o.SoldTotal != nil {
				sold = *o.SoldTotal
			}
			t.Rows = append(t.Rows, []cell{o.Number, o.Date, o.Customer, o.Warehouse, translate(p.lang, "status."+string(o.Status)),
				postedText(p.lang, o.Posted), o.Total, sold, deref(o.ExternalNumber)})
		}
		return err
	})
	if err != nil {
		return err
	}
	return u.export(p, "orders", t, format)
}

// pageURL is the list's URL with the cursor set (or removed when after is "").
func pageURL(u *url.URL, after string) string {
	q := u.Query()
	q.Del("after")
	q.Del("ok")
	if after != "" {
		q.Set("after", after)
	}
	return u.Path + "?" + q.Encode()
}

// orderRows adds the names of customers and warehouses to the orders.
func orderRows(ctx context.Context, tx *store.Tx, orders []torg.Order) ([]orderRow, error) {
	var custIDs, whIDs []string
	for _, o := range orders {
		custIDs, whIDs = append(custIDs, o.CustomerID), append(whIDs, o.WarehouseID)
	}
	custs, err := tx.Names(ctx, "customers", custIDs)
	if err != nil {
		return nil, err
	}
	whs, err := tx.Names(ctx, "warehouses", whIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]orderRow, len(orders))
	for i, o := range orders {
		rows[i] = orderRow{Order: o, Customer: custs[o.CustomerID].Name, Warehouse: whs[o.WarehouseID].Name, Listed: len(o.Registers)}
		for _, r := range o.Registers {
			if r.State == torg.DeliveryReceived {
				rows[i].Received++
			}
		}
	}
	return rows, nil
}

// pickers are the warehouses and customers forms and filters choose from.
func pickers(ctx context.Context, tx *store.Tx) (whs, custs []option, err error) {
	w, err := store.Warehouses.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
	if err != nil {
		return nil, nil, err
	}
	for _, x := range w.Items {
		whs = append(whs, option{x.ID, x.Name})
	}
	c, err := store.Customers.List(ctx, tx, "", torg.Page{Limit: torg.MaxPageLimit})
	if err != nil {
		return nil, nil, err
	}
	for _, x := range c.Items {
		custs = append(custs, option{x.ID, x.Name})
	}
	return whs, custs, nil
}
