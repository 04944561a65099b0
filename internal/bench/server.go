package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a torg serve process the benchmark started: the torg binary itself, as a child, so that
// its memory is its own and every request crosses loopback.
type Server struct {
	URL string
	PID int

	cmd  *exec.Cmd
	done chan error
}

// StartServer runs exe serve on a random loopback port with the database and admin token, the
// schedule of KKMTransfer off, and waits until it listens. Its log goes to logw.
func StartServer(ctx context.Context, exe, db, adminToken string, logw io.Writer) (*Server, error) {
	cmd := exec.Command(exe, "serve", "--listen", "127.0.0.1:0", "--db", db, "--admin-token", adminToken,
		"--kkm-transfer-every", "0")
	cmd.Stderr = logw
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{PID: cmd.Process.Pid, cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (http://\S+)`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.URL = <-found:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("torg serve exited before it listened: %v", err)
	case <-ctx.Done():
	case <-time.After(time.Minute):
	}
	cmd.Process.Kill()
	<-s.done
	return nil, errors.New("torg serve did not start listening")
}

// Stop asks the server to shut down (SIGTERM) and waits for it, killing it after a while.
func (s *Server) Stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		return fmt.Errorf("torg serve did not stop in 30 s: %v", <-s.done)
	}
}

// ProcStats is what /proc tells of the server process.
type ProcStats struct {
	RSSMB     float64 `json:"rss_mb"`      // resident memory now
	PeakRSSMB float64 `json:"peak_rss_mb"` // the most resident memory since the process started
	Threads   int     `json:"threads"`     // OS threads (not goroutines)
}

// readProcStats reads the process's memory and threads from /proc/PID/status.
func readProcStats(pid int) (*ProcStats, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	var st ProcStats
	for line := range strings.Lines(string(b)) {
		name, value, _ := strings.Cut(line, ":")
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch name {
		case "VmRSS":
			st.RSSMB = float64(n*10/1024) / 10 // kB → MB, to a tenth
		case "VmHWM":
			st.PeakRSSMB = float64(n*10/1024) / 10
		case "Threads":
			st.Threads = int(n)
		}
	}
	return &st, nil
}

// cpuTime is the CPU time the process has used, user and system, from /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
