package torg

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestOrganisationValidate(t *testing.T) {
	t.Run("empty details are allowed: the forms leave blanks", func(t *testing.T) {
		var o Organisation
		if err := o.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("fields are trimmed", func(t *testing.T) {
		o := Organisation{Name: "  ООО «Ромашка» ", INN: " 7707083893 ", KPP: "770701001"}
		if err := o.Validate(); err != nil || o.Name != "ООО «Ромашка»" || o.INN != "7707083893" {
			t.Fatalf("%+v, %v", o, err)
		}
	})
	t.Run("every bad field is named", func(t *testing.T) {
		o := Organisation{Name: strings.Repeat("я", 256), INN: "12345", KPP: "77070100", Address: strings.Repeat("a", 501),
			Head: "a\x00b", Accountant: "ok"}
		var names []string
		var e *Error
		if !errors.As(o.Validate(), &e) {
			t.Fatal("no validation error")
		}
		for _, fe := range e.Fields {
			names = append(names, fe.Field)
		}
		slices.Sort(names)
		if want := []string{"address", "head", "inn", "kpp", "name"}; !slices.Equal(names, want) {
			t.Fatalf("fields %v, want %v", names, want)
		}
	})
}
