-- +goose Up
-- Order numbers come from a sequence: taking one locks nothing, so concurrent orders do not wait for
-- each other's commit (a number taken by a transaction that rolls back is skipped).
CREATE SEQUENCE order_number_seq;
SELECT setval('order_number_seq', GREATEST(1, (SELECT value FROM counters WHERE name = 'order_number')),
    (SELECT value FROM counters WHERE name = 'order_number') > 0);

-- +goose Down
DROP SEQUENCE order_number_seq;
