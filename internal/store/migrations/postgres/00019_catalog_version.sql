-- +goose Up
-- SQLite only: the catalog's version lets SQLite's single writer trust an order drafted before it
-- (draft.go). PostgreSQL reads the catalog inside the order's transaction, in the one round trip of
-- its reads, and needs no version; the migration is here so that both folders have the same names.
SELECT 1;

-- +goose Down
SELECT 1;
