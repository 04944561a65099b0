package torg

import "encoding/base64"

// Page asks for one page of a list: at most Limit items after the cursor After.
type Page struct {
	Limit int
	After string // the position after which the page starts, decoded from the client's cursor
}

// List is one page of items and the cursor of the next page, nil on the last page.
type List[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// Limits of a page.
const (
	DefaultPageLimit = 100
	MaxPageLimit     = 500
)

// EncodeCursor makes an opaque cursor of a list position.
func EncodeCursor(pos string) string { return base64.RawURLEncoding.EncodeToString([]byte(pos)) }

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "", Invalid("after", "is not a cursor this server made")
	}
	return string(b), nil
}
