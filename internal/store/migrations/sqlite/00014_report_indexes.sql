-- +goose Up
-- Period reports read movements by date: the opening balance is what moved before the period, the
-- turnover what moved inside it. Covering indexes let them read the index alone.
CREATE INDEX stock_moves_period ON stock_moves (date, warehouse_id, product_id, quantity);
CREATE INDEX cash_moves_period ON cash_moves (date, cash_desk_id, amount);
CREATE INDEX debt_moves_period ON debt_moves (date, customer_id, amount);
CREATE INDEX sales_invoices_date ON sales_invoices (date);

-- +goose Down
DROP INDEX sales_invoices_date;
DROP INDEX debt_moves_period;
DROP INDEX cash_moves_period;
DROP INDEX stock_moves_period;
