package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"torg"
)

// WebSession is a web UI user's login: who it is and until when it lasts.
type WebSession struct {
	User      torg.User
	ExpiresAt time.Time
}

// CreateWebSession logs the user in for ttl and returns the session's secret, which is kept only as
// a hash. Sessions that have expired are deleted on the way.
func (tx *Tx) CreateWebSession(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	now := torg.Now()
	if _, err := tx.exec(ctx, "DELETE FROM web_sessions WHERE expires_at <= ?", micros(now)); err != nil {
		return "", err
	}
	secret, hash := newSecret()
	_, err := tx.exec(ctx, "INSERT INTO web_sessions (secret_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		hash, userID, micros(now), micros(now.Add(ttl)))
	return secret, err
}

// WebSession finds the live session with the secret; an unknown or expired one is unauthorized.
func (tx *Tx) WebSession(ctx context.Context, secret string) (WebSession, error) {
	var s WebSession
	var expires int64
	err := tx.queryRow(ctx, "SELECT u.id, u.name, u.role, s.expires_at FROM web_sessions s JOIN users u ON u.id = s.user_id"+
		" WHERE s.secret_hash = ? AND s.expires_at > ? AND NOT u.disabled", HashSecret(secret), micros(torg.Now())).
		Scan(&s.User.ID, &s.User.Name, &s.User.Role, &expires)
	if errNoRows(err) {
		return s, torg.Errorf(torg.CodeUnauthorized, "the session is unknown or expired")
	}
	s.ExpiresAt = fromMicros(expires)
	return s, err
}

// DeleteWebSession logs the session with the secret out; an unknown one changes nothing.
func (tx *Tx) DeleteWebSession(ctx context.Context, secret string) error {
	_, err := tx.exec(ctx, "DELETE FROM web_sessions WHERE secret_hash = ?", HashSecret(secret))
	return err
}

// ServerKey is a 256-bit secret kept under the name in the settings, made on first use; every
// process on the database reads the same one.
func (tx *Tx) ServerKey(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	_, err := tx.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		"key:"+name, base64.RawURLEncoding.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	var value string
	if err := tx.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", "key:"+name).Scan(&value); err != nil {
		return nil, err
	}
	return base64.RawURLEncoding.DecodeString(value)
}
