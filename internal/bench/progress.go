package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws one line of progress on a terminal (stderr), at most a few times a second. On a
// file or a pipe it writes only each scenario's closing line.
type progress struct {
	w     io.Writer // nil draws nothing
	quiet bool      // w is not a terminal

	mu    sync.Mutex
	label string
	total int64
	done  atomic.Int64
	start time.Time
	shown time.Time
	width int
}

// newProgress returns a progress line on w; nil w draws nothing.
func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		st, err := f.Stat()
		p.quiet = err != nil || st.Mode()&os.ModeCharDevice == 0
	}
	return p
}

// phase starts a new step of work, of total items (0 when the amount is not known).
func (p *progress) phase(label string, total int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label, p.total, p.start, p.shown = label, int64(total), time.Now(), time.Time{}
	p.done.Store(0)
	p.drawLocked(true)
}

// add counts n more items done.
func (p *progress) add(n int) {
	if p == nil || p.w == nil {
		return
	}
	p.done.Add(int64(n))
	if p.mu.TryLock() {
		p.drawLocked(false)
		p.mu.Unlock()
	}
}

// set counts n items done in all.
func (p *progress) set(n int) {
	if p == nil || p.w == nil {
		return
	}
	p.done.Store(int64(n))
	p.tick()
}

// tick redraws the line (the elapsed time moves even when nothing is counted).
func (p *progress) tick() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawLocked(false)
}

// end finishes the line with the scenario's name and a summary.
func (p *progress) end(name, summary string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write(fmt.Sprintf("%s: %s", name, summary))
	fmt.Fprintln(p.w)
	p.width = 0
}

func (p *progress) drawLocked(force bool) {
	if p.quiet {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.shown) < 200*time.Millisecond {
		return
	}
	p.shown = now
	done, elapsed := p.done.Load(), now.Sub(p.start).Truncate(100*time.Millisecond)
	line := fmt.Sprintf("%s: %d", p.label, done)
	if p.total > 0 {
		line = fmt.Sprintf("%s: %s %d/%d", p.label, bar(done, p.total), done, p.total)
	}
	p.write(fmt.Sprintf("%s  %s", line, elapsed))
}

// write replaces the current line with s.
func (p *progress) write(s string) {
	if p.quiet {
		fmt.Fprint(p.w, s)
		return
	}
	pad := max(p.width-len([]rune(s)), 0)
	fmt.Fprint(p.w, "\r"+s+strings.Repeat(" ", pad))
	p.width = len([]rune(s))
}

// bar is a 20-character bar of done out of total.
func bar(done, total int64) string {
	const width = 20
	filled := int(min(done, total) * width / max(total, 1))
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}
