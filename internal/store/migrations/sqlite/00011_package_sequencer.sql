-- +goose Up
-- Packages are numbered after the change that makes them commits: the change queues them here, and
-- the sequencer (one batch at a time, under an advisory lock) gives each its register's next seq,
-- moves it to packages and deletes it here. No change of an order waits for another's counter rows.
CREATE TABLE package_queue (
    id                INTEGER PRIMARY KEY,
    register_id       TEXT NOT NULL REFERENCES registers (id),
    kind              TEXT NOT NULL,
    order_id          TEXT NOT NULL REFERENCES orders (id),
    version           INTEGER NOT NULL,
    reason            TEXT,
    claim_register_id TEXT,
    claim_expires_at  INTEGER,
    send              INTEGER,
    created_at        INTEGER NOT NULL
);
-- sends counts the order.upsert and order.delete packages queued to the register about the order;
-- the sequencer writes package_seq for the newest one, and an acknowledgement of that seq makes the
-- order received (or withdrawn) there.
ALTER TABLE order_registers ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE order_registers DROP COLUMN sends;
DROP TABLE package_queue;
