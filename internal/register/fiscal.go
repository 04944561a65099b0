package register

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"torg"
)

// FiscalReceipt is what the fiscal device registers of a closed receipt.
type FiscalReceipt struct {
	Total, Cash, Card torg.Money
	ClosedAt          time.Time
	Refund            bool   // a return receipt «Возврат прихода» (settlement sign 2), not a sale (1)
	Kind              string // "cash_in" or "cash_out" for a cash in or cash out document, else ""
}

// FiscalDoc is the fiscal device's answer: the receipt's numbers in the shift and the fiscal data
// that goes into the transaction (54-ФЗ tags 1038, 1042, 1041, 1040, 1077).
type FiscalDoc struct {
	ShiftNumber, ReceiptNumber int64
	Fiscal                     torg.Fiscal
}

// Shift is a fiscal shift: opened by its first sale, closed by a Z-report.
type Shift struct {
	Number   int64      `json:"shift_number"`
	Open     bool       `json:"open"`
	OpenedAt *time.Time `json:"opened_at"`
}

// FiscalDevice is the till's fiscal device. The agent calls it inside the local transaction that
// writes the receipt to the outbox, so the fiscal numbers and the outbox row are kept together; a
// real device, which keeps its own memory, may ignore tx.
type FiscalDevice interface {
	// Fiscalize registers a receipt, opening a shift when none is open.
	Fiscalize(ctx context.Context, tx *sql.Tx, r FiscalReceipt) (FiscalDoc, error)
	// CloseShift closes the open shift (the Z-report) and returns it as it was.
	CloseShift(ctx context.Context, tx *sql.Tx) (Shift, error)
	// Shift tells the current shift.
	Shift(ctx context.Context, tx *sql.Tx) (Shift, error)
}

// errNoShift is the answer to closing a shift when none is open.
var errNoShift = errors.New("no shift is open")

// Emulator is a fiscal device that keeps its counters in the agent's local store: a fiscal drive
// number made at its first start, shifts, receipt numbers in the shift, fiscal document numbers, and
// a fiscal sign computed from the document with a key of its own.
type Emulator struct{}

type emulatorState struct {
	fn, key            string
	shift, receipt, fd int64
	open               bool
	openedAt           sql.NullInt64
}

func (Emulator) load(ctx context.Context, tx *sql.Tx) (emulatorState, error) {
	var s emulatorState
	err := tx.QueryRowContext(ctx, "SELECT fn, key, shift_number, shift_open, shift_opened_at, receipt_number, fd FROM fiscal WHERE id = 1").
		Scan(&s.fn, &s.key, &s.shift, &s.open, &s.openedAt, &s.receipt, &s.fd)
	if !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	s.fn, s.key = randomDigits(16), randomHex(32)
	_, err = tx.ExecContext(ctx, "INSERT INTO fiscal (id, fn, key, shift_number, shift_open, receipt_number, fd) VALUES (1, ?, ?, 0, FALSE, 0, 0)", s.fn, s.key)
	return s, err
}

// Fiscalize numbers the receipt and signs it.
func (e Emulator) Fiscalize(ctx context.Context, tx *sql.Tx, r FiscalReceipt) (FiscalDoc, error) {
	s, err := e.load(ctx, tx)
	if err != nil {
		return FiscalDoc{}, err
	}
	if !s.open {
		s.shift, s.receipt, s.open = s.shift+1, 0, true
		s.openedAt = sql.NullInt64{Int64: r.ClosedAt.UnixMicro(), Valid: true}
	}
	s.receipt++
	s.fd++
	_, err = tx.ExecContext(ctx, "UPDATE fiscal SET shift_number = ?, shift_open = TRUE, shift_opened_at = ?, receipt_number = ?, fd = ? WHERE id = 1",
		s.shift, s.openedAt, s.receipt, s.fd)
	return FiscalDoc{ShiftNumber: s.shift, ReceiptNumber: s.receipt,
		Fiscal: torg.Fiscal{FN: s.fn, FD: s.fd, FP: sign(s.key, s.fn, s.fd, r)}}, err
}

// CloseShift closes the open shift.
func (e Emulator) CloseShift(ctx context.Context, tx *sql.Tx) (Shift, error) {
	sh, err := e.Shift(ctx, tx)
	if err != nil {
		return sh, err
	}
	if !sh.Open {
		return sh, errNoShift
	}
	_, err = tx.ExecContext(ctx, "UPDATE fiscal SET shift_open = FALSE, fd = fd + 1 WHERE id = 1")
	return sh, err
}

// Shift tells the current (or last) shift.
func (e Emulator) Shift(ctx context.Context, tx *sql.Tx) (Shift, error) {
	s, err := e.load(ctx, tx)
	sh := Shift{Number: s.shift, Open: s.open}
	if s.openedAt.Valid {
		t := time.UnixMicro(s.openedAt.Int64).UTC()
		sh.OpenedAt = &t
	}
	return sh, err
}

// sign is the emulated fiscal sign (ФП): ten decimal digits of an HMAC over the document.
func sign(key, fn string, fd int64, r FiscalReceipt) string {
	m := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(m, "%s|%d|%d|%d|%d|%d", fn, fd, r.Total, r.Cash, r.Card, r.ClosedAt.UnixMicro())
	if r.Refund {
		fmt.Fprint(m, "|2")
	}
	if r.Kind != "" {
		fmt.Fprint(m, "|"+r.Kind)
	}
	return fmt.Sprintf("%010d", binary.BigEndian.Uint64(m.Sum(nil))%10_000_000_000)
}

func randomDigits(n int) string {
	out := make([]byte, n)
	for i := range out {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		out[i] = byte('0' + d.Int64())
	}
	if out[0] == '0' {
		out[0] = '7'
	}
	return string(out)
}

func randomHex(n int) string {
	b := make([]byte, n/2)
	rand.Read(b)
	return hex.EncodeToString(b)
}
