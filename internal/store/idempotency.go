package store

import (
	"bytes"
	"context"
	"errors"
	"time"

	"torg"
)

// IdemResponse is the response stored under an idempotency key.
type IdemResponse struct {
	Status int
	Body   []byte
}

// IdemLease is how long a request may run under its key before a retry may take the key over: the
// process that held it is taken to have died. Requests under a key must finish well within it (the
// API gives their transaction IdemDeadline), so a live request is never taken over.
const IdemLease = 10 * time.Second

// IdemDeadline bounds the transaction of a request under an idempotency key.
const IdemDeadline = IdemLease * 3 / 4

// BeginIdempotent claims the key for a request whose body hashes to hash. It returns the stored
// response when the same request already completed; a CodeIdemConflict error when the key was used
// with another request; a CodeIdemInProgress error while the first request still runs. Otherwise the
// key is claimed (nil, nil): the request runs and CompleteIdempotent stores its response in the same
// transaction as its effect, or ReleaseIdempotent frees the key when it fails.
func (s *Store) BeginIdempotent(ctx context.Context, principal, key string, hash []byte) (*IdemResponse, error) {
	var stored *IdemResponse
	err := s.Update(ctx, func(tx *Tx) error {
		stored = nil
		now := torg.Now()
		var state string
		var reqHash, body []byte
		var status int
		var lockedUntil int64
		err := tx.queryRow(ctx, "SELECT state, request_hash, status, body, locked_until FROM idempotency_keys WHERE principal_id = ? AND key = ?"+tx.d.forUpdate,
			principal, key).Scan(&state, &reqHash, &status, &body, &lockedUntil)
		switch {
		case errNoRows(err):
			_, err = tx.exec(ctx, "INSERT INTO idempotency_keys (principal_id, key, request_hash, state, locked_until, created_at) VALUES (?, ?, ?, 'running', ?, ?)",
				principal, key, hash, micros(now.Add(IdemLease)), micros(now))
			return err
		case err != nil:
			return err
		case !bytes.Equal(reqHash, hash):
			return torg.Errorf(torg.CodeIdemConflict, "the Idempotency-Key %q was used with another request", key)
		case state == "done":
			stored = &IdemResponse{Status: status, Body: body}
			return nil
		case lockedUntil > micros(now):
			return torg.Errorf(torg.CodeIdemInProgress, "a request with the Idempotency-Key %q is still running", key)
		}
		_, err = tx.exec(ctx, "UPDATE idempotency_keys SET locked_until = ? WHERE principal_id = ? AND key = ?",
			micros(now.Add(IdemLease)), principal, key)
		return err
	})
	if errors.Is(err, errUnique) { // another request claimed the key first: it is running now
		return nil, torg.Errorf(torg.CodeIdemInProgress, "a request with the Idempotency-Key %q is still running", key)
	}
	return stored, err
}

// CompleteIdempotent stores the response of a claimed key, in the transaction of the request's effect.
func (tx *Tx) CompleteIdempotent(ctx context.Context, principal, key string, r IdemResponse) error {
	_, err := tx.exec(ctx, "UPDATE idempotency_keys SET state = 'done', status = ?, body = ? WHERE principal_id = ? AND key = ?",
		r.Status, r.Body, principal, key)
	return err
}

// ReleaseIdempotent forgets a claimed key whose request stored nothing, so that it can be used again.
func (s *Store) ReleaseIdempotent(ctx context.Context, principal, key string) error {
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM idempotency_keys WHERE principal_id = ? AND key = ? AND state = 'running'", principal, key)
		return err
	})
}

// PurgeIdempotent deletes the keys made before the time; keys are promised for at least 24 hours.
func (s *Store) PurgeIdempotent(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", micros(before))
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}

// ReleaseRunningIdempotent frees every key still marked running. Only a process that is the sole
// user of its database may call it, at start: there, every running key is a dead process's.
func (s *Store) ReleaseRunningIdempotent(ctx context.Context) error {
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM idempotency_keys WHERE state = 'running'")
		return err
	})
}
