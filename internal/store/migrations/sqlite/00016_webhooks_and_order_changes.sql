-- +goose Up
-- Webhooks: the URLs a web shop registered, the events written in the same transaction as the change
-- they tell of (an outbox), and one delivery of each event to each webhook that wants it. A delivery
-- is pending until the receiver answers 2xx, or failed once its retries end.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    description TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER
);
CREATE TABLE webhook_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    order_key  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id),
    event_seq       INTEGER NOT NULL REFERENCES webhook_events (seq),
    order_key       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER NOT NULL DEFAULT 0,
    give_up_at      INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    INTEGER,
    PRIMARY KEY (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, order_key, event_seq) WHERE state = 'pending';

-- Every change of an order takes the next number of a counter, for GET /api/v1/orders?updated_after=:
-- SQLite has one writer, so the numbers are taken in the order the changes commit.
ALTER TABLE orders ADD COLUMN change_xid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET change_seq = r.n FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) AS n FROM orders) r WHERE orders.id = r.id;
INSERT INTO counters (name, value) VALUES ('order_change', (SELECT COUNT(*) FROM orders));
-- +goose StatementBegin
CREATE TRIGGER orders_inserted AFTER INSERT ON orders BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'order_change';
    UPDATE orders SET change_seq = (SELECT value FROM counters WHERE name = 'order_change') WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER orders_updated AFTER UPDATE ON orders BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'order_change';
    UPDATE orders SET change_seq = (SELECT value FROM counters WHERE name = 'order_change') WHERE id = NEW.id;
END;
-- +goose StatementEnd
CREATE INDEX orders_changes ON orders (change_xid, change_seq);

-- +goose Down
DROP INDEX orders_changes;
DROP TRIGGER orders_updated;
DROP TRIGGER orders_inserted;
DELETE FROM counters WHERE name = 'order_change';
ALTER TABLE orders DROP COLUMN change_seq;
ALTER TABLE orders DROP COLUMN change_xid;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhooks;
