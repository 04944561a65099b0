package register

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"torg"
)

// modes are the permission bits of the folder and of every file in it.
func modes(t *testing.T, dir string) map[string]os.FileMode {
	t.Helper()
	out := map[string]os.FileMode{}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	out["."] = st.Mode().Perm()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = info.Mode().Perm()
	}
	return out
}

// ownerOnly fails unless the folder is 0700 and every file in it 0600.
func ownerOnly(t *testing.T, dir string, want ...string) {
	t.Helper()
	m := modes(t, dir)
	for _, name := range want {
		if _, ok := m[name]; !ok {
			t.Errorf("%s is missing: %v", name, m)
		}
	}
	for name, mode := range m {
		if (name == "." && mode != 0o700) || (name != "." && mode != 0o600) {
			t.Errorf("%s has mode %v", name, mode)
		}
	}
}

func TestTheDataFolderIsReadableByItsOwnerOnly(t *testing.T) {
	t.Run("a new folder is 0700 and the database, its WAL and the fiscal key 0600", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "k1")
		a, r := pickedReceiptIn(t, dir)
		soldOnce(t, a, r) // the fiscal emulator makes its drive number and key
		ownerOnly(t, dir, "register.db", "register.db-wal", "register.db-shm")
	})
	t.Run("an existing folder and files with wider permissions are tightened at start", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "k1")
		f := &fakeServer{uploads: map[string]int{}, pages: map[int64][]torg.Package{0: {{Seq: 1, Kind: torg.PackageUpsert, Order: snapshot("a", 1)}}}}
		a, stop := startAgent(t, f, dir)
		eventually(t, "receiving the order", func() bool { return len(orderIDs(t, a)) == 1 })
		r, err := a.pick(context.Background(), "a")
		if err != nil {
			t.Fatal(err)
		}
		soldOnce(t, a, r)
		stop()
		a.Wait()
		for name := range modes(t, dir) {
			os.Chmod(filepath.Join(dir, name), 0o644)
		}
		os.Chmod(dir, 0o755)
		startAgent(t, &fakeServer{uploads: map[string]int{}}, dir)
		ownerOnly(t, dir, "register.db")
	})
}
