-- +goose Up
-- Who else picked an order this register holds (order.claimed), until when; NULL when nobody did.
ALTER TABLE orders ADD COLUMN taken_by TEXT;
ALTER TABLE orders ADD COLUMN taken_until INTEGER;

-- +goose Down
ALTER TABLE orders DROP COLUMN taken_until;
ALTER TABLE orders DROP COLUMN taken_by;
