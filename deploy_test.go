package torg

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServiceUnits: the systemd units in deploy/ are hardened as the README says, and
// systemd-analyze verify, where it exists, has nothing to say about them (it warns rather than
// fails on a directive it cannot read, so a word from it fails the test).
func TestServiceUnits(t *testing.T) {
	units := []string{"torg.service", "torg-register.service"}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, u := range units {
		b, err := os.ReadFile(filepath.Join("deploy", u))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"DynamicUser=yes", "StateDirectory=", "ProtectSystem=strict", "NoNewPrivileges=yes",
			"EnvironmentFile=/etc/torg/", "ExecStart=/usr/local/bin/torg "} {
			if !strings.Contains(string(b), "\n"+want) {
				t.Errorf("%s has no %s", u, want)
			}
		}
		// verify checks that the program exists: point it at one that does.
		unit := strings.ReplaceAll(string(b), "/usr/local/bin/torg", self)
		if err := os.WriteFile(filepath.Join(dir, u), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	args := []string{"verify"}
	for _, u := range units {
		args = append(args, filepath.Join(dir, u))
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
