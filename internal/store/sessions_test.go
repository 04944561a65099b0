package store_test

import (
	"context"
	"testing"
	"time"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestWebSessions(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		var u torg.User
		err := s.Update(ctx, func(tx *store.Tx) (err error) {
			u, err = tx.AddUser(ctx, "anna", torg.RoleManager, "$2a$12$not-a-real-hash")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		login := func(t *testing.T, ttl time.Duration) string {
			t.Helper()
			var secret string
			if err := s.Update(ctx, func(tx *store.Tx) (err error) { secret, err = tx.CreateWebSession(ctx, u.ID, ttl); return err }); err != nil {
				t.Fatal(err)
			}
			return secret
		}
		find := func(secret string) (store.WebSession, error) {
			var ws store.WebSession
			err := s.View(ctx, func(tx *store.Tx) (err error) { ws, err = tx.WebSession(ctx, secret); return err })
			return ws, err
		}
		t.Run("a session's secret finds its user until it is deleted", func(t *testing.T) {
			secret := login(t, time.Hour)
			ws, err := find(secret)
			if err != nil || ws.User != u || ws.ExpiresAt.Before(time.Now()) {
				t.Fatalf("got %+v %v", ws, err)
			}
			if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebSession(ctx, secret) }); err != nil {
				t.Fatal(err)
			}
			if _, err := find(secret); torg.ErrorCode(err) != torg.CodeUnauthorized {
				t.Fatalf("after logout: %v", err)
			}
		})
		t.Run("an expired or unknown secret is unauthorized", func(t *testing.T) {
			secret := login(t, -time.Second)
			if _, err := find(secret); torg.ErrorCode(err) != torg.CodeUnauthorized {
				t.Fatalf("expired: %v", err)
			}
			if _, err := find("torg_unknown"); torg.ErrorCode(err) != torg.CodeUnauthorized {
				t.Fatalf("unknown: %v", err)
			}
		})
		t.Run("the database keeps only a hash of the secret", func(t *testing.T) {
			secret := login(t, time.Hour)
			err := s.Update(ctx, func(tx *store.Tx) error {
				return tx.Exec(ctx, "DELETE FROM web_sessions WHERE secret_hash = ?", []byte(secret))
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := find(secret); err != nil {
				t.Fatalf("deleting by the plain secret removed the session: %v", err)
			}
		})
	})
}

func TestWebQueries(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		var milk torg.Product
		err := s.Update(ctx, func(tx *store.Tx) (err error) {
			milk, err = store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of("MILK"), Name: torg.Of("Молоко 3,2%"),
				Barcodes: torg.Of([]string{"4600000000011"})})
			if err != nil {
				return err
			}
			_, err = store.Products.Create(ctx, tx, torg.ProductInput{Code: torg.Of("SOAP"), Name: torg.Of("Мыло")})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, q, want string }{
			{"a code finds its product", "MILK", milk.ID},
			{"a barcode finds its product", "4600000000011", milk.ID},
			{"a part of the name, in lower case, finds its product", "молоко", milk.ID},
			{"a percent sign is not a wildcard", "%", milk.ID},
		} {
			t.Run(c.name, func(t *testing.T) {
				var got []torg.Product
				s.View(ctx, func(tx *store.Tx) (err error) { got, err = tx.FindProducts(ctx, c.q, 10); return err })
				if len(got) != 1 || got[0].ID != c.want {
					t.Fatalf("FindProducts(%q) = %+v", c.q, got)
				}
			})
		}
		t.Run("a product is resolved by code, barcode or exact name, and nothing else", func(t *testing.T) {
			for text, want := range map[string]string{"MILK": milk.ID, "4600000000011": milk.ID, "Молоко 3,2%": milk.ID, "Мол": ""} {
				var got string
				s.View(ctx, func(tx *store.Tx) (err error) { got, err = tx.ProductByText(ctx, text); return err })
				if got != want {
					t.Errorf("ProductByText(%q) = %q, want %q", text, got, want)
				}
			}
		})
		t.Run("names are read by id", func(t *testing.T) {
			var got map[string]store.CodeName
			s.View(ctx, func(tx *store.Tx) (err error) {
				got, err = tx.Names(ctx, "products", []string{milk.ID, "nope"})
				return err
			})
			if len(got) != 1 || got[milk.ID].Code != "MILK" {
				t.Fatalf("got %v", got)
			}
		})
	})
}

func TestServerKey(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		key := func(name string) []byte {
			t.Helper()
			var k []byte
			if err := s.Update(ctx, func(tx *store.Tx) (err error) { k, err = tx.ServerKey(ctx, name); return err }); err != nil {
				t.Fatal(err)
			}
			return k
		}
		first := key("web_login")
		if len(first) != 32 {
			t.Fatalf("a key of %d bytes", len(first))
		}
		if again := key("web_login"); string(again) != string(first) {
			t.Fatal("the second read made a new key")
		}
		if other := key("something_else"); string(other) == string(first) {
			t.Fatal("two names share a key")
		}
	})
}
