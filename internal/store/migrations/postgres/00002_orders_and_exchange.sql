-- +goose Up
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('order_number', 0);

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    number            BIGINT NOT NULL UNIQUE,
    external_number   TEXT UNIQUE,
    date              BIGINT NOT NULL,
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    warehouse_id      TEXT NOT NULL REFERENCES warehouses (id),
    status            TEXT NOT NULL,
    comment           TEXT NOT NULL,
    total             BIGINT NOT NULL,
    posted            BOOLEAN NOT NULL,
    version           BIGINT NOT NULL,
    claim_register_id TEXT REFERENCES registers (id),
    claim_expires_at  BIGINT,
    transaction_id    TEXT,
    sales_invoice_id  TEXT,
    cash_receipt_id   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX orders_status ON orders (status, number);
CREATE INDEX orders_customer ON orders (customer_id, number);
CREATE INDEX orders_warehouse ON orders (warehouse_id, number);

CREATE TABLE order_lines (
    order_id   TEXT NOT NULL REFERENCES orders (id),
    line_no    BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    price      BIGINT NOT NULL,
    discount   BIGINT NOT NULL,
    amount     BIGINT NOT NULL,
    vat_rate   TEXT NOT NULL,
    vat_amount BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- The order's «ККМ» tab: the registers it goes to, and where each stands with it.
CREATE TABLE order_registers (
    order_id     TEXT NOT NULL REFERENCES orders (id),
    register_id  TEXT NOT NULL REFERENCES registers (id),
    position     BIGINT NOT NULL,
    state        TEXT NOT NULL,
    sent_version BIGINT NOT NULL DEFAULT 0,
    package_seq  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, register_id)
);
CREATE INDEX order_registers_register ON order_registers (register_id, package_seq);

-- What registers receive of one version of an order: written once, shared by its packages.
CREATE TABLE order_snapshots (
    order_id TEXT NOT NULL REFERENCES orders (id),
    version  BIGINT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (order_id, version)
);

-- Exchange packages: per register, seq starts at 1 and has no gaps (registers.last_seq counts them,
-- and is incremented in the transaction that adds the package, so packages commit in seq order).
CREATE TABLE packages (
    register_id TEXT NOT NULL REFERENCES registers (id),
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    version     BIGINT NOT NULL,
    reason      TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (register_id, seq)
);

-- Quantities an agreed, posted order holds in its warehouse until its sales invoice is posted.
CREATE TABLE reservations (
    order_id     TEXT NOT NULL REFERENCES orders (id),
    line_no      BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id   TEXT NOT NULL REFERENCES products (id),
    quantity     BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX reservations_stock ON reservations (warehouse_id, product_id);

-- Register transactions («Транзакции ККМ»): closed receipts as the registers uploaded them.
CREATE TABLE transactions (
    id               TEXT PRIMARY KEY,
    register_id      TEXT NOT NULL REFERENCES registers (id),
    order_id         TEXT,
    order_version    BIGINT,
    shift_number     BIGINT NOT NULL,
    receipt_number   BIGINT NOT NULL,
    closed_at        BIGINT NOT NULL,
    cashier          TEXT NOT NULL,
    total            BIGINT NOT NULL,
    cash_amount      BIGINT NOT NULL,
    card_amount      BIGINT NOT NULL,
    fiscal_fn        TEXT,
    fiscal_fd        BIGINT,
    body             TEXT NOT NULL,
    content_hash     BYTEA NOT NULL,
    state            TEXT NOT NULL,
    conflict_reason  TEXT,
    error            TEXT,
    received_at      BIGINT NOT NULL,
    sales_invoice_id TEXT,
    cash_receipt_id  TEXT,
    card_payment_id  TEXT,
    UNIQUE (fiscal_fn, fiscal_fd)
);
CREATE INDEX transactions_state ON transactions (state, closed_at);
CREATE INDEX transactions_register ON transactions (register_id, received_at);
CREATE INDEX transactions_order ON transactions (order_id);
-- At most one transaction sells an order; later ones for it are conflicts.
CREATE UNIQUE INDEX transactions_one_sale_per_order ON transactions (order_id)
    WHERE order_id IS NOT NULL AND conflict_reason IS NULL;

-- +goose Down
DROP TABLE transactions;
DROP TABLE reservations;
DROP TABLE packages;
DROP TABLE order_snapshots;
DROP TABLE order_registers;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE counters;
