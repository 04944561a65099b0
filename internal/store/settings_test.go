package store_test

import (
	"context"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestOrganisationSettings(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		read := func() torg.Organisation {
			var o torg.Organisation
			if err := s.View(ctx, func(tx *store.Tx) (err error) { o, err = tx.Organisation(ctx); return err }); err != nil {
				t.Fatal(err)
			}
			return o
		}
		if o := read(); o != (torg.Organisation{}) {
			t.Fatalf("a new database has details %+v, want none", o)
		}
		want := torg.Organisation{Name: "ООО «Ромашка»", INN: "7707083893", KPP: "770701001", Address: "Москва, ул. Ленина, 1",
			Head: "Иванов И. И.", Accountant: "Петрова А. А."}
		save := func(o torg.Organisation) error {
			return s.Update(ctx, func(tx *store.Tx) error { _, err := tx.SaveOrganisation(ctx, o); return err })
		}
		if err := save(want); err != nil {
			t.Fatal(err)
		}
		if o := read(); o != want {
			t.Fatalf("read %+v, want %+v", o, want)
		}
		t.Run("saving again replaces every detail", func(t *testing.T) {
			next := want
			next.Head, next.KPP = "Сидоров С. С.", ""
			if err := save(next); err != nil {
				t.Fatal(err)
			}
			if o := read(); o != next {
				t.Fatalf("read %+v, want %+v", o, next)
			}
		})
		t.Run("bad details change nothing", func(t *testing.T) {
			before := read()
			if err := save(torg.Organisation{Name: "X", INN: "1"}); torg.ErrorCode(err) != torg.CodeValidation {
				t.Fatalf("err %v, want a validation error", err)
			}
			if o := read(); o != before {
				t.Fatalf("read %+v after a refused save, want %+v", o, before)
			}
		})
	})
}
