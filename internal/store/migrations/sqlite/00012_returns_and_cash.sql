-- +goose Up
-- Returns («Возврат прихода») and the till's cash in and cash out: a transaction has a kind, and a
-- return names the sale it refunds. KKMTransfer turns a return into a customer return, a cash
-- expense order for the cash paid back and a card refund for the card part; a cash out into a cash
-- expense order. Each document carries its transaction under a unique constraint.
ALTER TABLE transactions ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale';
ALTER TABLE transactions ADD COLUMN original_transaction_id TEXT REFERENCES transactions (id);
ALTER TABLE transactions ADD COLUMN customer_return_id TEXT;
ALTER TABLE transactions ADD COLUMN cash_expense_id TEXT;
ALTER TABLE transactions ADD COLUMN card_refund_id TEXT;
CREATE INDEX transactions_original ON transactions (original_transaction_id);
CREATE INDEX transactions_kind ON transactions (kind, received_at);

INSERT INTO counters (name, value) VALUES ('customer_return_number', 0), ('cash_expense_number', 0), ('card_refund_number', 0);

-- Customer returns («Возврат товаров от покупателя»): goods come back into a warehouse, the
-- customer's debt falls.
CREATE TABLE customer_returns (
    id                      TEXT PRIMARY KEY,
    number                  INTEGER NOT NULL UNIQUE,
    date                    INTEGER NOT NULL,
    posted                  BOOLEAN NOT NULL,
    order_id                TEXT REFERENCES orders (id),
    sales_invoice_id        TEXT NOT NULL REFERENCES sales_invoices (id),
    transaction_id          TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    original_transaction_id TEXT NOT NULL REFERENCES transactions (id),
    register_id             TEXT NOT NULL REFERENCES registers (id),
    customer_id             TEXT NOT NULL REFERENCES customers (id),
    warehouse_id            TEXT NOT NULL REFERENCES warehouses (id),
    total                   INTEGER NOT NULL,
    vat_total               INTEGER NOT NULL,
    created_at              INTEGER NOT NULL
);
CREATE INDEX customer_returns_order ON customer_returns (order_id);
CREATE INDEX customer_returns_invoice ON customer_returns (sales_invoice_id);
CREATE TABLE customer_return_lines (
    return_id    TEXT NOT NULL REFERENCES customer_returns (id),
    line_no      INTEGER NOT NULL,
    sale_line_no INTEGER NOT NULL,
    product_id   TEXT NOT NULL REFERENCES products (id),
    quantity     INTEGER NOT NULL,
    price        INTEGER NOT NULL,
    discount     INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    vat_rate     TEXT NOT NULL,
    vat_amount   INTEGER NOT NULL,
    PRIMARY KEY (return_id, line_no)
);

-- Cash expense orders («Расходный кассовый ордер»): cash leaves a cash desk, paid back to a customer
-- (purpose "refund") or taken out of a till (purpose "cash_out").
CREATE TABLE cash_expenses (
    id                 TEXT PRIMARY KEY,
    number             INTEGER NOT NULL UNIQUE,
    date               INTEGER NOT NULL,
    posted             BOOLEAN NOT NULL,
    not_posted_reason  TEXT,
    purpose            TEXT NOT NULL,
    cash_desk_id       TEXT REFERENCES cash_desks (id),
    customer_id        TEXT REFERENCES customers (id),
    customer_return_id TEXT REFERENCES customer_returns (id),
    order_id           TEXT REFERENCES orders (id),
    transaction_id     TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount             INTEGER NOT NULL,
    counterpart        TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL
);

-- Card refunds: the card part of a return.
CREATE TABLE card_refunds (
    id                 TEXT PRIMARY KEY,
    number             INTEGER NOT NULL UNIQUE,
    date               INTEGER NOT NULL,
    posted             BOOLEAN NOT NULL,
    customer_id        TEXT NOT NULL REFERENCES customers (id),
    customer_return_id TEXT NOT NULL REFERENCES customer_returns (id),
    transaction_id     TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount             INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE card_refunds;
DROP TABLE cash_expenses;
DROP TABLE customer_return_lines;
DROP TABLE customer_returns;
DELETE FROM counters WHERE name IN ('customer_return_number', 'cash_expense_number', 'card_refund_number');
DROP INDEX transactions_kind;
DROP INDEX transactions_original;
ALTER TABLE transactions DROP COLUMN card_refund_id;
ALTER TABLE transactions DROP COLUMN cash_expense_id;
ALTER TABLE transactions DROP COLUMN customer_return_id;
ALTER TABLE transactions DROP COLUMN original_transaction_id;
ALTER TABLE transactions DROP COLUMN kind;
