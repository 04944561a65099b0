-- +goose Up
INSERT INTO counters (name, value) VALUES ('goods_receipt_number', 0), ('sales_invoice_number', 0),
    ('cash_receipt_number', 0), ('card_payment_number', 0);

ALTER TABLE transactions ADD COLUMN detached BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE transactions ADD COLUMN resolution_action TEXT;
ALTER TABLE transactions ADD COLUMN resolution_comment TEXT;
ALTER TABLE transactions ADD COLUMN resolved_at INTEGER;

-- Goods receipts («Приходная накладная»): goods enter a warehouse.
CREATE TABLE goods_receipts (
    id           TEXT PRIMARY KEY,
    number       INTEGER NOT NULL UNIQUE,
    date         INTEGER NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    posted       BOOLEAN NOT NULL,
    total_cost   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE TABLE goods_receipt_lines (
    receipt_id TEXT NOT NULL REFERENCES goods_receipts (id),
    line_no    INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL,
    cost       INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, line_no)
);

-- Sales invoices («Расходная накладная»): goods leave a warehouse. One per transaction, enforced here.
CREATE TABLE sales_invoices (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE,
    date           INTEGER NOT NULL,
    posted         BOOLEAN NOT NULL,
    order_id       TEXT REFERENCES orders (id),
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    register_id    TEXT NOT NULL REFERENCES registers (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    warehouse_id   TEXT NOT NULL REFERENCES warehouses (id),
    total          INTEGER NOT NULL,
    vat_total      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX sales_invoices_order ON sales_invoices (order_id);
CREATE TABLE sales_invoice_lines (
    invoice_id TEXT NOT NULL REFERENCES sales_invoices (id),
    line_no    INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL,
    price      INTEGER NOT NULL,
    discount   INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    vat_rate   TEXT NOT NULL,
    vat_amount INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

-- Cash receipt orders («Приходный кассовый ордер»): cash enters a cash desk.
CREATE TABLE cash_receipts (
    id                TEXT PRIMARY KEY,
    number            INTEGER NOT NULL UNIQUE,
    date              INTEGER NOT NULL,
    posted            BOOLEAN NOT NULL,
    not_posted_reason TEXT,
    cash_desk_id      TEXT REFERENCES cash_desks (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    sales_invoice_id  TEXT NOT NULL REFERENCES sales_invoices (id),
    order_id          TEXT REFERENCES orders (id),
    transaction_id    TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
);

-- Card payments: the card part of a sale.
CREATE TABLE card_payments (
    id               TEXT PRIMARY KEY,
    number           INTEGER NOT NULL UNIQUE,
    date             INTEGER NOT NULL,
    posted           BOOLEAN NOT NULL,
    customer_id      TEXT NOT NULL REFERENCES customers (id),
    sales_invoice_id TEXT NOT NULL REFERENCES sales_invoices (id),
    transaction_id   TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount           INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);

-- Movements: every change of a balance, by the document line that made it, so a balance at any date
-- can be derived; the *_balances tables are their running totals, kept in the same transaction.
CREATE TABLE stock_moves (
    doc_id       TEXT NOT NULL,
    line_no      INTEGER NOT NULL,
    date         INTEGER NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    quantity     INTEGER NOT NULL,
    PRIMARY KEY (doc_id, line_no)
);
CREATE INDEX stock_moves_item ON stock_moves (warehouse_id, product_id, date);
CREATE TABLE stock_balances (
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    on_hand      INTEGER NOT NULL,
    PRIMARY KEY (warehouse_id, product_id)
);

CREATE TABLE cash_moves (
    doc_id       TEXT PRIMARY KEY,
    date         INTEGER NOT NULL,
    cash_desk_id TEXT NOT NULL REFERENCES cash_desks (id),
    amount       INTEGER NOT NULL
);
CREATE INDEX cash_moves_desk ON cash_moves (cash_desk_id, date);
CREATE TABLE cash_balances (
    cash_desk_id TEXT PRIMARY KEY REFERENCES cash_desks (id),
    balance      INTEGER NOT NULL
);

CREATE TABLE debt_moves (
    doc_id      TEXT PRIMARY KEY,
    date        INTEGER NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    amount      INTEGER NOT NULL
);
CREATE INDEX debt_moves_customer ON debt_moves (customer_id, date);
CREATE TABLE debt_balances (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    debt        INTEGER NOT NULL
);

-- Runs of scheduled jobs, for GET /api/v1/jobs/{job}.
CREATE TABLE job_runs (
    id          TEXT PRIMARY KEY,
    job         TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    result      TEXT,
    error       TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE debt_balances;
DROP TABLE debt_moves;
DROP TABLE cash_balances;
DROP TABLE cash_moves;
DROP TABLE stock_balances;
DROP TABLE stock_moves;
DROP TABLE card_payments;
DROP TABLE cash_receipts;
DROP TABLE sales_invoice_lines;
DROP TABLE sales_invoices;
DROP TABLE goods_receipt_lines;
DROP TABLE goods_receipts;
ALTER TABLE transactions DROP COLUMN resolved_at;
ALTER TABLE transactions DROP COLUMN resolution_comment;
ALTER TABLE transactions DROP COLUMN resolution_action;
ALTER TABLE transactions DROP COLUMN detached;
DELETE FROM counters WHERE name IN ('goods_receipt_number', 'sales_invoice_number', 'cash_receipt_number', 'card_payment_number');
