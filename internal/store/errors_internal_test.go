package store

import (
	"database/sql/driver"
	"fmt"
	"testing"

	"torg"
)

// A connection that the database dropped mid-request (PostgreSQL restarting) is the database being
// unavailable for a moment — a 503 the client retries — not the server failing.
func TestALostConnectionIsUnavailable(t *testing.T) {
	for _, err := range []error{driver.ErrBadConn, fmt.Errorf("commit: %w", driver.ErrBadConn)} {
		if got := torg.ErrorCode(translate(err)); got != torg.CodeUnavailable {
			t.Errorf("translate(%v) is %s, want unavailable", err, got)
		}
	}
}
