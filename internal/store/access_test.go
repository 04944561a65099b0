package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"torg"
	"torg/internal/store"
	"torg/internal/store/storetest"
)

func TestIdempotencyKeys(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		hash := []byte("request-1")
		t.Run("a key still running answers in-progress, then the stored response", func(t *testing.T) {
			if got, err := s.BeginIdempotent(ctx, "p1", "k", hash); err != nil || got != nil {
				t.Fatalf("first begin: %v %v", got, err)
			}
			_, err := s.BeginIdempotent(ctx, "p1", "k", hash)
			if torg.ErrorCode(err) != torg.CodeIdemInProgress {
				t.Fatalf("second begin: %v", err)
			}
			err = s.Update(ctx, func(tx *store.Tx) error {
				return tx.CompleteIdempotent(ctx, "p1", "k", store.IdemResponse{Status: 201, Body: []byte(`{"id":"x"}`)})
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.BeginIdempotent(ctx, "p1", "k", hash)
			if err != nil || got == nil || got.Status != 201 || string(got.Body) != `{"id":"x"}` {
				t.Fatalf("after completion: %+v %v", got, err)
			}
		})
		t.Run("another request under the key is a conflict, under another principal it is free", func(t *testing.T) {
			if _, err := s.BeginIdempotent(ctx, "p1", "k", []byte("other")); torg.ErrorCode(err) != torg.CodeIdemConflict {
				t.Fatalf("got %v", err)
			}
			if got, err := s.BeginIdempotent(ctx, "p2", "k", []byte("other")); err != nil || got != nil {
				t.Fatalf("got %v %v", got, err)
			}
		})
		t.Run("a released key can be used again", func(t *testing.T) {
			s.BeginIdempotent(ctx, "p3", "k", hash)
			if err := s.ReleaseIdempotent(ctx, "p3", "k"); err != nil {
				t.Fatal(err)
			}
			if got, err := s.BeginIdempotent(ctx, "p3", "k", []byte("corrected")); err != nil || got != nil {
				t.Fatalf("got %v %v", got, err)
			}
		})
	})
}

func TestBootstrapAdminTokenIsMadeOnce(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		var secrets []string
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var secret string
				err := s.Update(ctx, func(tx *store.Tx) (err error) { secret, err = tx.BootstrapAdminToken(ctx); return err })
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				if secret != "" {
					secrets = append(secrets, secret)
				}
			}()
		}
		wg.Wait()
		if len(secrets) != 1 {
			t.Fatalf("%d bootstrap tokens made", len(secrets))
		}
		p, err := s.Authenticate(ctx, secrets[0])
		if err != nil || p.Role != torg.RoleAdmin {
			t.Fatalf("the bootstrap token authenticates as %+v, %v", p, err)
		}
	})
}

func TestConcurrentWritesNeverFailBusy(t *testing.T) {
	ctx := context.Background()
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 400)
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					// Read, then write, in one transaction: the pattern that meets SQLITE_BUSY_SNAPSHOT
					// when a transaction starts deferred.
					err := s.Update(ctx, func(tx *store.Tx) error {
						if _, err := store.Warehouses.List(ctx, tx, "", torg.Page{Limit: 1}); err != nil {
							return err
						}
						_, err := store.Warehouses.Create(ctx, tx, torg.WarehouseInput{Code: torg.Of(fmt.Sprintf("G%d-%d", g, i)), Name: torg.Of("w")})
						return err
					})
					if err != nil {
						errs <- err
					}
					s.View(ctx, func(tx *store.Tx) error {
						_, err := store.Warehouses.List(ctx, tx, "", torg.Page{Limit: 5})
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var l torg.List[torg.Warehouse]
		s.View(ctx, func(tx *store.Tx) (err error) {
			l, err = store.Warehouses.List(ctx, tx, "", torg.Page{Limit: 500})
			return err
		})
		if len(l.Items) != 400 {
			t.Fatalf("%d warehouses, want 400", len(l.Items))
		}
	})
}

func TestMigrationsAreSafeFromSeveralProcessesAtOnce(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := store.Open(ctx, dsn)
					if err != nil {
						t.Error(err)
						return
					}
					defer s.Close()
					if err := s.Migrate(ctx, discardLog); err != nil {
						t.Error(err)
					}
					if ok, err := s.Migrated(ctx); !ok || err != nil {
						t.Errorf("not migrated: %v", err)
					}
				}()
			}
			wg.Wait()
		})
	}
}
