-- +goose Up
-- Web UI sessions: the cookie carries a random secret; only its SHA-256 is kept here.
CREATE TABLE web_sessions (
    secret_hash BLOB PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- +goose Down
DROP TABLE web_sessions;
