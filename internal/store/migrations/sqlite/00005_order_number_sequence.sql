-- +goose Up
-- On PostgreSQL order numbers move to a sequence. SQLite has one writer, so its counter row never
-- makes anyone wait; nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
