package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"torg"
)

// errNoRows reports whether err is a missing row.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// errUnique and errForeignKey are the constraint violations the store turns into domain errors.
var (
	errUnique     = errors.New("unique constraint violated")
	errForeignKey = errors.New("foreign key constraint violated")
)

// translate maps driver errors, by their codes, to errors the rest of the store understands:
// constraint violations to errUnique and errForeignKey, an unreachable database to CodeUnavailable.
// Domain errors and nil pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var te *torg.Error
	if errors.As(err, &te) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return errors.Join(errUnique, err)
		case "23503":
			return errors.Join(errForeignKey, err)
		case "57P01", "57P02", "57P03", "08000", "08003", "08006":
			return unavailable(err)
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errors.Join(errUnique, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errors.Join(errForeignKey, err)
		}
		return err
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) {
		return unavailable(err)
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return unavailable(err)
	}
	return err
}

func unavailable(err error) error {
	return &torg.Error{Code: torg.CodeUnavailable, Message: "the database is unavailable; try again", Cause: err}
}

// errRetry asks Update to run its transaction again: it lost a race that the next run resolves.
var errRetry = errors.New("store: transaction lost a race; run it again")

// isRetryable reports a PostgreSQL serialization failure or deadlock, or errRetry: the transaction
// may run again.
func isRetryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// duplicate turns a unique violation into a CodeDuplicate error naming field.
func duplicate(err error, field, value string) error {
	if errors.Is(err, errUnique) {
		return &torg.Error{Code: torg.CodeDuplicate, Message: field + " " + quote(value) + " is already taken",
			Fields: []torg.FieldError{{Field: field, Message: "is already taken"}}}
	}
	return err
}

func quote(s string) string { return "\"" + s + "\"" }

// isUnique reports a unique violation.
func isUnique(err error) bool { return errors.Is(err, errUnique) }
