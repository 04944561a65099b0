-- +goose Up
-- order.claimed packages name the register that picked the order and until when its claim lives.
ALTER TABLE packages ADD COLUMN claim_register_id TEXT;
ALTER TABLE packages ADD COLUMN claim_expires_at INTEGER;
CREATE INDEX orders_claim_expiry ON orders (claim_expires_at) WHERE claim_expires_at IS NOT NULL;

-- +goose Down
DROP INDEX orders_claim_expiry;
ALTER TABLE packages DROP COLUMN claim_expires_at;
ALTER TABLE packages DROP COLUMN claim_register_id;
