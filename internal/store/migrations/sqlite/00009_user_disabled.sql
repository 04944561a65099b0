-- +goose Up
-- An administrator can disable a web UI user: a disabled user cannot log in and has no sessions.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN disabled;
