-- +goose Up
-- The outbox holds returns (and later cash in and cash out) beside sales: each row's kind, the sale
-- a return refunds, and its fiscal document number, so that this register finds its own sales and
-- their returns without the back office.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale';
ALTER TABLE outbox ADD COLUMN original_id TEXT;
ALTER TABLE outbox ADD COLUMN fd INTEGER;
CREATE INDEX outbox_original ON outbox (original_id);
CREATE INDEX outbox_fd ON outbox (fd);

-- +goose Down
DROP INDEX outbox_fd;
DROP INDEX outbox_original;
ALTER TABLE outbox DROP COLUMN fd;
ALTER TABLE outbox DROP COLUMN original_id;
ALTER TABLE outbox DROP COLUMN kind;
