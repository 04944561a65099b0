package store

import "context"

// Exec runs a statement in the transaction: tests use it to break data on purpose.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := tx.exec(ctx, q, args...)
	return err
}

// StopSequencer stops the store's background sequencer, as if its process died between committing
// a change and numbering the change's packages.
func (s *Store) StopSequencer() {
	s.startSequencer()
	if s.seq != nil {
		s.seq.stop()
		s.seq = nil
	}
}
