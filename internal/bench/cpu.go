package bench

import (
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPU is the processor time used while a scenario's timed part ran, in seconds: it tells what
// bounds a figure — a busy machine, or a server waiting on its database.
type CPU struct {
	Wall    float64 `json:"wall_s"`
	Server  float64 `json:"server_s"`  // the torg serve process; 0 when it does not run here
	Bench   float64 `json:"bench_s"`   // this process: the clients (and, for the ceiling, the store itself)
	Machine float64 `json:"machine_s"` // every process on the machine, the database server included
	CPUs    int     `json:"cpus"`
}

// Busy is the share of the machine's processors that were busy, from 0 to 1.
func (c CPU) Busy() float64 {
	if c.Wall <= 0 || c.CPUs <= 0 {
		return 0
	}
	return c.Machine / (c.Wall * float64(c.CPUs))
}

// cpuMeter measures a CPU from its start to its stop.
type cpuMeter struct {
	pid                   int
	wall                  time.Time
	server, self, machine time.Duration
}

// startCPU starts measuring; pid is the server's process, 0 when it does not run here.
func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid, wall: time.Now(), self: selfCPU(), machine: machineCPU()}
	if pid > 0 {
		m.server, _ = cpuTime(pid)
	}
	return m
}

func (m *cpuMeter) stop() CPU {
	c := CPU{Wall: since(m.wall), Bench: secs(selfCPU() - m.self), Machine: secs(machineCPU() - m.machine), CPUs: machineCPUs()}
	if m.pid > 0 {
		if now, err := cpuTime(m.pid); err == nil {
			c.Server = secs(now - m.server)
		}
	}
	return c
}

// add adds the times of another interval.
func (c *CPU) add(o CPU) {
	sum := func(a, b float64) float64 { return math.Round((a+b)*100) / 100 }
	c.Wall, c.Server, c.Bench, c.Machine, c.CPUs = sum(c.Wall, o.Wall), sum(c.Server, o.Server), sum(c.Bench, o.Bench), sum(c.Machine, o.Machine), o.CPUs
}

func since(t time.Time) float64 { return secs(time.Since(t)) }

func secs(d time.Duration) float64 { return math.Round(d.Seconds()*100) / 100 }

// selfCPU is the CPU time this process has used, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU is the CPU time every processor of the machine has been busy, from /proc/stat.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var busy int64
	for i, v := range f[1:min(len(f), 9)] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	const clockTicks = 100
	return time.Duration(busy) * time.Second / clockTicks
}

// machineCPUs counts the processors /proc/stat reports, which the machine's busy time is spread over.
func machineCPUs() int {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "cpu") && !strings.HasPrefix(line, "cpu ") {
			n++
		}
	}
	return n
}
