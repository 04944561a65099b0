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
    created_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE TABLE webhook_events (
    seq        BIGSERIAL PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    order_key  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id),
    event_seq       BIGINT NOT NULL REFERENCES webhook_events (seq),
    order_key       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    give_up_at      BIGINT NOT NULL,
    last_attempt_at BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    BIGINT,
    PRIMARY KEY (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, order_key, event_seq) WHERE state = 'pending';

-- Every change of an order carries the transaction that made it and a number from a sequence, for
-- GET /api/v1/orders?updated_after=: a reader takes only changes of transactions older than every
-- transaction still running (pg_snapshot_xmin), so that no change can commit behind its cursor.
ALTER TABLE orders ADD COLUMN change_xid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE SEQUENCE order_change_seq;
UPDATE orders SET change_seq = r.n FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) AS n FROM orders) r WHERE orders.id = r.id;
SELECT setval('order_change_seq', (SELECT COUNT(*) FROM orders) + 1, false);
-- +goose StatementBegin
CREATE FUNCTION order_changed() RETURNS trigger AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id()::text::bigint;
    NEW.change_seq := nextval('order_change_seq');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER orders_changed BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION order_changed();
CREATE INDEX orders_changes ON orders (change_xid, change_seq);

-- +goose Down
DROP INDEX orders_changes;
DROP TRIGGER orders_changed ON orders;
DROP FUNCTION order_changed();
DROP SEQUENCE order_change_seq;
ALTER TABLE orders DROP COLUMN change_seq;
ALTER TABLE orders DROP COLUMN change_xid;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhooks;
