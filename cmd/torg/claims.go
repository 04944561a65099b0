package main

import (
	"context"
	"log/slog"
	"time"

	"torg/internal/store"
)

// releaseLapsedClaims ends, every few seconds, the claims whose register stopped renewing them, so
// that the order's other registers show it as available again (order.released). On PostgreSQL the
// processes share the work: each locks the orders it releases with SKIP LOCKED.
func releaseLapsedClaims(ctx context.Context, st *store.Store, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if any, err := st.AnyLapsedClaim(ctx); err != nil || !any {
			continue
		}
		var n int
		err := st.Update(ctx, func(tx *store.Tx) (err error) { n, err = tx.ReleaseLapsedClaims(ctx, 100); return err })
		if err != nil && ctx.Err() == nil {
			log.Warn("releasing lapsed claims", "err", err)
		} else if n > 0 {
			log.Info("released lapsed claims", "count", n)
		}
	}
}
