package store

import (
	"context"

	"torg"
)

// SetUserPassword replaces the user's password (a bcrypt hash) and ends every session of the user
// but the one whose secret is keep ("" ends them all).
func (tx *Tx) SetUserPassword(ctx context.Context, userID, passwordHash, keep string) error {
	res, err := tx.exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", passwordHash, micros(torg.Now()), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user", userID)
	}
	_, err = tx.exec(ctx, "DELETE FROM web_sessions WHERE user_id = ? AND secret_hash <> ?", userID, HashSecret(keep))
	return err
}

// SetUserDisabled disables or enables the user; disabling ends every session of the user at once.
func (tx *Tx) SetUserDisabled(ctx context.Context, userID string, disabled bool) (torg.User, error) {
	var u torg.User
	err := tx.queryRow(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ? RETURNING id, name, role, disabled",
		disabled, micros(torg.Now()), userID).Scan(&u.ID, &u.Name, &u.Role, &u.Disabled)
	if errNoRows(err) {
		return u, notFound("user", userID)
	}
	if err != nil || !disabled {
		return u, err
	}
	_, err = tx.exec(ctx, "DELETE FROM web_sessions WHERE user_id = ?", userID)
	return u, err
}
