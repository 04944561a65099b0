-- +goose Up
-- The register agent's own store: what it has received, what it sells, and what it must upload.
-- Times are Unix microseconds; money is kopecks.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Orders this register holds now, as their last order.upsert package gave them.
CREATE TABLE orders (
    id       TEXT PRIMARY KEY,
    number   TEXT NOT NULL,
    version  INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    seq      INTEGER NOT NULL
);

-- Receipts the cashier opened: from an order («Подобрать чек»), closed or cancelled.
CREATE TABLE receipts (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL,
    order_number   TEXT NOT NULL,
    order_version  INTEGER NOT NULL,
    lines          TEXT NOT NULL,
    total          INTEGER NOT NULL,
    state          TEXT NOT NULL,
    opened_at      INTEGER NOT NULL,
    closed_at      INTEGER,
    transaction_id TEXT
);
CREATE UNIQUE INDEX receipts_one_open_per_order ON receipts (order_id) WHERE state = 'open';

-- The fiscal device emulator's memory: its drive number and counters.
CREATE TABLE fiscal (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    fn              TEXT NOT NULL,
    key             TEXT NOT NULL,
    shift_number    INTEGER NOT NULL,
    shift_open      BOOLEAN NOT NULL,
    shift_opened_at INTEGER,
    receipt_number  INTEGER NOT NULL,
    fd              INTEGER NOT NULL
);

-- Closed receipts as transactions to upload, written in the same local transaction as their fiscal
-- numbers; a row leaves the outbox when the server accepts it.
CREATE TABLE outbox (
    id             TEXT PRIMARY KEY,
    body           TEXT NOT NULL,
    shift_number   INTEGER NOT NULL,
    receipt_number INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    cash           INTEGER NOT NULL,
    card           INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    accepted_at    INTEGER,
    rejected       TEXT
);
CREATE INDEX outbox_pending ON outbox (accepted_at, created_at);
CREATE INDEX outbox_shift ON outbox (shift_number);

-- +goose Down
DROP TABLE outbox;
DROP TABLE fiscal;
DROP TABLE receipts;
DROP TABLE orders;
DROP TABLE meta;
