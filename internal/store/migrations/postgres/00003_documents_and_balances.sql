-- +goose Up
INSERT INTO counters (name, value) VALUES ('goods_receipt_number', 0), ('sales_invoice_number', 0),
    ('cash_receipt_number', 0), ('card_payment_number', 0);

ALTER TABLE transactions ADD COLUMN detached BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE transactions ADD COLUMN resolution_action TEXT;
ALTER TABLE transactions ADD COLUMN resolution_comment TEXT;
ALTER TABLE transactions ADD COLUMN resolved_at BIGINT;

-- Goods receipts («Приходная накладная»): goods enter a warehouse.
CREATE TABLE goods_receipts (
    id           TEXT PRIMARY KEY,
    number       BIGINT NOT NULL UNIQUE,
    date         BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    posted       BOOLEAN NOT NULL,
    total_cost   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE TABLE goods_receipt_lines (
    receipt_id TEXT NOT NULL REFERENCES goods_receipts (id),
    line_no    BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   BIGINT NOT NULL,
    cost       BIGINT NOT NULL,
    PRIMARY KEY (receipt_id, line_no)
);

-- Sales invoices («Расходная накладная»): goods leave a warehouse. One per transaction, enforced here.
CREATE TABLE sales_invoices (
    id             TEXT PRIMARY KEY,
    number         BIGINT NOT NULL UNIQUE,
    date           BIGINT NOT NULL,
    posted         BOOLEAN NOT NULL,
    order_id       TEXT REFERENCES orders (id),
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    register_id    TEXT NOT NULL REFERENCES registers (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    warehouse_id   TEXT NOT NULL REFERENCES warehouses (id),
    total          BIGINT NOT NULL,
    vat_total      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX sales_invoices_order ON sales_invoices (order_id);
CREATE TABLE sales_invoice_lines (
    invoice_id TEXT NOT NULL REFERENCES sales_invoices (id),
    line_no    BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   BIGINT NOT NULL,
    price      BIGINT NOT NULL,
    discount   BIGINT NOT NULL,
    amount     BIGINT NOT NULL,
    vat_rate   TEXT NOT NULL,
    vat_amount BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

-- Cash receipt orders («Приходный кассовый ордер»): cash enters a cash desk.
CREATE TABLE cash_receipts (
    id                TEXT PRIMARY KEY,
    number            BIGINT NOT NULL UNIQUE,
    date              BIGINT NOT NULL,
    posted            BOOLEAN NOT NULL,
    not_posted_reason TEXT,
    cash_desk_id      TEXT REFERENCES cash_desks (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    sales_invoice_id  TEXT NOT NULL REFERENCES sales_invoices (id),
    order_id          TEXT REFERENCES orders (id),
    transaction_id    TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount            BIGINT NOT NULL,
    created_at        BIGINT NOT NULL
);

-- Card payments: the card part of a sale.
CREATE TABLE card_payments (
    id               TEXT PRIMARY KEY,
    number           BIGINT NOT NULL UNIQUE,
    date             BIGINT NOT NULL,
    posted           BOOLEAN NOT NULL,
    customer_id      TEXT NOT NULL REFERENCES customers (id),
    sales_invoice_id TEXT NOT NULL REFERENCES sales_invoices (id),
    transaction_id   TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount           BIGINT NOT NULL,
    created_at       BIGINT NOT NULL
);

-- Movements: every change of a balance, by the document line that made it, so a balance at any date
-- can be derived; the *_balances tables are their running totals, kept in the same transaction.
CREATE TABLE stock_moves (
    doc_id       TEXT NOT NULL,
    line_no      BIGINT NOT NULL,
    date         BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    quantity     BIGINT NOT NULL,
    PRIMARY KEY (doc_id, line_no)
);
CREATE INDEX stock_moves_item ON stock_moves (warehouse_id, product_id, date);
CREATE TABLE stock_balances (
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    on_hand      BIGINT NOT NULL,
    PRIMARY KEY (warehouse_id, product_id)
);

CREATE TABLE cash_moves (
    doc_id       TEXT PRIMARY KEY,
    date         BIGINT NOT NULL,
    cash_desk_id TEXT NOT NULL REFERENCES cash_desks (id),
    amount       BIGINT NOT NULL
);
CREATE INDEX cash_moves_desk ON cash_moves (cash_desk_id, date);
CREATE TABLE cash_balances (
    cash_desk_id TEXT PRIMARY KEY REFERENCES cash_desks (id),
    balance      BIGINT NOT NULL
);

CREATE TABLE debt_moves (
    doc_id      TEXT PRIMARY KEY,
    date        BIGINT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    amount      BIGINT NOT NULL
);
CREATE INDEX debt_moves_customer ON debt_moves (customer_id, date);
CREATE TABLE debt_balances (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    debt        BIGINT NOT NULL
);

-- Runs of scheduled jobs, for GET /api/v1/jobs/{job}.
CREATE TABLE job_runs (
    id          TEXT PRIMARY KEY,
    job         TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
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
