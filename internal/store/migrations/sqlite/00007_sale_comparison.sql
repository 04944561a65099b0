-- +goose Up
-- A sale is compared with its order (a partial sale, or the fields that differ). A mismatching sale
-- still sells its order, so it counts in the one-sale-per-order rule until a person detaches or
-- ignores it.
ALTER TABLE transactions ADD COLUMN partial BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE transactions ADD COLUMN mismatches TEXT;
DROP INDEX transactions_one_sale_per_order;
CREATE UNIQUE INDEX transactions_one_sale_per_order ON transactions (order_id)
    WHERE order_id IS NOT NULL AND NOT detached AND state <> 'ignored' AND (conflict_reason IS NULL OR conflict_reason = 'mismatch');

-- +goose Down
DROP INDEX transactions_one_sale_per_order;
CREATE UNIQUE INDEX transactions_one_sale_per_order ON transactions (order_id)
    WHERE order_id IS NOT NULL AND conflict_reason IS NULL;
ALTER TABLE transactions DROP COLUMN mismatches;
ALTER TABLE transactions DROP COLUMN partial;
