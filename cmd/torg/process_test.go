package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets a test run the test binary as the torg command itself.
func TestMain(m *testing.M) {
	if os.Getenv("TORG_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"torg"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess starts torg as a child process and returns it with its listen URL and its first
// lines of standard output.
func startProcess(t *testing.T, env []string, args ...string) (*exec.Cmd, string, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "TORG_TEST_RUN_MAIN=1"), env...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	var head strings.Builder
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for sc.Scan() {
		head.WriteString(sc.Text() + "\n")
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, m[1], head.String(), stderr
		}
	}
	t.Fatalf("torg did not start:\n%s\n%s", head.String(), stderr.String())
	return nil, "", "", nil
}

func TestServeProcess(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "torg.db")
	t.Run("the first start prints an admin token once, SIGTERM exits 0", func(t *testing.T) {
		cmd, url, head, _ := startProcess(t, []string{"TORG_DB=" + db, "TORG_LISTEN=127.0.0.1:0"}, "serve")
		m := regexp.MustCompile(`(torg_\S+)`).FindStringSubmatch(head)
		if m == nil {
			t.Fatalf("no admin token printed:\n%s", head)
		}
		req, _ := http.NewRequest("GET", url+"/api/v1/warehouses", nil)
		req.Header.Set("Authorization", "Bearer "+m[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("the printed token: %v %v", resp, err)
		}
		resp.Body.Close()
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
	})
	t.Run("the second start prints no token and logs JSON on request", func(t *testing.T) {
		cmd, url, head, stderr := startProcess(t, []string{"TORG_DB=" + db}, "serve", "--listen", "127.0.0.1:0", "--log-format", "json")
		if strings.Contains(head, "torg_") {
			t.Fatalf("a token was printed again:\n%s", head)
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(url + path)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: %v %v", path, resp, err)
			}
			resp.Body.Close()
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
		var line map[string]any
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, "/readyz") {
				json.Unmarshal([]byte(l), &line)
			}
		}
		if line["method"] != "GET" || line["route"] != "/readyz" || line["status"] != 200.0 || line["duration"] == nil {
			t.Fatalf("no JSON request line in:\n%s", stderr.String())
		}
	})
	t.Run("user add stores a user; a second one with the name is refused", func(t *testing.T) {
		cmd := exec.Command(os.Args[0], "user", "add", "anna", "--role", "admin", "--password-stdin", "--db", db)
		cmd.Env = append(os.Environ(), "TORG_TEST_RUN_MAIN=1")
		cmd.Stdin = strings.NewReader("correct horse battery\n")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "user anna added") {
			t.Fatalf("%v: %s", err, out)
		}
		cmd = exec.Command(os.Args[0], "user", "add", "anna", "--password-stdin", "--db", db)
		cmd.Env = append(os.Environ(), "TORG_TEST_RUN_MAIN=1")
		cmd.Stdin = strings.NewReader("another password\n")
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "already taken") {
			t.Fatalf("a duplicate user: %v: %s", err, out)
		}
	})
}
