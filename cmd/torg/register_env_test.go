package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A register's token on the command line is visible to every user of the till in ps: the agent
// takes it from TORG_TOKEN, and the README shows it that way.
func TestRegisterTokenComesFromTheEnvironment(t *testing.T) {
	t.Run("the README never puts a token on a command line", func(t *testing.T) {
		readme, err := os.ReadFile("../../README.md")
		if err != nil {
			t.Fatal(err)
		}
		shown, onCommandLine := false, regexp.MustCompile("torg register[^`]*--token")
		for _, line := range strings.Split(string(readme), "\n") {
			if onCommandLine.MatchString(line) {
				t.Errorf("README: %s", line)
			}
			shown = shown || regexp.MustCompile(`TORG_TOKEN=\S+ (go run \./cmd/)?torg register --server`).MatchString(line)
		}
		if !shown {
			t.Error("README does not show TORG_TOKEN=… torg register --server …")
		}
	})
	t.Run("torg register reads TORG_TOKEN", func(t *testing.T) {
		s := startServer(t, "sqlite")
		wh := s.must(201, "POST", "/api/v1/warehouses", `{"code":"ENV","name":"w"}`)["id"].(string)
		reg := s.must(201, "POST", "/api/v1/registers", fmt.Sprintf(`{"code":"ENV","name":"r","warehouse_id":%q}`, wh))["id"].(string)
		t.Setenv("TORG_TOKEN", s.must(201, "POST", "/api/v1/registers/"+reg+"/token", "")["token"].(string))
		ctx, cancel := context.WithCancel(context.Background())
		out, done := &syncBuffer{}, make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"register", "--server", s.url, "--listen", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), out, io.Discard)
		}()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if s.must(200, "GET", "/api/v1/registers/"+reg, "")["last_seen_at"] != nil {
				return // the agent's long poll reached the back office with the token
			}
		}
		t.Fatalf("the agent did not reach the back office with TORG_TOKEN:\n%s", out.String())
	})
}
