-- +goose Up
-- Running totals per owner and calendar month (UTC; a month is the micros of its first instant), so
-- that a report over a period reads whole months from here and only the movements of the period's
-- first and last months. The store adds to them in the transaction that writes the movements.
-- The sums are NUMERIC, so that no month's total can fail a posting; a report whose figure is beyond
-- int64 answers so.
CREATE TABLE stock_months (
    warehouse_id TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    month        BIGINT NOT NULL,
    receipts     NUMERIC NOT NULL, -- in by goods receipts
    shipments    NUMERIC NOT NULL, -- out, as a positive quantity
    net          NUMERIC NOT NULL, -- every movement
    PRIMARY KEY (warehouse_id, product_id, month)
);
CREATE TABLE cash_months (
    cash_desk_id TEXT NOT NULL,
    month        BIGINT NOT NULL,
    cash_in      NUMERIC NOT NULL,
    cash_out     NUMERIC NOT NULL, -- as a positive amount
    net          NUMERIC NOT NULL,
    PRIMARY KEY (cash_desk_id, month)
);
CREATE TABLE debt_months (
    customer_id TEXT NOT NULL,
    month       BIGINT NOT NULL,
    invoiced    NUMERIC NOT NULL, -- up by sales invoices
    returned    NUMERIC NOT NULL, -- down by customer returns, as a positive amount
    net         NUMERIC NOT NULL,
    PRIMARY KEY (customer_id, month)
);

-- The movements of a period's first and last months are read by date across owners: each movements
-- table gets a covering index in date order, and loses the index of owner and date that the covering
-- index of migration 00013 (owner, date, amount) already holds, so a write updates as many indexes
-- as before.
DROP INDEX stock_moves_item;
DROP INDEX cash_moves_desk;
DROP INDEX debt_moves_customer;
CREATE INDEX stock_moves_date ON stock_moves (date, warehouse_id, product_id, quantity, doc_id);
CREATE INDEX cash_moves_date ON cash_moves (date, cash_desk_id, amount);
CREATE INDEX debt_moves_date ON debt_moves (date, customer_id, amount, doc_id);

INSERT INTO stock_months (warehouse_id, product_id, month, receipts, shipments, net)
SELECT warehouse_id, product_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(date / 1000000) AT TIME ZONE 'UTC')) * 1000000)::BIGINT,
       SUM(CASE WHEN quantity > 0 AND EXISTS (SELECT 1 FROM goods_receipts g WHERE g.id = m.doc_id) THEN quantity ELSE 0 END),
       SUM(CASE WHEN quantity < 0 THEN -quantity ELSE 0 END), SUM(quantity)
FROM stock_moves m GROUP BY 1, 2, 3;
INSERT INTO cash_months (cash_desk_id, month, cash_in, cash_out, net)
SELECT cash_desk_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(date / 1000000) AT TIME ZONE 'UTC')) * 1000000)::BIGINT,
       SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END), SUM(amount)
FROM cash_moves GROUP BY 1, 2;
INSERT INTO debt_months (customer_id, month, invoiced, returned, net)
SELECT customer_id, (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(date / 1000000) AT TIME ZONE 'UTC')) * 1000000)::BIGINT,
       SUM(CASE WHEN amount > 0 AND EXISTS (SELECT 1 FROM sales_invoices v WHERE v.id = m.doc_id) THEN amount ELSE 0 END),
       SUM(CASE WHEN amount < 0 AND EXISTS (SELECT 1 FROM customer_returns r WHERE r.id = m.doc_id) THEN -amount ELSE 0 END), SUM(amount)
FROM debt_moves m GROUP BY 1, 2;

-- +goose Down
DROP INDEX debt_moves_date;
DROP INDEX cash_moves_date;
DROP INDEX stock_moves_date;
CREATE INDEX stock_moves_item ON stock_moves (warehouse_id, product_id, date);
CREATE INDEX cash_moves_desk ON cash_moves (cash_desk_id, date);
CREATE INDEX debt_moves_customer ON debt_moves (customer_id, date);
DROP TABLE debt_months;
DROP TABLE cash_months;
DROP TABLE stock_months;
