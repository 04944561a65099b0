-- +goose Up
-- Period reports sum movements by owner over a span of dates: the opening balance is what moved
-- before the period, the turnover what moved inside it. These covering indexes hold each owner's
-- movements in date order with the amount, so a report reads the index alone, group after group,
-- without sorting.
CREATE INDEX stock_moves_turnover ON stock_moves (warehouse_id, product_id, date, quantity, doc_id);
CREATE INDEX cash_moves_turnover ON cash_moves (cash_desk_id, date, amount);
CREATE INDEX debt_moves_turnover ON debt_moves (customer_id, date, amount, doc_id);
CREATE INDEX sales_invoices_date ON sales_invoices (date);

-- +goose Down
DROP INDEX sales_invoices_date;
DROP INDEX debt_moves_turnover;
DROP INDEX cash_moves_turnover;
DROP INDEX stock_moves_turnover;
