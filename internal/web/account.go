package web

import (
	"errors"
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"torg"
	"torg/internal/store"
)

// minPassword and maxPassword bound a password's length in bytes (bcrypt reads at most 72).
const minPassword, maxPassword = 8, 72

func (u *UI) showAccount(p *page) error {
	return u.render(p, http.StatusOK, "account", view{Nav: "account", Title: "account.title"})
}

// changePassword changes the user's own password: the current one, and the new one twice. The
// user's other sessions end; this one goes on.
func (u *UI) changePassword(p *page) error {
	current, next, again := p.r.PostFormValue("current_password"), p.r.PostFormValue("new_password"), p.r.PostFormValue("new_password2")
	var bad torg.Fields
	addr := clientAddr(p.r, u.trustForwardedFor)
	var wait waitError
	switch _, err := u.checkPassword(p.ctx, p.user.Name, current, addr); {
	case errors.As(err, &wait), errors.Is(err, errBusy):
		bad.Add("current_password", "too many failed attempts: wait a little")
	case errors.Is(err, errWrongPassword):
		u.limiter.fail(p.user.Name, addr)
		bad.Add("current_password", "is not your current password")
	case err != nil:
		return err
	}
	if len(next) < minPassword || len(next) > maxPassword {
		bad.Add("new_password", "must be 8 to 72 bytes long")
	}
	if next != again {
		bad.Add("new_password2", "does not match the new password")
	}
	if err := bad.Err(); err != nil {
		return u.render(p, http.StatusUnprocessableEntity, "account", view{Nav: "account", Title: "account.title",
			Errors: formErrorsOf(p.lang, err, func(f string) string { return f })})
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), 12)
	if err != nil {
		return err
	}
	err = u.store.Update(p.ctx, func(tx *store.Tx) error { return tx.SetUserPassword(p.ctx, p.user.ID, string(hash), p.secret) })
	if err != nil {
		return err
	}
	return redirect(p, "/account?ok=password_changed")
}

// disableUser and enableUser switch a user off and on again; a disabled user's sessions end at once.
func (u *UI) disableUser(p *page) error { return u.setUserDisabled(p, true) }

func (u *UI) enableUser(p *page) error { return u.setUserDisabled(p, false) }

func (u *UI) setUserDisabled(p *page, disabled bool) error {
	id := p.r.PathValue("id")
	if disabled && id == p.user.ID {
		return u.renderUsers(p, http.StatusUnprocessableEntity, usersData{Role: string(torg.RoleManager)},
			formErrors{General: []string{translate(p.lang, "users.not_yourself")}})
	}
	err := u.store.Update(p.ctx, func(tx *store.Tx) error { _, err := tx.SetUserDisabled(p.ctx, id, disabled); return err })
	if err != nil {
		return err
	}
	if disabled {
		return redirect(p, "/users?ok=user_disabled")
	}
	return redirect(p, "/users?ok=user_enabled")
}
