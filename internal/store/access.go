package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"

	"torg"
)

// tokenPrefix starts every secret, so that a leaked one is easy to recognise.
const tokenPrefix = "torg_"

// newSecret makes a token secret and the hash the store keeps of it.
func newSecret() (secret string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the hash under which a token secret is stored. Secrets are 256 random bits, so a
// fast hash is enough; passwords, which are not, get bcrypt.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateAPIToken makes a token with the role; registerID is set for a register's token. The answer
// carries the secret, which is not kept and cannot be read again.
func (tx *Tx) CreateAPIToken(ctx context.Context, name string, role torg.Role, registerID *string) (torg.APIToken, error) {
	secret, hash := newSecret()
	t := torg.APIToken{ID: newID(), Name: name, Role: role, RegisterID: registerID, CreatedAt: torg.Now(), Token: secret}
	_, err := tx.exec(ctx, "INSERT INTO api_tokens (id, name, role, secret_hash, register_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		t.ID, t.Name, string(t.Role), hash, registerID, micros(t.CreatedAt))
	return t, err
}

// IssueRegisterToken makes a new token for the register and revokes the one it had.
func (tx *Tx) IssueRegisterToken(ctx context.Context, registerID string) (torg.APIToken, error) {
	r, err := Registers.get(ctx, tx, registerID, true)
	if err != nil {
		return torg.APIToken{}, err
	}
	tx.revoked = true
	_, err = tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE register_id = ? AND revoked_at IS NULL",
		micros(torg.Now()), registerID)
	if err != nil {
		return torg.APIToken{}, err
	}
	return tx.CreateAPIToken(ctx, "register "+r.Code, torg.RoleRegister, &registerID)
}

// APITokens lists the tokens that are not revoked, without their secrets.
func (tx *Tx) APITokens(ctx context.Context, page torg.Page) (torg.List[torg.APIToken], error) {
	items, err := queryAll(ctx, tx, scanAPIToken, "SELECT id, name, role, register_id, created_at FROM api_tokens"+
		" WHERE revoked_at IS NULL AND id > ? ORDER BY id LIMIT ?", page.After, page.Limit+1)
	if err != nil {
		return torg.List[torg.APIToken]{}, err
	}
	out := torg.List[torg.APIToken]{Items: orEmpty(items)}
	if len(out.Items) > page.Limit {
		out.Items = out.Items[:page.Limit]
		next := torg.EncodeCursor(out.Items[page.Limit-1].ID)
		out.Next = &next
	}
	return out, nil
}

func scanAPIToken(s scanner) (torg.APIToken, error) {
	var t torg.APIToken
	var reg sql.NullString
	var created int64
	err := s.Scan(&t.ID, &t.Name, &t.Role, &reg, &created)
	t.CreatedAt = fromMicros(created)
	if reg.Valid {
		t.RegisterID = &reg.String
	}
	return t, err
}

// RevokeAPIToken revokes the token with the id; it stops working at once.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", micros(torg.Now()), id)
	tx.revoked = true
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token", id)
	}
	return nil
}

// BootstrapAdminToken makes the first admin token, once in the life of the database: it returns the
// secret the first time it is called and "" every time after, on any process.
func (tx *Tx) BootstrapAdminToken(ctx context.Context) (string, error) {
	res, err := tx.exec(ctx, "INSERT INTO settings (key, value) VALUES ('bootstrap_admin_token', ?) ON CONFLICT (key) DO NOTHING",
		torg.Now().Format("2006-01-02T15:04:05Z"))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", nil
	}
	t, err := tx.CreateAPIToken(ctx, "bootstrap admin", torg.RoleAdmin, nil)
	return t.Token, err
}

// AddUser adds a web UI user; passwordHash is a bcrypt hash.
func (tx *Tx) AddUser(ctx context.Context, name string, role torg.Role, passwordHash string) (torg.User, error) {
	u := torg.User{ID: newID(), Name: name, Role: role}
	now := micros(torg.Now())
	_, err := tx.exec(ctx, "INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		u.ID, u.Name, string(u.Role), passwordHash, now, now)
	return u, duplicate(translate(err), "name", name)
}

// UserPassword returns the user with the name and the bcrypt hash of its password.
func (tx *Tx) UserPassword(ctx context.Context, name string) (torg.User, string, error) {
	var u torg.User
	var hash string
	err := tx.queryRow(ctx, "SELECT id, name, role, disabled, password_hash FROM users WHERE name = ?", name).
		Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &hash)
	if errNoRows(err) {
		return u, "", notFound("user", name)
	}
	return u, hash, err
}
