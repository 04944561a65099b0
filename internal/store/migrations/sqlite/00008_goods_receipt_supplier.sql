-- +goose Up
-- A goods receipt names its supplier as free text (empty when not given).
ALTER TABLE goods_receipts ADD COLUMN supplier TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE goods_receipts DROP COLUMN supplier;
