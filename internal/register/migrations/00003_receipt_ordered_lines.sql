-- +goose Up
-- An open receipt keeps the order's lines as picked, so that the cashier can lower a quantity and
-- raise it again up to what was ordered; NULL for a receipt opened before: its lines are the order's.
ALTER TABLE receipts ADD COLUMN ordered TEXT;

-- +goose Down
ALTER TABLE receipts DROP COLUMN ordered;
