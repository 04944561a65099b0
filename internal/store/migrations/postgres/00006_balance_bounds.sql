-- +goose Up
-- PostgreSQL's bigint arithmetic fails by itself when a running total would leave the int64 range
-- (numeric_value_out_of_range), so nothing changes here; SQLite needs triggers for the same guard.
SELECT 1;

-- +goose Down
SELECT 1;
