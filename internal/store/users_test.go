package store_test

import (
	"context"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestUsersPasswordsAndDisabling(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		var anna, boris torg.User
		err := s.Update(ctx, func(tx *store.Tx) (err error) {
			if anna, err = tx.AddUser(ctx, "anna", torg.RoleManager, "old-hash"); err != nil {
				return err
			}
			boris, err = tx.AddUser(ctx, "boris", torg.RoleAdmin, "hash")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		login := func(u torg.User) string {
			var secret string
			if err := s.Update(ctx, func(tx *store.Tx) (err error) { secret, err = tx.CreateWebSession(ctx, u.ID, time.Hour); return err }); err != nil {
				t.Fatal(err)
			}
			return secret
		}
		alive := func(secret string) bool {
			err := s.View(ctx, func(tx *store.Tx) error { _, err := tx.WebSession(ctx, secret); return err })
			if err != nil && torg.ErrorCode(err) != torg.CodeUnauthorized {
				t.Fatal(err)
			}
			return err == nil
		}
		update := func(f func(tx *store.Tx) error) {
			t.Helper()
			if err := s.Update(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("a new password ends the user's other sessions only", func(t *testing.T) {
			here, there, other := login(anna), login(anna), login(boris)
			update(func(tx *store.Tx) error { return tx.SetUserPassword(ctx, anna.ID, "new-hash", here) })
			if !alive(here) || alive(there) || !alive(other) {
				t.Fatalf("sessions alive: here %v, there %v, another user's %v", alive(here), alive(there), alive(other))
			}
			var hash string
			update(func(tx *store.Tx) (err error) { _, hash, err = tx.UserPassword(ctx, "anna"); return err })
			if hash != "new-hash" {
				t.Fatalf("the hash is %q", hash)
			}
		})
		t.Run("disabling ends every session and is read back; enabling lets the user in again", func(t *testing.T) {
			a, b := login(anna), login(boris)
			update(func(tx *store.Tx) error { _, err := tx.SetUserDisabled(ctx, anna.ID, true); return err })
			if alive(a) || !alive(b) {
				t.Fatalf("sessions alive: the disabled user's %v, another's %v", alive(a), alive(b))
			}
			var u torg.User
			update(func(tx *store.Tx) (err error) { u, _, err = tx.UserPassword(ctx, "anna"); return err })
			if !u.Disabled {
				t.Fatal("the user does not read as disabled")
			}
			if late := login(anna); alive(late) {
				t.Fatal("a session made for a disabled user is let in")
			}
			update(func(tx *store.Tx) error { _, err := tx.SetUserDisabled(ctx, anna.ID, false); return err })
			if again := login(anna); !alive(again) {
				t.Fatal("an enabled user's session is refused")
			}
		})
		t.Run("an unknown user is not found", func(t *testing.T) {
			err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.SetUserDisabled(ctx, "nope", true); return err })
			if torg.ErrorCode(err) != torg.CodeNotFound {
				t.Fatalf("got %v", err)
			}
			err = s.Update(ctx, func(tx *store.Tx) error { return tx.SetUserPassword(ctx, "nope", "h", "") })
			if torg.ErrorCode(err) != torg.CodeNotFound {
				t.Fatalf("got %v", err)
			}
		})
	})
}
