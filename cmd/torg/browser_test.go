package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"torg/internal/browsertest"
)

// newBrowser starts Chromium headless for the test.
func newBrowser(t testing.TB) context.Context { return browsertest.New(t) }

// artifact is where a test keeps a file for people to look at: TORG_ARTIFACTS when set.
func artifact(t testing.TB, name string) string {
	dir := os.Getenv("TORG_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	return filepath.Join(dir, name)
}
