-- +goose Up
-- Running totals of the sales analysis, added in the transaction that posts a sales invoice or a
-- customer return, so that the report reads whole hours (or months) from here and only the
-- documents of a period's partial first and last hour (or month).
-- sales_hours: per UTC hour (the micros of its first instant), warehouse, register and cashier: the
-- receipts (posted sales invoices), their quantity, revenue and VAT, and the customer returns made
-- there (their amount and count). An hour folds into one day of any zone whose offset is whole hours.
-- sales_product_months: per UTC month, warehouse, register and product: the receipts containing
-- it, its quantity, revenue (the lines' amounts) and VAT, and its returns (the return lines' amounts
-- and the count of returns containing it).
-- A sum beyond int64 turns into a REAL here; the report then answers that the figure is beyond range.
CREATE TABLE sales_hours (
    hour          INTEGER NOT NULL,
    warehouse_id  TEXT NOT NULL,
    register_id   TEXT NOT NULL,
    cashier       TEXT NOT NULL,
    receipts      INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    revenue       INTEGER NOT NULL,
    vat           INTEGER NOT NULL,
    returns       INTEGER NOT NULL,
    return_count  INTEGER NOT NULL,
    PRIMARY KEY (hour, warehouse_id, register_id, cashier)
) WITHOUT ROWID;
CREATE TABLE sales_product_months (
    month         INTEGER NOT NULL,
    warehouse_id  TEXT NOT NULL,
    register_id   TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    receipts      INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    revenue       INTEGER NOT NULL,
    vat           INTEGER NOT NULL,
    returns       INTEGER NOT NULL,
    return_count  INTEGER NOT NULL,
    PRIMARY KEY (month, warehouse_id, register_id, product_id)
) WITHOUT ROWID;
-- The period's edges read customer returns by date; a product filter finds its documents by product.
CREATE INDEX customer_returns_date ON customer_returns (date);
CREATE INDEX sales_invoice_lines_product ON sales_invoice_lines (product_id, invoice_id);
CREATE INDEX customer_return_lines_product ON customer_return_lines (product_id, return_id);

INSERT INTO sales_hours (hour, warehouse_id, register_id, cashier, receipts, quantity, revenue, vat, returns, return_count)
SELECT hour, warehouse_id, register_id, cashier, SUM(receipts), SUM(quantity), SUM(revenue), SUM(vat), SUM(returns), SUM(return_count) FROM (
    SELECT v.date / 3600000000 * 3600000000 AS hour, v.warehouse_id, v.register_id, t.cashier, 1 AS receipts,
           COALESCE((SELECT SUM(l.quantity) FROM sales_invoice_lines l WHERE l.invoice_id = v.id), 0) AS quantity,
           v.total AS revenue, v.vat_total AS vat, 0 AS returns, 0 AS return_count
    FROM sales_invoices v JOIN transactions t ON t.id = v.transaction_id WHERE v.posted
    UNION ALL
    SELECT r.date / 3600000000 * 3600000000, r.warehouse_id, r.register_id, t.cashier, 0, 0, 0, 0, r.total, 1
    FROM customer_returns r JOIN transactions t ON t.id = r.transaction_id WHERE r.posted
) u GROUP BY 1, 2, 3, 4;
INSERT INTO sales_product_months (month, warehouse_id, register_id, product_id, receipts, quantity, revenue, vat, returns, return_count)
SELECT month, warehouse_id, register_id, product_id, SUM(receipts), SUM(quantity), SUM(revenue), SUM(vat), SUM(returns), SUM(return_count) FROM (
    SELECT CAST(strftime('%s', v.date / 1000000, 'unixepoch', 'start of month') AS INTEGER) * 1000000 AS month, v.warehouse_id,
           v.register_id, l.product_id, COUNT(DISTINCT v.id) AS receipts, SUM(l.quantity) AS quantity, SUM(l.amount) AS revenue,
           SUM(l.vat_amount) AS vat, 0 AS returns, 0 AS return_count
    FROM sales_invoice_lines l JOIN sales_invoices v ON v.id = l.invoice_id WHERE v.posted GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT CAST(strftime('%s', r.date / 1000000, 'unixepoch', 'start of month') AS INTEGER) * 1000000, r.warehouse_id, r.register_id,
           l.product_id, 0, 0, 0, 0, SUM(l.amount), COUNT(DISTINCT r.id)
    FROM customer_return_lines l JOIN customer_returns r ON r.id = l.return_id WHERE r.posted GROUP BY 1, 2, 3, 4
) u GROUP BY 1, 2, 3, 4;

-- +goose Down
DROP INDEX customer_return_lines_product;
DROP INDEX sales_invoice_lines_product;
DROP INDEX customer_returns_date;
DROP TABLE sales_product_months;
DROP TABLE sales_hours;
