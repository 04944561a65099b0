-- +goose Up
-- Times are Unix microseconds (UTC); money is kopecks and quantities thousandths, all INTEGER.
CREATE TABLE warehouses (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE cash_desks (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE products (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    vat_rate   TEXT NOT NULL,
    price      INTEGER NOT NULL CHECK (price >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE product_barcodes (
    barcode    TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    position   INTEGER NOT NULL
);
CREATE INDEX product_barcodes_product ON product_barcodes (product_id);

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL,
    email      TEXT NOT NULL,
    inn        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO customers (id, code, name, phone, email, inn, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'retail', 'Розничный покупатель', '', '', '', 0, 0);

CREATE TABLE registers (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    warehouse_id     TEXT NOT NULL REFERENCES warehouses (id),
    accepts_orders   BOOLEAN NOT NULL,
    auto_load_orders BOOLEAN NOT NULL,
    cash_desk_id     TEXT REFERENCES cash_desks (id),
    last_seen_at     INTEGER,
    acked_seq        INTEGER NOT NULL DEFAULT 0,
    last_seq         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK (accepts_orders OR NOT auto_load_orders)
);
CREATE INDEX registers_warehouse ON registers (warehouse_id);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    register_id TEXT REFERENCES registers (id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE UNIQUE INDEX api_tokens_one_per_register ON api_tokens (register_id)
    WHERE register_id IS NOT NULL AND revoked_at IS NULL;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    principal_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    state        TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BLOB,
    locked_until INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE idempotency_keys;
DROP TABLE users;
DROP TABLE api_tokens;
DROP TABLE registers;
DROP TABLE customers;
DROP TABLE product_barcodes;
DROP TABLE products;
DROP TABLE cash_desks;
DROP TABLE warehouses;
